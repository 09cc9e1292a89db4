namespace Samsa.Cli.Perf;

/// <summary>What a consumer load run reads: a count or a duration, as a group member or by assignment, until idle for TimeoutMs.</summary>
internal sealed record ConsumePerfSettings(string Topic, long? Records, TimeSpan? Duration, string? Group, int TimeoutMs);
