using System.Buffers.Binary;
using Samsa.Protocol.Errors;

namespace Samsa.GroupCoordinator;

/// <summary>
/// An <see cref="ICoordinatorLog"/> in memory, for tests and benchmarks: batches get consecutive offsets per partition.
/// Writes are durable at once unless <see cref="HoldWrites"/> is set, in which case they wait for
/// <see cref="ReleaseWrites"/>; <see cref="FailWrites"/> makes appends fail with an error.
/// </summary>
public sealed class InMemoryCoordinatorLog : ICoordinatorLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<byte[]>> _batches = [];
    private readonly Dictionary<int, long> _nextOffsets = [];
    private readonly List<(TaskCompletionSource<long> Completion, long Offset)> _held = [];

    /// <summary>When set, appends stay pending until <see cref="ReleaseWrites"/>.</summary>
    public bool HoldWrites { get; set; }

    /// <summary>When not None, appends fail with this error (and are not stored).</summary>
    public ErrorCode FailWrites { get; set; }

    public int AppendCount { get; private set; }

    public ValueTask<long> AppendAsync(int partition, int leaderEpoch, ReadOnlyMemory<byte> batch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            AppendCount++;
            if (FailWrites != ErrorCode.None)
            {
                return ValueTask.FromException<long>(new KafkaErrorException(FailWrites, "append failed (test)"));
            }

            var copy = batch.ToArray();
            var baseOffset = _nextOffsets.GetValueOrDefault(partition);
            BinaryPrimitives.WriteInt64BigEndian(copy, baseOffset);
            BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(12), leaderEpoch);
            var lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(copy.AsSpan(23));
            _nextOffsets[partition] = baseOffset + lastOffsetDelta + 1;
            if (!_batches.TryGetValue(partition, out var list))
            {
                list = [];
                _batches[partition] = list;
            }

            list.Add(copy);
            if (!HoldWrites)
            {
                return ValueTask.FromResult(baseOffset);
            }

            var completion = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _held.Add((completion, baseOffset));
            return new ValueTask<long>(completion.Task);
        }
    }

    /// <summary>Completes every held write, in order.</summary>
    public void ReleaseWrites()
    {
        List<(TaskCompletionSource<long> Completion, long Offset)> held;
        lock (_lock)
        {
            held = [.. _held];
            _held.Clear();
        }

        foreach (var (completion, offset) in held)
        {
            completion.TrySetResult(offset);
        }
    }

    public int HeldWriteCount
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>The partition's log, all batches concatenated (what a loader reads).</summary>
    public byte[] ReadPartition(int partition)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(partition, out var list))
            {
                return [];
            }

            var result = new byte[list.Sum(b => b.Length)];
            var position = 0;
            foreach (var batch in list)
            {
                batch.CopyTo(result, position);
                position += batch.Length;
            }

            return result;
        }
    }

    public IReadOnlyList<byte[]> Batches(int partition)
    {
        lock (_lock)
        {
            return _batches.TryGetValue(partition, out var list) ? [.. list] : [];
        }
    }
}
