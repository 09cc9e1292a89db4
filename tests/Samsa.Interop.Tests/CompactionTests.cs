namespace Samsa.Interop.Tests;

public sealed class CompactionTests
{
    [Fact]
    public async Task The_broker_compacts_a_compacted_topic_in_the_background()
    {
        await using var broker = await SamsaBroker.StartAsync("log.cleaner.backoff.ms=100");
        var topic = Topics.New("compacted");
        var configs = new[] { "cleanup.policy=compact", "segment.ms=100", "min.cleanable.dirty.ratio=0.01", "delete.retention.ms=0" };
        (await ClientProcess.PythonAsync(CreateTopic, broker.BootstrapServers, TimeSpan.FromSeconds(60), [topic, .. configs])).EnsureSuccess();

        for (var round = 0; round < 5; round++)
        {
            var lines = Enumerable.Range(0, 10).Select(k => $"k{k}:v{k}-{round}");
            (await ClientProcess.KcatAsync(broker.BootstrapServers, ["-P", "-t", topic, "-K", ":"], ClientProcess.Lines(lines))).EnsureSuccess();
            await Task.Delay(150);
        }

        // The last round sits in the active segment, which is never cleaned; this one rolls it.
        (await ClientProcess.KcatAsync(broker.BootstrapServers, ["-P", "-t", topic, "-K", ":"], "k0:last\n")).EnsureSuccess();
        string[] records = [];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var consumed = (await ClientProcess.KcatAsync(broker.BootstrapServers, ["-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k=%s\\n"])).EnsureSuccess();
            records = consumed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (records.Length == 11)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal([.. Enumerable.Range(0, 10).Select(k => $"k{k}=v{k}-4"), "k0=last"], records);
    }

    private const string CreateTopic = """
        import sys
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic
        bootstrap, topic, configs = sys.argv[1], sys.argv[2], dict(c.split('=', 1) for c in sys.argv[3:])
        KafkaAdminClient(bootstrap_servers=bootstrap).create_topics([NewTopic(topic, 1, 1, topic_configs=configs)])
        """;
}
