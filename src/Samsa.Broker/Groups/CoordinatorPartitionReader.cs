using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Partitions;
using Samsa.GroupCoordinator;
using Samsa.Protocol.Primitives;
using Samsa.Storage;

namespace Samsa.Broker.Groups;

/// <summary>
/// Loads <c>__consumer_offsets</c> partitions into the coordinator, one at a time on a background task: each
/// partition is read from its log start to its log end in chunks of whole batches (<c>offsets.load.buffer.size</c>,
/// grown for a larger batch) and fed to its loader, which then completes. A partition that cannot be read is resigned,
/// so its groups answer NOT_COORDINATOR instead of loading for ever.
/// </summary>
internal sealed class CoordinatorPartitionReader : IAsyncDisposable
{
    private const int MaxBufferBytes = 64 << 20;
    private readonly GroupCoordinator.GroupCoordinator _coordinator;
    private readonly ReplicaManager _replicas;
    private readonly int _bufferSize;
    private readonly ILogger _logger;
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;
    private int _pending;
    private TaskCompletionSource _idle = Completed();

    public CoordinatorPartitionReader(GroupCoordinator.GroupCoordinator coordinator, ReplicaManager replicas, int bufferSize, ILogger logger)
    {
        _coordinator = coordinator;
        _replicas = replicas;
        _bufferSize = bufferSize;
        _logger = logger;
        _worker = Task.Run(RunAsync);
    }

    public Task Idle
    {
        get
        {
            lock (_jobs)
            {
                return _idle.Task;
            }
        }
    }

    public void Enqueue(CoordinatorPartitionLoader loader, int leaderEpoch, TopicPartition topicPartition, Uuid topicId)
    {
        lock (_jobs)
        {
            if (_pending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (!_jobs.Writer.TryWrite(new Job(loader, leaderEpoch, topicPartition, topicId)))
        {
            loader.Dispose();
            Done();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _jobs.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private async Task RunAsync()
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            using (job.Loader)
            {
                Load(job);
            }

            Done();
        }
    }

    private void Done()
    {
        lock (_jobs)
        {
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private void Load(Job job)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var partition = _replicas.Get(job.TopicPartition);
        try
        {
            if (partition is null || partition.TopicId != job.TopicId)
            {
                throw new ReplicaException(Protocol.Errors.ErrorCode.NotLeaderOrFollower, $"{job.TopicPartition} is not hosted here");
            }

            var bytes = Feed(partition.Log, job.Loader);
            job.Loader.Complete();
            GroupsLog.PartitionLoaded(_logger, job.TopicPartition, bytes, watch.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is StorageException or ReplicaException or ObjectDisposedException or IOException or InvalidDataException)
        {
            GroupsLog.PartitionLoadFailed(_logger, e, job.TopicPartition);
            _coordinator.Resign(job.Loader.Partition, job.LeaderEpoch);
        }
    }

    /// <summary>Feeds the log from its start to its current end to the loader; returns the bytes read.</summary>
    private long Feed(PartitionLog log, CoordinatorPartitionLoader loader)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        long total = 0;
        try
        {
            var offset = log.LogStartOffset;
            var end = log.LogEndOffset;
            while (offset < end)
            {
                var read = log.ReadInto(offset, buffer, end, out var info);
                if (read == 0)
                {
                    buffer = Grow(buffer, offset);
                    continue;
                }

                loader.Load(buffer.AsSpan(0, read));
                total += read;
                offset = info.NextOffset;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return total;
    }

    /// <summary>The next batch is larger than the buffer.</summary>
    private static byte[] Grow(byte[] buffer, long offset)
    {
        if (buffer.Length >= MaxBufferBytes)
        {
            throw new InvalidDataException($"the batch at offset {offset} is larger than {MaxBufferBytes} bytes");
        }

        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private readonly record struct Job(CoordinatorPartitionLoader Loader, int LeaderEpoch, TopicPartition TopicPartition, Uuid TopicId);
}
