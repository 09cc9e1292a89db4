namespace Samsa.Cli.Perf;

/// <summary>What a producer load run sends: a count or a duration, record size, rate limit (records/s, ≤0 unlimited).</summary>
internal sealed record ProducePerfSettings(string Topic, long? Records, TimeSpan? Duration, int RecordSize, double Throughput);
