using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Commands;

/// <summary>
/// <c>partitions-memory</c>: a Kafka-protocol broker's resident memory idle, after creating a topic with N
/// partitions, and after one record was written to each; then deletes the topic. Bounded by --timeout-seconds.
/// </summary>
internal static class PartitionsMemoryCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint") { Description = "host:port, loopback only", Required = true };
        var pid = new Option<int>("--broker-pid") { Description = "pid of the broker whose RSS is read from /proc", Required = true };
        var partitions = new Option<int>("--partitions") { Description = "partitions of the topic", DefaultValueFactory = _ => 1000 };
        var settle = new Option<double>("--settle-seconds") { Description = "wait before each reading", DefaultValueFactory = _ => 3 };
        var timeout = new Option<double>("--timeout-seconds") { Description = "the whole command's limit", DefaultValueFactory = _ => 120 };
        var outJson = new Option<string>("--out-json") { Description = "where to write the readings", Required = true };
        var command = new Command("partitions-memory", "Broker RSS idle and with N partitions (Kafka protocol)")
        {
            endpoint, pid, partitions, settle, timeout, outJson,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var limit = Deadlines.Linked(TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
            var result = await MeasureAsync(
                Endpoint.RequireLoopback(parse.GetValue(endpoint)!),
                parse.GetValue(pid),
                parse.GetValue(partitions),
                TimeSpan.FromSeconds(parse.GetValue(settle)),
                limit.Token);
            await Json.WriteAsync(parse.GetValue(outJson)!, result);
            await Console.Error.WriteLineAsync(
                $"broker RSS: idle {result.IdleRssBytes / 1048576.0:0.0} MiB, {result.Partitions} partitions created {result.CreatedRssBytes / 1048576.0:0.0} MiB, one record each {result.WrittenRssBytes / 1048576.0:0.0} MiB");
            return 0;
        });
        return command;
    }

    private static async Task<PartitionsMemory> MeasureAsync(string bootstrap, int pid, int partitions, TimeSpan settle, CancellationToken ct)
    {
        var topic = $"bench-partitions-{DateTime.UtcNow:HHmmss}";
        await Task.Delay(settle, ct);
        var idle = BrokerProbe.RssBytes(pid);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler(static (_, _) => { }).Build();
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }],
            new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(60), OperationTimeout = TimeSpan.FromSeconds(60) });
        try
        {
            await Task.Delay(settle, ct);
            var created = BrokerProbe.RssBytes(pid);
            using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5 }).SetLogHandler(static (_, _) => { }).Build())
            {
                var value = new byte[100];
                for (var p = 0; p < partitions; p++)
                {
                    producer.Produce(new TopicPartition(topic, p), new Message<Null, byte[]> { Value = value });
                }

                if (producer.Flush(TimeSpan.FromSeconds(30)) > 0)
                {
                    throw new TimeoutException("records were still unacknowledged 30 s after the last produce");
                }
            }

            await Task.Delay(settle, ct);
            return new PartitionsMemory(partitions, idle, created, BrokerProbe.RssBytes(pid), BrokerProbe.CpuSeconds(pid));
        }
        finally
        {
            await Deadlines.BestEffortAsync(
                t => admin.DeleteTopicsAsync([topic], new DeleteTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) }),
                TimeSpan.FromSeconds(30),
                Console.Error,
                $"delete {topic}");
        }
    }

    private sealed record PartitionsMemory(int Partitions, long IdleRssBytes, long CreatedRssBytes, long WrittenRssBytes, double BrokerCpuSecondsTotal);
}
