using Microsoft.Extensions.Logging;

namespace Samsa.Storage;

/// <summary>How to open a partition log: what the log dir's checkpoints say about it, and its environment.</summary>
public sealed class PartitionLogOptions
{
    /// <summary>The log dir holds a clean-shutdown marker: no segment needs a scan.</summary>
    public bool HadCleanShutdown { get; init; }

    /// <summary>From <c>recovery-point-offset-checkpoint</c>: everything below is known to be on disk.</summary>
    public long RecoveryPoint { get; init; }

    /// <summary>From <c>log-start-offset-checkpoint</c>.</summary>
    public long LogStartOffset { get; init; }

    /// <summary>The replica manager's high watermark; null starts it at the log end offset.</summary>
    public long? HighWatermark { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILogger? Logger { get; init; }

    /// <summary>Called once when an I/O error takes the log offline (the log manager fails the log dir).</summary>
    public Action<PartitionLog, Exception>? OnStorageFailure { get; init; }
}
