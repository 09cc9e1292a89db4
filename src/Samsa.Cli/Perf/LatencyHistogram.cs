namespace Samsa.Cli.Perf;

/// <summary>
/// Latencies in fixed buckets, recorded from many threads without locks or allocation: 10 µs steps below 100 ms,
/// 1 ms steps up to 60 s, one overflow bucket. Percentiles are a bucket's upper edge.
/// </summary>
/// <remarks>
/// A sample costs two interlocked additions (its bucket and the sum); the count is the buckets' total, added up only
/// when read, which the perf commands do every few seconds.
/// </remarks>
internal sealed class LatencyHistogram
{
    private const long FineLimitUs = 100_000;
    private const long FineStepUs = 10;
    private const long CoarseStepUs = 1_000;
    private const int FineBuckets = (int)(FineLimitUs / FineStepUs);
    private const int Buckets = FineBuckets + 60_000 + 1;
    private readonly long[] _counts = new long[Buckets];
    private long _sumUs;
    private long _maxUs;

    public long Count
    {
        get
        {
            var total = 0L;
            foreach (ref var count in _counts.AsSpan())
            {
                total += Volatile.Read(ref count);
            }

            return total;
        }
    }

    public double AverageMs => Count is var count and > 0 ? Interlocked.Read(ref _sumUs) / (double)count / 1000 : 0;

    public double MaxMs => Interlocked.Read(ref _maxUs) / 1000.0;

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        var bucket = micros < FineLimitUs ? (int)(micros / FineStepUs) : (int)Math.Min(Buckets - 1, FineBuckets + ((micros - FineLimitUs) / CoarseStepUs));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumUs, micros);
        var max = Interlocked.Read(ref _maxUs);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxUs, micros, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The latency in ms below which <paramref name="fraction"/> of the records fall.</summary>
    public double PercentileMs(double fraction)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(fraction * total);
        var seen = 0L;
        for (var i = 0; i < Buckets; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperEdgeUs(i), Interlocked.Read(ref _maxUs)) / 1000.0;
            }
        }

        return MaxMs;
    }

    private static long UpperEdgeUs(int bucket) =>
        bucket < FineBuckets ? (bucket + 1) * FineStepUs : FineLimitUs + ((bucket - FineBuckets + 1) * CoarseStepUs);
}
