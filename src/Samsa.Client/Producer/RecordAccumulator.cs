using System.Collections.Concurrent;
using System.Diagnostics;
using Samsa.Protocol.Records;

namespace Samsa.Client.Producer;

/// <summary>One partition's batches: the one still open for records, then the sealed ones waiting to be sent, oldest first.</summary>
internal sealed class PartitionQueue(string topic, int partition)
{
    public Lock Lock { get; } = new();

    public string Topic { get; } = topic;

    public int PartitionId { get; } = partition;

    public ProducerBatch? Open { get; set; }

    /// <summary>Sealed batches in send order; a batch to retry goes back to the front.</summary>
    public List<ProducerBatch> Ready { get; } = [];

    /// <summary>Batches of this partition sent and not answered.</summary>
    public int InFlight { get; set; }
}

/// <summary>Per topic: the partition queues by partition index, and the sticky partition for records without a key.</summary>
internal sealed class TopicState(string name)
{
    private PartitionQueue[] _partitions = [];

    public string Name { get; } = name;

    public int StickyPartition;

    public PartitionQueue[] Partitions => Volatile.Read(ref _partitions);

    public void EnsurePartitions(int count, Action<PartitionQueue> added)
    {
        lock (this)
        {
            var current = _partitions;
            if (current.Length >= count)
            {
                return;
            }

            var next = new PartitionQueue[count];
            Array.Copy(current, next, current.Length);
            for (var i = current.Length; i < count; i++)
            {
                next[i] = new PartitionQueue(Name, i);
                added(next[i]);
            }

            Volatile.Write(ref _partitions, next);
        }
    }
}

/// <summary>
/// Gathers records into per-partition batches (<c>batch.size</c>), seals full ones at once and leaves the rest for the
/// sender to seal when <c>linger.ms</c> has passed. Keeps every incomplete batch so <c>FlushAsync</c> can wait for them.
/// </summary>
internal sealed class RecordAccumulator(int batchSize, RecordBatchOptions options, Action wakeSender)
{
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ProducerBatch> _pool = new();
    private readonly Lock _lock = new();
    private readonly HashSet<ProducerBatch> _incomplete = [];
    private PartitionQueue[] _all = [];

    /// <summary>Every partition queue, for the sender to walk.</summary>
    public PartitionQueue[] All => Volatile.Read(ref _all);

    public int IncompleteCount
    {
        get
        {
            lock (_lock)
            {
                return _incomplete.Count;
            }
        }
    }

    public TopicState GetTopic(string topic, int partitionCount)
    {
        if (!_topics.TryGetValue(topic, out var state))
        {
            state = _topics.GetOrAdd(topic, static name => new TopicState(name) { StickyPartition = -1 });
        }

        if (state.Partitions.Length < partitionCount)
        {
            state.EnsurePartitions(partitionCount, AddQueue);
        }

        return state;
    }

    /// <summary>
    /// Appends a record to the partition's open batch. With <paramref name="abortOnNewBatch"/>, returns false instead of
    /// opening a new batch (the sticky partitioner then moves on, KIP-480).
    /// </summary>
    public bool TryAppend(
        PartitionQueue queue,
        long timestamp,
        NullableBytes key,
        NullableBytes value,
        ReadOnlySpan<RecordHeader> headers,
        object? listener,
        int recordSize,
        bool abortOnNewBatch)
    {
        var sealedOne = false;
        var opened = false;
        lock (queue.Lock)
        {
            var open = queue.Open;
            if (open is not null && open.Count > 0 && open.EstimatedSize + recordSize > batchSize)
            {
                SealLocked(queue, open);
                open = null;
                sealedOne = true;
            }

            if (open is null)
            {
                if (abortOnNewBatch)
                {
                    if (sealedOne)
                    {
                        wakeSender();
                    }

                    return false;
                }

                open = Rent(queue);
                opened = true;
            }

            open.Append(timestamp, key, value, headers, listener, recordSize);
            if (open.EstimatedSize >= batchSize)
            {
                SealLocked(queue, open);
                sealedOne = true;
            }
        }

        // A new batch wakes the sender too: idle, it sleeps up to 100 ms and would not see the batch's linger.ms due.
        if (sealedOne || opened)
        {
            wakeSender();
        }

        return true;
    }

    /// <summary>Seals the open batch of <paramref name="queue"/> when it has waited <paramref name="lingerTicks"/> or <paramref name="force"/> is set. Caller holds the queue's lock.</summary>
    public static bool SealIfDueLocked(PartitionQueue queue, long now, long lingerTicks, bool force)
    {
        var open = queue.Open;
        if (open is null || open.Count == 0 || (!force && now - open.CreatedAt < lingerTicks))
        {
            return false;
        }

        SealLocked(queue, open);
        return true;
    }

    /// <summary>The batches not yet completed, for flush.</summary>
    public Task[] IncompleteTasks()
    {
        lock (_lock)
        {
            var tasks = new Task[_incomplete.Count];
            var i = 0;
            foreach (var batch in _incomplete)
            {
                tasks[i++] = batch.Done.Task;
            }

            return tasks;
        }
    }

    /// <summary>Forgets a completed batch and keeps it for reuse.</summary>
    public void Complete(ProducerBatch batch)
    {
        lock (_lock)
        {
            _incomplete.Remove(batch);
        }

        _pool.Enqueue(batch);
    }

    /// <summary>Returns the pooled batches' buffers.</summary>
    public void DisposePool()
    {
        while (_pool.TryDequeue(out var batch))
        {
            batch.Dispose();
        }
    }

    private static void SealLocked(PartitionQueue queue, ProducerBatch batch)
    {
        batch.Seal();
        queue.Ready.Add(batch);
        if (ReferenceEquals(queue.Open, batch))
        {
            queue.Open = null;
        }
    }

    private ProducerBatch Rent(PartitionQueue queue)
    {
        if (!_pool.TryDequeue(out var batch))
        {
            batch = new ProducerBatch();
        }

        batch.Start(queue, options);
        lock (_lock)
        {
            _incomplete.Add(batch);
        }

        queue.Open = batch;
        return batch;
    }

    private void AddQueue(PartitionQueue queue)
    {
        lock (_lock)
        {
            Volatile.Write(ref _all, [.. _all, queue]);
        }
    }

    /// <summary>Ticks of <paramref name="ms"/> milliseconds on the <see cref="Stopwatch"/> clock.</summary>
    public static long Ticks(int ms) => (long)ms * Stopwatch.Frequency / 1000;
}
