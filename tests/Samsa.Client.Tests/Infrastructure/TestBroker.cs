using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Interop.Tests;

namespace Samsa.Client.Tests.Infrastructure;

/// <summary>
/// The broker for the tests librdkafka's mock cannot serve (admin APIs, ListOffsets by time): the real <c>samsa</c>
/// process, started once per test class on a free port and a temporary data dir. Set
/// <c>SAMSA_TEST_BOOTSTRAP=host:port</c> to run the same tests against another broker (any Kafka works); state they
/// need is always created through the protocol (topics with CreateTopics, groups by a Confluent.Kafka consumer).
/// </summary>
public sealed class TestBroker : IAsyncLifetime
{
    private const string Variable = "SAMSA_TEST_BOOTSTRAP";
    private SamsaBroker? _process;

    public string Bootstrap { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            Bootstrap = external.Trim();
            return;
        }

        _process = await SamsaBroker.StartAsync();
        Bootstrap = _process.BootstrapServers;
    }

    /// <summary>Creates a topic with a unique name starting with <paramref name="prefix"/> and returns its name.</summary>
    public async Task<string> CreateTopicAsync(string prefix, int partitions)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..24];
        await using var admin = new KafkaAdminClient(new AdminClientConfig { BootstrapServers = Bootstrap });
        (await admin.CreateTopicsAsync([new NewTopic(name, partitions, 1)])).ThrowIfAnyFailed();
        return name;
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
