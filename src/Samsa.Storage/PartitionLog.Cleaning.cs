using Microsoft.Extensions.Logging;
using Samsa.Storage.Cleaning;
using Samsa.Storage.Files;
using Samsa.Storage.Segments;

namespace Samsa.Storage;

/// <summary>What the log cleaner sees of a log and the one change it makes: swapping cleaned segments in.</summary>
public sealed partial class PartitionLog
{
    /// <summary>The cleaner's state of this log (checkpoint, delete horizon, whether a cleaning runs).</summary>
    internal LogCleaningState Cleaning { get; } = new();

    internal bool IsClosed => _closed;

    /// <summary>The current segments, oldest first (an immutable snapshot).</summary>
    internal LogSegment[] Segments => _segments;

    internal long NowMilliseconds => NowMs;

    /// <summary>
    /// The dirty section the cleaner may work on now: from the first dirty offset (the cleaner checkpoint, reset
    /// to the log start when outside the log) to the first offset it must not clean: the active segment, the
    /// high watermark, the first unstable offset, and the first segment holding a record newer than
    /// <c>min.compaction.lag.ms</c>. Sizes are whole segments, as Kafka counts them.
    /// </summary>
    internal CleanableRange GetCleanableRange(long nowMs, long firstUnstableOffset)
    {
        var config = _config;
        var segments = _segments;
        var logStart = LogStartOffset;
        var checkpoint = Cleaning.CheckpointOffset;
        var firstDirty = checkpoint < logStart || checkpoint > LogEndOffset ? logStart : checkpoint;
        var upper = Math.Min(Math.Min(segments[^1].BaseOffset, HighWatermark), firstUnstableOffset);
        long cleanBytes = 0, cleanableBytes = 0, earliestDirtyTimestamp = long.MaxValue;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var segment = segments[i];
            var next = segments[i + 1].BaseOffset;
            if (next <= firstDirty)
            {
                cleanBytes += next > logStart ? segment.Size : 0;
                continue;
            }

            if (config.MinCompactionLagMs > 0 && segment.LargestTimestampForRetention > nowMs - config.MinCompactionLagMs)
            {
                upper = Math.Min(upper, segment.BaseOffset);
            }

            var firstTimestamp = segment.FirstBatchTimestamp();
            if (firstTimestamp > 0)
            {
                earliestDirtyTimestamp = Math.Min(earliestDirtyTimestamp, firstTimestamp);
            }

            if (segment.BaseOffset < upper)
            {
                cleanableBytes += segment.Size;
            }
        }

        upper = Math.Max(upper, firstDirty);
        var maxLag = Math.Max(config.MaxCompactionLagMs, 0);
        var needNow = earliestDirtyTimestamp != long.MaxValue && nowMs - maxLag > earliestDirtyTimestamp;
        return new CleanableRange(firstDirty, upper, cleanBytes, cleanableBytes, needNow);
    }

    /// <summary>
    /// Replaces the consecutive segments <paramref name="old"/> (of the sizes they had when the cleaner read
    /// them) by <paramref name="cleaned"/>: the cleaned files become <c>.swap</c>, the old segments are
    /// scheduled for deletion (renamed <c>.deleted</c>; readers holding their ranges keep reading), and the
    /// swap becomes live. A crash anywhere in between is finished by recovery. The writer lock is held only for
    /// the renames and the list change. False, with nothing changed, if the segments changed meanwhile
    /// (retention, truncation, close); the caller then deletes its files.
    /// </summary>
    internal bool ReplaceSegments(LogSegment[] old, long[] oldSizes, LogSegment cleaned)
    {
        lock (_writeLock)
        {
            if (_closed || _offline)
            {
                return false;
            }

            var segments = _segments;
            var at = Array.IndexOf(segments, old[0]);
            if (at < 0 || at + old.Length >= segments.Length)
            {
                return false;
            }

            for (var i = 0; i < old.Length; i++)
            {
                if (segments[at + i] != old[i] || old[i].Size != oldSizes[i])
                {
                    return false;
                }
            }

            try
            {
                cleaned.ChangeSuffix(LogSegment.CleanedSuffix, LogSegment.SwapSuffix);
                NativeFile.FsyncDirectory(DirectoryPath);
                cleaned.SetNextOffset(segments[at + old.Length].BaseOffset);
                var replaced = new LogSegment[segments.Length - old.Length + 1];
                Array.Copy(segments, replaced, at);
                replaced[at] = cleaned;
                Array.Copy(segments, at + old.Length, replaced, at + 1, segments.Length - at - old.Length);
                _segments = replaced;
                foreach (var segment in old)
                {
                    ScheduleDeletionLocked(segment);
                }

                cleaned.ChangeSuffix(LogSegment.SwapSuffix, string.Empty);
                NativeFile.FsyncDirectory(DirectoryPath);
            }
            catch (IOException e)
            {
                throw Fail(e);
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                _logger.LogDebug("{TopicPartition}: {Count} segments replaced by cleaned {Segment}", TopicPartition, old.Length, cleaned);
            }

            return true;
        }
    }
}

/// <summary>The cleaner's view of a log's dirty section; sizes in bytes.</summary>
internal readonly record struct CleanableRange(long FirstDirtyOffset, long FirstUncleanableOffset, long CleanBytes, long CleanableBytes, bool NeedsCompactionNow)
{
    /// <summary>The dirty ratio: cleanable bytes over clean plus cleanable bytes.</summary>
    public double Ratio => CleanableBytes == 0 ? 0 : (double)CleanableBytes / (CleanBytes + CleanableBytes);
}

/// <summary>A log's cleaning state, kept on the log so truncation and deletion can reach it.</summary>
internal sealed class LogCleaningState
{
    private long _checkpointOffset = -1;
    private long _latestDeleteHorizon = -1;

    /// <summary>Held by whoever cleans the log; <see cref="LogCleaner.AbortCleaning"/> waits for it.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Set to stop a cleaning of this log at its next check.</summary>
    public volatile bool AbortRequested;

    /// <summary>Why the last cleaning failed; the log is skipped until a <see cref="LogCleaner.CleanNow"/> succeeds.</summary>
    public volatile string? UncleanableReason;

    /// <summary>The cleaner checkpoint: the first dirty offset, -1 when never cleaned.</summary>
    public long CheckpointOffset
    {
        get => Volatile.Read(ref _checkpointOffset);
        set => Volatile.Write(ref _checkpointOffset, value);
    }

    /// <summary>The latest delete horizon the last cleaning wrote; -1 when none (KIP-534: clean again once it passes).</summary>
    public long LatestDeleteHorizon
    {
        get => Volatile.Read(ref _latestDeleteHorizon);
        set => Volatile.Write(ref _latestDeleteHorizon, value);
    }

    /// <summary>Truncation below the checkpoint: the truncated part is dirty again.</summary>
    public void TruncateCheckpoint(long offset)
    {
        long current;
        while ((current = CheckpointOffset) > offset && Interlocked.CompareExchange(ref _checkpointOffset, offset, current) != current)
        {
        }
    }
}
