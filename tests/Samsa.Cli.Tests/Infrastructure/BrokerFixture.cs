using Samsa.Interop.Tests;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Samsa.Cli.Tests.Infrastructure;

/// <summary>One real broker process shared by the tests of a class; each test uses its own topics and groups.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public SamsaBroker Broker { get; private set; } = null!;

    public string Bootstrap => Broker.BootstrapServers;

    public async Task InitializeAsync() => Broker = await SamsaBroker.StartAsync();

    public async Task DisposeAsync() => await Broker.DisposeAsync();

    /// <summary>A unique name, so tests sharing a broker never meet.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Creates a topic through the CLI.</summary>
    public async Task<string> TopicAsync(int partitions = 1, string prefix = "t")
    {
        var name = Unique(prefix);
        await SamsaCli.OkAsync("topic", "create", name, "--partitions", partitions.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", Bootstrap);
        return name;
    }
}
