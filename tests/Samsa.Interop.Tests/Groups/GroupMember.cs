using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Samsa.Interop.Tests.Groups;

/// <summary>
/// One Confluent.Kafka group member on its own thread: subscribes, consumes, and commits each record synchronously
/// after "processing" it. A record counts as processed only when its commit succeeded, so a record processed twice
/// means the broker accepted a commit it should have fenced.
/// </summary>
internal sealed class GroupMember : IDisposable
{
    private readonly IConsumer<Ignore, string> _consumer;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<string> _processed;
    private readonly CancellationTokenSource _stop = new();
    private volatile TopicPartition[] _assignment = [];
    private int _assignedCalls;
    private int _revokedPartitions;
    private bool _closeOnStop = true;

    public GroupMember(ConsumerConfig config, string topic, ConcurrentQueue<string> processed)
    {
        _processed = processed;
        _consumer = new ConsumerBuilder<Ignore, string>(config)
            .SetPartitionsAssignedHandler((c, added) => OnAssigned(c, added))
            .SetPartitionsRevokedHandler((c, removed) => OnRevoked(c, removed))
            .SetPartitionsLostHandler((c, lost) => OnRevoked(c, lost))
            .Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(Run) { IsBackground = true };
        _thread.Start();
    }

    public IReadOnlyList<TopicPartition> Assignment => _assignment;

    /// <summary>The member id of the latest assignment.</summary>
    public string MemberId { get; private set; } = "";

    /// <summary>How many times partitions were added to this member.</summary>
    public int AssignedCalls => Volatile.Read(ref _assignedCalls);

    public int RevokedPartitions => Volatile.Read(ref _revokedPartitions);

    public Exception? Failure { get; private set; }

    /// <summary>Stops consuming; with <paramref name="leave"/> false the member vanishes without closing (a crash, or a static member's restart).</summary>
    public void Stop(bool leave = true)
    {
        _closeOnStop = leave;
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            Stop();
        }

        _consumer.Dispose();
        _stop.Dispose();
    }

    private void OnAssigned(IConsumer<Ignore, string> consumer, List<TopicPartition> added)
    {
        Interlocked.Increment(ref _assignedCalls);
        MemberId = consumer.MemberId;
        _assignment = [.. consumer.Assignment.Concat(added).Distinct()];
    }

    private void OnRevoked(IConsumer<Ignore, string> consumer, List<TopicPartitionOffset> removed)
    {
        Interlocked.Add(ref _revokedPartitions, removed.Count);
        var gone = removed.Select(r => r.TopicPartition).ToHashSet();
        _assignment = [.. consumer.Assignment.Where(p => !gone.Contains(p))];
    }

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = _consumer.Consume(100);
                if (result is not null && !result.IsPartitionEOF)
                {
                    Process(result);
                }
            }

            if (_closeOnStop)
            {
                _consumer.Close();
            }
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException)
        {
            Failure = e;
        }
    }

    private void Process(ConsumeResult<Ignore, string> result)
    {
        try
        {
            _consumer.Commit(result);
            _processed.Enqueue(result.Message.Value);
        }
        catch (KafkaException)
        {
            // Fenced or rebalancing: not processed; whoever owns the partition now reads it again.
            SeekBack(result.TopicPartitionOffset);
        }
    }

    private void SeekBack(TopicPartitionOffset position)
    {
        try
        {
            _consumer.Seek(position);
        }
        catch (KafkaException)
        {
            // The partition moved away meanwhile.
        }
    }
}
