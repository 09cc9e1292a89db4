using Microsoft.Extensions.Logging;
using Samsa.Storage.Cleaning;
using Samsa.Storage.Segments;

namespace Samsa.Storage;

/// <summary>Loading and recovery, rolling, truncation, retention and background deletion.</summary>
public sealed partial class PartitionLog
{
    private enum RetentionKind
    {
        Time,
        Size,
        LogStart,
    }

    /// <summary>
    /// Truncates the log to end at <paramref name="targetOffset"/> (a follower after a leader
    /// change): later segments go, the batch holding the target and all after it go.
    /// </summary>
    public void TruncateTo(long targetOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(targetOffset);
        if (targetOffset < LogEndOffset)
        {
            // As Kafka: a cleaning in progress may have read what goes now; it is abandoned first.
            LogCleaner.AbortCleaning(this);
        }

        lock (_writeLock)
        {
            ThrowIfUnavailable();
            if (targetOffset >= _logEndOffset)
            {
                return;
            }

            try
            {
                var segments = _segments;
                if (segments[0].BaseOffset > targetOffset)
                {
                    TruncateFullyLocked(targetOffset);
                }
                else
                {
                    var keep = FloorSegment(segments, targetOffset) + 1;
                    var kept = segments[..keep];
                    var last = kept[^1];
                    Volatile.Write(ref _logEndOffset, targetOffset);
                    _segments = kept;
                    last.TruncateTo(targetOffset, _config);
                    last.MakeActive(_config);
                    for (var i = keep; i < segments.Length; i++)
                    {
                        ScheduleDeletionLocked(segments[i]);
                    }

                    var end = last.NextOffset;
                    Volatile.Write(ref _logEndOffset, end);
                    Volatile.Write(ref _recoveryPoint, Math.Min(RecoveryPoint, end));
                    Volatile.Write(ref _highWatermark, Math.Min(HighWatermark, end));
                    Volatile.Write(ref _logStartOffset, Math.Min(LogStartOffset, end));
                    LeaderEpochCache.TruncateFromEnd(end);
                    Cleaning.TruncateCheckpoint(end);
                }
            }
            catch (IOException e)
            {
                throw Fail(e);
            }
        }

        RunPendingDeletions();
    }

    /// <summary>Deletes everything and restarts the log empty at <paramref name="newOffset"/> (a follower far behind the leader's log start).</summary>
    public void TruncateFullyAndStartAt(long newOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newOffset);
        LogCleaner.AbortCleaning(this);
        lock (_writeLock)
        {
            ThrowIfUnavailable();
            try
            {
                TruncateFullyLocked(newOffset);
            }
            catch (IOException e)
            {
                throw Fail(e);
            }
        }

        RunPendingDeletions();
    }

    /// <summary>
    /// DeleteRecords: moves the log start offset forward. Reads below it fail with
    /// <see cref="OffsetOutOfRangeException"/> at once; the segments wholly below it are deleted by
    /// the next retention pass. Returns the log start offset.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException">The offset is above the high watermark.</exception>
    public long IncreaseLogStartOffset(long newLogStartOffset)
    {
        lock (_writeLock)
        {
            ThrowIfUnavailable();
            if (newLogStartOffset > HighWatermark)
            {
                throw new OffsetOutOfRangeException(
                    $"{TopicPartition}: cannot move the log start offset to {newLogStartOffset}, above the high watermark {HighWatermark}");
            }

            if (newLogStartOffset > _logStartOffset)
            {
                Volatile.Write(ref _logStartOffset, newLogStartOffset);
                LeaderEpochCache.TruncateFromStart(newLogStartOffset);
            }

            return _logStartOffset;
        }
    }

    /// <summary>
    /// One retention pass as Kafka's: segments past <c>retention.ms</c> (by their max timestamp),
    /// then past <c>retention.bytes</c>, then wholly below the log start offset; only segments below
    /// the high watermark, never an empty active segment. Files are renamed to <c>.deleted</c> at
    /// once and removed after <c>file.delete.delay.ms</c>. Returns the number of segments removed.
    /// </summary>
    public int DeleteOldSegments()
    {
        if (_offline || _closed)
        {
            return 0;
        }

        var config = _config;
        var deleted = 0;
        lock (_writeLock)
        {
            if (_closed || _offline)
            {
                return 0;
            }

            try
            {
                if (config.IsDeleteEnabled)
                {
                    deleted += DeleteSegmentsLocked(RetentionKind.Time, config);
                    deleted += DeleteSegmentsLocked(RetentionKind.Size, config);
                }

                deleted += DeleteSegmentsLocked(RetentionKind.LogStart, config);
            }
            catch (IOException e)
            {
                throw Fail(e);
            }
        }

        RunPendingDeletions();
        return deleted;
    }

    /// <summary>Unlinks the <c>.deleted</c> segments whose delay has passed.</summary>
    public void RunPendingDeletions()
    {
        var now = NowMs;
        List<LogSegment>? due = null;
        lock (_deleteLock)
        {
            for (var i = _pendingDeletes.Count - 1; i >= 0; i--)
            {
                if (_pendingDeletes[i].DueMs <= now)
                {
                    (due ??= []).Add(_pendingDeletes[i].Segment);
                    _pendingDeletes.RemoveAt(i);
                }
            }
        }

        if (due is null)
        {
            return;
        }

        try
        {
            foreach (var segment in due)
            {
                segment.DeleteFiles();
            }
        }
        catch (IOException e)
        {
            throw Fail(e);
        }
    }

    /// <summary>Removes the partition's directory after closing it (DeleteTopics, replica reassignment).</summary>
    internal void DeleteDirectory()
    {
        Close();
        Directory.Delete(DirectoryPath, recursive: true);
    }

    private void Load(PartitionLogOptions options)
    {
        var config = _config;
        var now = NowMs;
        var swapped = CompleteSwapsAndRemoveLeftovers();
        var bases = new List<long>();
        foreach (var path in Directory.EnumerateFiles(DirectoryPath, "*" + LogSegment.LogSuffix))
        {
            if (TryParseBaseOffset(Path.GetFileName(path), LogSegment.LogSuffix, out var baseOffset))
            {
                bases.Add(baseOffset);
            }
        }

        bases.Sort();
        var segments = new List<LogSegment>(bases.Count);
        var rebuild = new List<bool>(bases.Count);
        try
        {
            for (var i = 0; i < bases.Count; i++)
            {
                var baseOffset = bases[i];
                segments.Add(LogSegment.Open(DirectoryPath, baseOffset, now, checkEveryEntry: i == bases.Count - 1, out var valid));
                rebuild.Add(!valid || swapped.Contains(baseOffset));
            }

            RecoverSegments(segments, rebuild, swapped, options, config);
        }
        catch
        {
            foreach (var segment in segments)
            {
                segment.Dispose();
            }

            throw;
        }

        if (segments.Count == 0)
        {
            segments.Add(LogSegment.Create(DirectoryPath, Math.Max(0, options.LogStartOffset), config, now));
            _directoryDirty = true;
        }

        _segments = [.. segments];
        _logEndOffset = segments[^1].NextOffset;
        _logStartOffset = Math.Max(options.LogStartOffset, segments[0].BaseOffset);
        if (_logStartOffset > _logEndOffset)
        {
            TruncateFullyLocked(_logStartOffset);
        }

        _recoveryPoint = options.HadCleanShutdown ? _logEndOffset : Math.Clamp(options.RecoveryPoint, 0, _logEndOffset);
        _highWatermark = Math.Clamp(options.HighWatermark ?? _logEndOffset, _logStartOffset, _logEndOffset);
        LeaderEpochCache.TruncateFromEnd(_logEndOffset);
        LeaderEpochCache.TruncateFromStart(_logStartOffset);
    }

    /// <summary>
    /// Unclean shutdown: every segment from the one holding the recovery point is scanned and its
    /// corrupt or torn tail cut, and the segments after a cut are deleted. Any segment with a missing
    /// or bad index is rebuilt. Then the last segment is readied for appends.
    /// </summary>
    private void RecoverSegments(List<LogSegment> segments, List<bool> rebuild, HashSet<long> swapped, PartitionLogOptions options, LogConfig config)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            var unflushed = !options.HadCleanShutdown && (i == segments.Count - 1 || segments[i + 1].BaseOffset > options.RecoveryPoint);
            if (!unflushed && !rebuild[i])
            {
                continue;
            }

            var cut = segments[i].Recover(config, unflushed ? LeaderEpochCache : null);
            if (cut > 0)
            {
                _logger.LogWarning("{TopicPartition}: cut {Bytes} invalid bytes from {Segment}", TopicPartition, cut, segments[i]);
            }

            if (cut > 0 && i < segments.Count - 1)
            {
                for (var j = segments.Count - 1; j > i; j--)
                {
                    if (_logger.IsEnabled(LogLevel.Warning))
                    {
                        _logger.LogWarning("{TopicPartition}: deleting {Segment} after a corrupt segment", TopicPartition, segments[j]);
                    }

                    segments[j].DeleteFiles();
                    segments.RemoveAt(j);
                    rebuild.RemoveAt(j);
                }
            }

            rebuild[i] = true;
        }

        RemoveSegmentsCoveredBySwaps(segments, rebuild, swapped);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (i < segments.Count - 1)
            {
                if (rebuild[i])
                {
                    segment.MakeInactive();
                }
                else
                {
                    segment.SetNextOffset(segments[i + 1].BaseOffset);
                }

                continue;
            }

            if (rebuild[i])
            {
                segment.MakeActive(config);
                continue;
            }

            try
            {
                segment.LoadTail(config);
            }
            catch (InvalidDataException)
            {
                // A clean shutdown marker with a torn tail: believe the bytes, not the marker.
                segment.Recover(config, null);
                segment.MakeActive(config);
            }
        }
    }

    /// <summary>A completed swap replaced every segment whose base offset lies inside the swapped one's offsets.</summary>
    private void RemoveSegmentsCoveredBySwaps(List<LogSegment> segments, List<bool> rebuild, HashSet<long> swapped)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            if (!swapped.Contains(segments[i].BaseOffset))
            {
                continue;
            }

            var end = segments[i].NextOffset;
            while (i + 1 < segments.Count && segments[i + 1].BaseOffset < end)
            {
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    _logger.LogInformation("{TopicPartition}: deleting {Segment}, replaced by a swapped segment", TopicPartition, segments[i + 1]);
                }

                segments[i + 1].DeleteFiles();
                segments.RemoveAt(i + 1);
                rebuild.RemoveAt(i + 1);
            }
        }
    }

    /// <summary>
    /// Compaction's seam: a cleaner writes <c>.cleaned</c> files, renames them <c>.swap</c>, deletes
    /// the segments they replace, then drops the suffix. A crash in between is finished here:
    /// <c>.swap</c> log files become live (their indexes are rebuilt), <c>.cleaned</c>,
    /// <c>.deleted</c> and <c>.tmp</c> files are removed, and so are indexes without a log.
    /// </summary>
    private HashSet<long> CompleteSwapsAndRemoveLeftovers()
    {
        var swapped = new HashSet<long>();
        foreach (var path in Directory.EnumerateFiles(DirectoryPath))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(LogSegment.DeletedSuffix, StringComparison.Ordinal)
                || name.EndsWith(LogSegment.CleanedSuffix, StringComparison.Ordinal)
                || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(path);
            }
            else if (name.EndsWith(LogSegment.SwapSuffix, StringComparison.Ordinal))
            {
                var final = path[..^LogSegment.SwapSuffix.Length];
                if (TryParseBaseOffset(Path.GetFileName(final), LogSegment.LogSuffix, out var baseOffset))
                {
                    File.Move(path, final, overwrite: true);
                    swapped.Add(baseOffset);
                }
                else
                {
                    File.Delete(path);
                }
            }
        }

        foreach (var path in Directory.EnumerateFiles(DirectoryPath))
        {
            var name = Path.GetFileName(path);
            var isIndex = TryParseBaseOffset(name, LogSegment.IndexSuffix, out var baseOffset)
                || TryParseBaseOffset(name, LogSegment.TimeIndexSuffix, out baseOffset);
            if (isIndex && (swapped.Contains(baseOffset) || !File.Exists(Path.Combine(DirectoryPath, LogSegment.FileName(baseOffset, LogSegment.LogSuffix)))))
            {
                File.Delete(path);
            }
        }

        return swapped;
    }

    private static bool TryParseBaseOffset(string name, string suffix, out long baseOffset)
    {
        baseOffset = -1;
        return name.Length == 20 + suffix.Length
            && name.EndsWith(suffix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, 20), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out baseOffset);
    }

    private LogSegment RollLocked(long newBaseOffset, long nowMs)
    {
        var active = ActiveSegment;
        var segments = _segments;
        if (active.Size == 0 && active.BaseOffset == newBaseOffset)
        {
            return active;
        }

        LogSegment[] next;
        var created = LogSegment.Create(DirectoryPath, newBaseOffset, _config, nowMs);
        if (active.Size == 0)
        {
            // An empty active segment at another offset (a follower append after a gap): replace it.
            next = [.. segments[..^1], created];
            active.DeleteFiles();
        }
        else
        {
            active.MakeInactive();
            next = [.. segments, created];
        }

        _segments = next;
        Volatile.Write(ref _directoryDirty, true);
        if (active.Size > 0)
        {
            // Kafka flushes the finished segment after a roll without holding up appends.
            _ = Task.Run(() => FlushQuietly(newBaseOffset));
        }

        return created;
    }

    private void FlushQuietly(long upToOffset)
    {
        try
        {
            Flush(upToOffset);
        }
        catch (Exception e) when (e is StorageException or ObjectDisposedException)
        {
            LogFlushIncomplete(e);
        }
    }

    private void LogFlushIncomplete(Exception e)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug(e, "{TopicPartition}: flush after roll did not complete", TopicPartition);
        }
    }

    private void TruncateFullyLocked(long newOffset)
    {
        var old = _segments;
        Volatile.Write(ref _logEndOffset, Math.Min(_logEndOffset, newOffset));
        foreach (var segment in old)
        {
            ScheduleDeletionLocked(segment);
        }

        _segments = [LogSegment.Create(DirectoryPath, newOffset, _config, NowMs)];
        Volatile.Write(ref _directoryDirty, true);
        Volatile.Write(ref _logStartOffset, newOffset);
        Volatile.Write(ref _logEndOffset, newOffset);
        Volatile.Write(ref _recoveryPoint, newOffset);
        Volatile.Write(ref _highWatermark, newOffset);
        LeaderEpochCache.Clear();
        Cleaning.TruncateCheckpoint(newOffset);
    }

    private int DeleteSegmentsLocked(RetentionKind kind, LogConfig config)
    {
        var segments = _segments;
        var now = NowMs;
        var highWatermark = HighWatermark;
        var logEnd = _logEndOffset;
        var logStart = LogStartOffset;
        long excess = 0;
        switch (kind)
        {
            case RetentionKind.Time when config.RetentionMs < 0:
                return 0;
            case RetentionKind.Size:
                if (config.RetentionBytes < 0 || Size < config.RetentionBytes)
                {
                    return 0;
                }

                excess = Size - config.RetentionBytes;
                break;
        }

        var count = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var next = i + 1 < segments.Length ? segments[i + 1] : null;
            var upper = next?.BaseOffset ?? logEnd;
            if ((next is null && segment.Size == 0) || highWatermark < upper)
            {
                break;
            }

            var breached = kind switch
            {
                RetentionKind.Time => now - segment.LargestTimestampForRetention > config.RetentionMs,
                RetentionKind.Size => excess - segment.Size >= 0,
                _ => next is not null && next.BaseOffset <= logStart,
            };
            if (!breached)
            {
                break;
            }

            excess -= segment.Size;
            count++;
        }

        if (count == 0)
        {
            return 0;
        }

        if (count == segments.Length)
        {
            RollLocked(logEnd, now);
            segments = _segments;
        }

        _segments = segments[count..];
        var newStart = Math.Max(logStart, segments[count].BaseOffset);
        if (newStart > logStart)
        {
            Volatile.Write(ref _logStartOffset, newStart);
            LeaderEpochCache.TruncateFromStart(newStart);
        }

        for (var i = 0; i < count; i++)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("{TopicPartition}: deleting {Segment} by {Kind} retention", TopicPartition, segments[i], kind);
            }

            ScheduleDeletionLocked(segments[i]);
        }

        return count;
    }

    private void ScheduleDeletionLocked(LogSegment segment)
    {
        segment.RenameWithSuffix(LogSegment.DeletedSuffix);
        lock (_deleteLock)
        {
            _pendingDeletes.Add((NowMs + _config.FileDeleteDelayMs, segment));
        }
    }
}
