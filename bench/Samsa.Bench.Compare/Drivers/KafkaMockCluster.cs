using Confluent.Kafka;

namespace Samsa.Bench.Compare.Drivers;

/// <summary>
/// librdkafka's built-in mock cluster (test.mock.num.brokers), started in this process on 127.0.0.1.
/// It lets the Kafka-protocol driver be checked end to end where no broker exists yet; its numbers
/// measure the mock, not a broker.
/// </summary>
internal sealed class KafkaMockCluster : IDisposable
{
    private readonly IAdminClient _owner;

    public KafkaMockCluster(int brokers)
    {
        var config = new AdminClientConfig { BootstrapServers = "127.0.0.1:1" };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _owner = new AdminClientBuilder(config).SetLogHandler(static (_, _) => { }).Build();
        var metadata = _owner.GetMetadata(TimeSpan.FromSeconds(10));
        Bootstrap = string.Join(",", metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
    }

    /// <summary>host:port list of the mock brokers.</summary>
    public string Bootstrap { get; }

    public void Dispose() => _owner.Dispose();
}
