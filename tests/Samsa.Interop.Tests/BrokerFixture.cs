[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Samsa.Interop.Tests;

/// <summary>One broker process shared by the tests of a class (each test uses its own topics).</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public SamsaBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await SamsaBroker.StartAsync();

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}

/// <summary>Unique topic names, so tests sharing a broker never meet.</summary>
public static class Topics
{
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
}
