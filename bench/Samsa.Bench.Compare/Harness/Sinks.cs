using System.Buffers.Binary;
using System.Diagnostics;

namespace Samsa.Bench.Compare.Harness;

/// <summary>Counts records and payload bytes until the expected number has arrived.</summary>
internal sealed class CountingSink : IRecordSink
{
    private readonly long _expected;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _records;
    private long _bytes;

    public CountingSink(long expected)
    {
        _expected = expected;
        if (expected <= 0)
        {
            _done.TrySetResult();
        }
    }

    public long Records => Interlocked.Read(ref _records);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Stopwatch timestamp of the last record counted.</summary>
    public long LastTimestamp { get; private set; }

    public Task Completion => _done.Task;

    public bool OnRecord(ReadOnlySpan<byte> payload)
    {
        Interlocked.Add(ref _bytes, payload.Length);
        var n = Interlocked.Increment(ref _records);
        if (n >= _expected)
        {
            LastTimestamp = Stopwatch.GetTimestamp();
            _done.TrySetResult();
            return true;
        }

        return false;
    }
}

/// <summary>
/// Reads the send timestamp that <see cref="Payload.Stamp"/> wrote into each payload and records the
/// time from the produce call to this receipt. Producer and consumer share this process, so both ends
/// read the same monotonic clock.
/// </summary>
internal sealed class LatencySink : IRecordSink
{
    private readonly long[] _latencies;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _received;
    private long _target;

    public LatencySink(int expected)
    {
        _latencies = new long[expected];
        _target = expected;
        if (expected == 0)
        {
            _done.TrySetResult();
        }
    }

    public long Received => Math.Min(Interlocked.Read(ref _received), _latencies.Length);

    public Task Completion => _done.Task;

    /// <summary>Latencies in Stopwatch ticks, in arrival order.</summary>
    public ReadOnlySpan<long> Latencies => _latencies.AsSpan(0, (int)Received);

    /// <summary>Called when the producer stopped early, so fewer records will ever arrive.</summary>
    public void LowerExpectation(long sent)
    {
        Interlocked.Exchange(ref _target, Math.Min(sent, _latencies.Length));
        if (Interlocked.Read(ref _received) >= Interlocked.Read(ref _target))
        {
            _done.TrySetResult();
        }
    }

    public bool OnRecord(ReadOnlySpan<byte> payload)
    {
        var now = Stopwatch.GetTimestamp();
        var index = Interlocked.Increment(ref _received) - 1;
        if (index < _latencies.Length && payload.Length >= sizeof(long))
        {
            _latencies[index] = now - BinaryPrimitives.ReadInt64LittleEndian(payload);
        }

        if (index + 1 >= Interlocked.Read(ref _target))
        {
            _done.TrySetResult();
            return true;
        }

        return false;
    }
}
