using Microsoft.Extensions.Logging;
using Samsa.Storage.Cleaning;

namespace Samsa.Storage;

/// <summary>Broker-level storage settings, with Kafka's server.properties names in the comments.</summary>
public sealed class LogManagerOptions
{
    /// <summary><c>log.dirs</c>.</summary>
    public required IReadOnlyList<string> LogDirs { get; init; }

    /// <summary>The broker's topic defaults (<c>log.segment.bytes</c>, <c>log.retention.ms</c>, ...).</summary>
    public LogConfig DefaultConfig { get; init; } = LogConfig.Default;

    /// <summary>Per-topic overrides for logs found on disk at start; null uses <see cref="DefaultConfig"/>.</summary>
    public Func<string, LogConfig>? TopicConfig { get; init; }

    /// <summary><c>num.recovery.threads.per.data.dir</c> (Kafka 4's default).</summary>
    public int RecoveryThreadsPerDataDir { get; init; } = 2;

    /// <summary><c>log.retention.check.interval.ms</c>.</summary>
    public long RetentionCheckIntervalMs { get; init; } = 300_000;

    /// <summary><c>log.flush.scheduler.interval.ms</c>: how often flush.ms is checked (never, by default, as in Kafka).</summary>
    public long FlushSchedulerIntervalMs { get; init; } = long.MaxValue;

    /// <summary><c>log.flush.offset.checkpoint.interval.ms</c>.</summary>
    public long FlushOffsetCheckpointIntervalMs { get; init; } = 60_000;

    /// <summary><c>log.flush.start.offset.checkpoint.interval.ms</c>.</summary>
    public long FlushStartOffsetCheckpointIntervalMs { get; init; } = 60_000;

    /// <summary>How often the background scheduler wakes to run what is due (and pending deletions).</summary>
    public long SchedulerTickMs { get; init; } = 1_000;

    /// <summary>The log cleaner's <c>log.cleaner.*</c> settings (compaction of <c>cleanup.policy=compact</c> topics).</summary>
    public LogCleanerOptions Cleaner { get; init; } = LogCleanerOptions.Default;

    /// <summary>Written into the clean-shutdown marker, as Kafka 3.7+ does.</summary>
    public long BrokerEpoch { get; init; } = -1;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>A log dir's state as DescribeLogDirs reports it.</summary>
public readonly record struct LogDirectoryInfo(string Path, bool IsOnline, int PartitionCount, string? Error);
