using System.Text.Json;

namespace Samsa.Interop.Tests.Groups;

public sealed class KafkaPythonGroupTests(GroupBrokerFixture fixture) : IClassFixture<GroupBrokerFixture>
{
    // Consumes up to `limit` records in a group, committing after each poll, then reports what it read.
    private const string GroupConsumer = """
        import json, sys
        from kafka import KafkaConsumer
        bootstrap, topic, group, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                 auto_offset_reset='earliest', session_timeout_ms=6000, heartbeat_interval_ms=500,
                                 max_poll_records=10, consumer_timeout_ms=20000)
        values = []
        while len(values) < limit:
            batch = consumer.poll(timeout_ms=1000, max_records=min(10, limit - len(values)))
            for tp, messages in batch.items():
                values.extend(int(m.value.decode()) for m in messages)
            if batch:
                consumer.commit()
        assignment = sorted(tp.partition for tp in consumer.assignment())
        consumer.close()
        print(json.dumps({'values': values, 'assignment': assignment}))
        """;

    private SamsaBroker Broker => fixture.Broker;

    [Fact]
    public async Task A_kafka_python_group_commits_and_the_next_run_resumes_after_it()
    {
        var topic = await GroupTopics.CreateAsync(Broker, "grp-py", 2);
        var group = Topics.New("g-py");
        GroupTopics.Produce(Broker, topic, 2, 0, 200);

        var first = await RunAsync(topic, group, 100);
        var second = await RunAsync(topic, group, 100);

        Assert.Equal([0, 1], first.Assignment);
        Assert.Equal(Enumerable.Range(0, 200), first.Values.Concat(second.Values).Order());
    }

    private async Task<(List<int> Values, List<int> Assignment)> RunAsync(string topic, string group, int limit)
    {
        var result = (await ClientProcess.PythonAsync(GroupConsumer, Broker.BootstrapServers, TimeSpan.FromSeconds(60), topic, group, limit.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess();
        using var json = JsonDocument.Parse(result.Stdout);
        return (
            [.. json.RootElement.GetProperty("values").EnumerateArray().Select(v => v.GetInt32())],
            [.. json.RootElement.GetProperty("assignment").EnumerateArray().Select(v => v.GetInt32())]);
    }
}
