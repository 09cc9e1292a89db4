namespace Samsa.Bench.Compare.Harness;

/// <summary>Everything one harness invocation measured for one system; written as JSON.</summary>
internal sealed class SystemResult
{
    public required string Key { get; init; }
    public required string Label { get; init; }
    public required DriverDescription Driver { get; init; }
    public required string Endpoint { get; init; }
    public required RunSettings Settings { get; init; }
    public List<ThroughputResult> Throughput { get; init; } = [];
    public List<LatencyResult> Latency { get; init; } = [];
    public List<string> Errors { get; init; } = [];

    /// <summary>Sampled bytes allocated by the broker per type over the run (a .NET broker given with --broker-pid).</summary>
    public Dictionary<string, long>? BrokerAllocationsByType { get; set; }

    /// <summary>
    /// Set when the numbers come from another program the harness ran (<c>samsa perf</c>) rather than from its own loops:
    /// which program and how its timing differs. Null for rows the harness drove itself.
    /// </summary>
    public string? MeasuredWith { get; init; }

    public DateTimeOffset StartedAt { get; init; }
    public double WallSeconds { get; set; }
}

/// <summary>The knobs of a harness run, recorded next to its numbers.</summary>
internal sealed record RunSettings(
    int[] RecordSizes,
    string[] Acks,
    int[] Partitions,
    int Repeats,
    long RunBytes,
    long MaxRecords,
    int Window,
    double PhaseSeconds,
    int LatencyRate,
    double LatencySeconds,
    string[] LatencyAcks,
    int[] LatencyPartitions,
    int LingerMs,
    int BatchBytes = 1_000_000);

/// <summary>One configuration (size, acks, partitions) measured <c>Repeats</c> times.</summary>
internal sealed class ThroughputResult
{
    public required int RecordBytes { get; init; }
    public required string Acks { get; init; }
    public required int Partitions { get; init; }
    public List<PhaseRun> Produce { get; init; } = [];
    public List<PhaseRun> Consume { get; init; } = [];
    public Spread? ProduceRecordsPerSec { get; set; }
    public Spread? ProduceMBPerSec { get; set; }
    public Spread? ConsumeRecordsPerSec { get; set; }
    public Spread? ConsumeMBPerSec { get; set; }

    /// <summary>Medians and spreads of the passes; a pass cut short by its deadline still measured a rate over the records it moved.</summary>
    public ThroughputResult Summarize()
    {
        ProduceRecordsPerSec = Spread.Of(Produce.Where(r => r.Records > 0).Select(r => r.RecordsPerSec));
        ProduceMBPerSec = Spread.Of(Produce.Where(r => r.Records > 0).Select(r => r.MBPerSec));
        ConsumeRecordsPerSec = Spread.Of(Consume.Where(r => r.Records > 0).Select(r => r.RecordsPerSec));
        ConsumeMBPerSec = Spread.Of(Consume.Where(r => r.Records > 0).Select(r => r.MBPerSec));
        return this;
    }
}

/// <summary>One timed produce or consume pass.</summary>
internal sealed record PhaseRun(
    long Records,
    long Bytes,
    double Seconds,
    double RecordsPerSec,
    double MBPerSec,
    bool HitDeadline,
    long Failed,
    string? Error)
{
    /// <summary>The broker's CPU, GCs and allocation during this pass, when the run was given its pid.</summary>
    public BrokerUsage? Broker { get; init; }

    /// <summary>What an external load tool (samsa perf) printed for this pass, kept as it was.</summary>
    public System.Text.Json.JsonElement? Tool { get; init; }
}

/// <summary>End-to-end latency at a fixed rate for one configuration, <c>Repeats</c> times.</summary>
internal sealed class LatencyResult
{
    public required int RecordBytes { get; init; }
    public required string Acks { get; init; }
    public required int Partitions { get; init; }
    public required int TargetRate { get; init; }
    public List<LatencyRun> Runs { get; init; } = [];
    public Spread? P50Ms { get; set; }
    public Spread? P99Ms { get; set; }
    public Spread? P999Ms { get; set; }
    public Spread? AchievedRate { get; set; }
}

internal sealed record LatencyRun(
    long Sent,
    long Received,
    long Measured,
    double AchievedRate,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    string? Error)
{
    /// <summary>The broker's CPU, GCs and allocation during this run, when the run was given its pid.</summary>
    public BrokerUsage? Broker { get; init; }
}

/// <summary>Median and spread (min–max, and the interquartile range) over repeats.</summary>
internal sealed record Spread(double Median, double Min, double Max, double Q1, double Q3, int N)
{
    public static Spread? Of(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        return new Spread(Quantile(sorted, 0.5), sorted[0], sorted[^1], Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted.Length);
    }

    /// <summary>Linear interpolation between closest ranks of an ascending array.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 1)
        {
            return sorted[0];
        }

        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
