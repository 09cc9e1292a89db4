using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.Bench.Groups;

/// <summary>
/// How long a 10-member classic group (range assignor, heartbeat.interval.ms 300, session 6 s) takes to be stable
/// again after an 11th member joins, or after it leaves: until every member holds its new share of 22 partitions.
/// </summary>
internal static class Rebalances
{
    private const int Partitions = 22;

    public static async Task<List<double>> JoinAsync(string bootstrap, int repeats) => await RunAsync(bootstrap, repeats, measureJoin: true);

    public static async Task<List<double>> LeaveAsync(string bootstrap, int repeats) => await RunAsync(bootstrap, repeats, measureJoin: false);

    private static async Task<List<double>> RunAsync(string bootstrap, int repeats, bool measureJoin)
    {
        var topic = "bench-rebalance-" + Guid.NewGuid().ToString("N")[..8];
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
        }

        var group = topic;
        var members = Enumerable.Range(0, 10).Select(_ => new PollingMember(bootstrap, group, topic)).ToList();
        var samples = new List<double>();
        try
        {
            await StableAsync(members, Partitions / 10);
            for (var i = 0; i < repeats; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var extra = new PollingMember(bootstrap, group, topic);
                await StableAsync([.. members, extra], Partitions / 11);
                if (measureJoin)
                {
                    samples.Add(Clock.Ms(started));
                }

                started = Stopwatch.GetTimestamp();
                extra.Dispose();
                await StableAsync(members, Partitions / 10);
                if (!measureJoin)
                {
                    samples.Add(Clock.Ms(started));
                }
            }
        }
        finally
        {
            members.ForEach(m => m.Dispose());
        }

        return samples;
    }

    /// <summary>Every member holds at least its fair share and together they hold every partition once.</summary>
    private static async Task StableAsync(IReadOnlyList<PollingMember> members, int share)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var all = members.SelectMany(m => m.Assignment).ToList();
            if (all.Count == Partitions && all.Distinct().Count() == Partitions && members.All(m => m.Assignment.Count >= share))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the group did not stabilise within 60 s");
            }

            await Task.Delay(5);
        }
    }
}

/// <summary>A consumer polling on its own thread; its assignment is kept up to date by the rebalance callbacks.</summary>
internal sealed class PollingMember : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> _consumer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private volatile TopicPartition[] _assignment = [];

    public PollingMember(string bootstrap, string group, string topic)
    {
        _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 300,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
        })
            .SetPartitionsAssignedHandler((_, added) => { _assignment = [.. added]; })
            .SetPartitionsRevokedHandler((_, _) => { _assignment = []; })
            .Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _consumer.Consume(50);
            }

            _consumer.Close();
        })
        { IsBackground = true };
        _thread.Start();
    }

    public IReadOnlyList<TopicPartition> Assignment => _assignment;

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(30));
        _consumer.Dispose();
        _stop.Dispose();
    }
}
