using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Protocol.Records;
using Samsa.Storage.Checkpoints;
using Samsa.Storage.Files;
using Samsa.Storage.Segments;

namespace Samsa.Storage;

/// <summary>
/// The durable log of one partition: an ordered list of segments in <c>&lt;topic&gt;-&lt;partition&gt;</c>.
/// <para>
/// Concurrency: one writer at a time (appends, rolls, truncation and retention's list changes take
/// the writer lock); reads take no lock. A reader sees a consistent prefix because bytes are written
/// before the segment size and the log end offset that make them visible, and the segment list is
/// an immutable array replaced as a whole.
/// </para>
/// <para>
/// Handle lifetime: ranges returned by <see cref="Read(long,int,long,bool,List{FileRange})"/> each
/// hold a reference on their segment's file handle; deleting or closing a segment never invalidates
/// them. Truncation below a returned range (a follower after a leader change) shortens the file
/// under it; callers never read above the high watermark, which truncation does not go below.
/// </para>
/// </summary>
public sealed partial class PartitionLog : IDisposable
{
    [ThreadStatic]
    private static List<FileRange>? _threadRanges;

    private readonly Lock _writeLock = new();
    private readonly Lock _flushLock = new();
    private readonly Lock _deleteLock = new();
    private readonly List<(long DueMs, LogSegment Segment)> _pendingDeletes = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<PartitionLog, Exception>? _onStorageFailure;
    private volatile LogSegment[] _segments = [];
    private volatile LogConfig _config;
    private volatile RecordBatchValidationOptions _validationOptions = RecordBatchValidationOptions.Log;
    private volatile bool _offline;
    private volatile bool _closed;
    private long _logEndOffset;
    private long _logStartOffset;
    private long _highWatermark;
    private long _recoveryPoint;
    private long _lastFlushMs;
    private bool _directoryDirty;

    private PartitionLog(string directory, TopicPartition topicPartition, LogConfig config, PartitionLogOptions options)
    {
        DirectoryPath = directory;
        TopicPartition = topicPartition;
        _config = config;
        _time = options.Time;
        _logger = options.Logger ?? NullLogger.Instance;
        _onStorageFailure = options.OnStorageFailure;
        LeaderEpochCache = LeaderEpochCache.Load(directory);
        _lastFlushMs = NowMs;
    }

    public TopicPartition TopicPartition { get; }

    /// <summary>The partition's directory (<c>&lt;log dir&gt;/&lt;topic&gt;-&lt;partition&gt;</c>).</summary>
    public string DirectoryPath { get; }

    /// <summary>The log dir this partition lives in.</summary>
    public string LogDirectory => Path.GetDirectoryName(DirectoryPath)!;

    public LogConfig Config => _config;

    public LeaderEpochCache LeaderEpochCache { get; }

    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>The offset the next appended record gets; published after its bytes are written.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    public long HighWatermark => Volatile.Read(ref _highWatermark);

    /// <summary>Everything below is fsynced; recovery after a crash scans from the segment holding it.</summary>
    public long RecoveryPoint => Volatile.Read(ref _recoveryPoint);

    public long UnflushedMessages => LogEndOffset - RecoveryPoint;

    public long LastFlushMs => Volatile.Read(ref _lastFlushMs);

    public bool IsOffline => _offline;

    public int SegmentCount => _segments.Length;

    /// <summary>Bytes in all segments.</summary>
    public long Size
    {
        get
        {
            long size = 0;
            foreach (var segment in _segments)
            {
                size += segment.Size;
            }

            return size;
        }
    }

    /// <summary>Base offsets of the segments, oldest first.</summary>
    public IReadOnlyList<long> SegmentBaseOffsets
    {
        get
        {
            var segments = _segments;
            var result = new long[segments.Length];
            for (var i = 0; i < segments.Length; i++)
            {
                result[i] = segments[i].BaseOffset;
            }

            return result;
        }
    }

    private LogSegment ActiveSegment => _segments[^1];

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>, recovering it if it was not shut down cleanly.</summary>
    /// <exception cref="KafkaStorageException">The directory cannot be read or repaired.</exception>
    public static PartitionLog Open(string directory, TopicPartition topicPartition, LogConfig config, PartitionLogOptions? options = null)
    {
        options ??= new PartitionLogOptions();
        try
        {
            Directory.CreateDirectory(directory);
            var log = new PartitionLog(directory, topicPartition, config, options);
            try
            {
                log.Load(options);
            }
            catch
            {
                log.CloseSegments();
                throw;
            }

            return log;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new KafkaStorageException($"cannot open the log of {topicPartition} in {directory}: {e.Message}", e);
        }
    }

    /// <summary>Changes topic configs on the live log; segment and index sizes apply from the next roll.</summary>
    public void UpdateConfig(LogConfig config) => _config = config;

    /// <summary>The validator options of <paramref name="config"/>, made again only when <c>max.message.bytes</c> changed.</summary>
    private RecordBatchValidationOptions ValidationOptions(LogConfig config)
    {
        var options = _validationOptions;
        if (options.MaxBatchSize != config.MaxMessageBytes)
        {
            options = AppendValidation.OptionsFor(config);
            _validationOptions = options;
        }

        return options;
    }

    /// <summary>The replica manager moves the high watermark; retention never deletes above it.</summary>
    public void UpdateHighWatermark(long highWatermark)
    {
        var clamped = Math.Clamp(highWatermark, LogStartOffset, LogEndOffset);
        Volatile.Write(ref _highWatermark, clamped);
    }

    /// <summary>
    /// Appends as the leader: <paramref name="records"/> holds one or more v2 batches, checked
    /// (length, magic, CRC, size, timestamps) and then patched in place with their base offsets,
    /// <paramref name="leaderEpoch"/>, and the log append time when the topic uses it.
    /// </summary>
    /// <exception cref="CorruptRecordException">A batch fails its checks; nothing is appended.</exception>
    /// <exception cref="RecordBatchTooLargeException">A batch exceeds <c>max.message.bytes</c> or the append exceeds a segment.</exception>
    /// <exception cref="InvalidTimestampException">A CreateTime batch is outside the allowed window.</exception>
    /// <exception cref="KafkaStorageException">The write failed; the log is offline and nothing was appended.</exception>
    public LogAppendInfo AppendAsLeader(Span<byte> records, int leaderEpoch)
    {
        ThrowIfUnavailable();
        var config = _config;
        var now = NowMs;
        var (batches, recordCount) = AppendValidation.Validate(records, config, ValidationOptions(config), asLeader: true, now);
        if (batches == 0)
        {
            return LogAppendInfo.Empty(LogEndOffset, LogStartOffset);
        }

        var logAppendTime = config.MessageTimestampType == TimestampType.LogAppendTime ? now : -1;
        lock (_writeLock)
        {
            ThrowIfUnavailable();
            var first = _logEndOffset;
            var offset = first;
            long maxTimestamp = -1, offsetOfMax = -1;
            var iterator = new RecordBatchIterator(records);
            while (iterator.MoveNext())
            {
                var batch = records.Slice(iterator.Current.Position, iterator.Current.Bytes.Length);
                RecordBatchHeader.SetBaseOffset(batch, offset);
                RecordBatchHeader.SetPartitionLeaderEpoch(batch, leaderEpoch);
                if (logAppendTime >= 0)
                {
                    RecordBatchHeader.SetLogAppendTime(batch, logAppendTime);
                }

                var header = RecordBatchHeader.Read(batch);
                if (header.MaxTimestamp > maxTimestamp)
                {
                    maxTimestamp = header.MaxTimestamp;
                    offsetOfMax = offset;
                }

                offset = header.NextOffset;
            }

            LeaderEpochCache.Assign(leaderEpoch, first);
            WriteLocked(records, first, offset - 1, maxTimestamp, now);
            AppendedUnflushed(config);
            return new LogAppendInfo(first, offset - 1, maxTimestamp, offsetOfMax, logAppendTime, LogStartOffset, batches, recordCount, records.Length);
        }
    }

    /// <summary>
    /// Appends batches whose offsets the leader assigned (replication). Offsets must start at or
    /// after the log end offset and increase; the bytes are written unchanged.
    /// </summary>
    /// <exception cref="UnexpectedAppendOffsetException">Offsets go backwards.</exception>
    public LogAppendInfo AppendAsFollower(ReadOnlySpan<byte> records)
    {
        ThrowIfUnavailable();
        var config = _config;
        var (batches, recordCount) = AppendValidation.Validate(records, config, ValidationOptions(config), asLeader: false, 0);
        if (batches == 0)
        {
            return LogAppendInfo.Empty(LogEndOffset, LogStartOffset);
        }

        lock (_writeLock)
        {
            ThrowIfUnavailable();
            var first = RecordBatchHeader.Read(records).BaseOffset;
            var expected = _logEndOffset;
            long maxTimestamp = -1, offsetOfMax = -1, last = -1;
            var iterator = new RecordBatchIterator(records);
            while (iterator.MoveNext())
            {
                var batch = iterator.Current.Header;
                if (batch.BaseOffset < expected)
                {
                    throw new UnexpectedAppendOffsetException(
                        $"{TopicPartition}: batch at offset {batch.BaseOffset} is below the next expected offset {expected}", first, batch.LastOffset);
                }

                if (batch.MaxTimestamp > maxTimestamp)
                {
                    maxTimestamp = batch.MaxTimestamp;
                    offsetOfMax = batch.BaseOffset;
                }

                expected = batch.LastOffset + 1;
                last = batch.LastOffset;
            }

            iterator = new RecordBatchIterator(records);
            while (iterator.MoveNext())
            {
                var batch = iterator.Current.Header;
                LeaderEpochCache.Assign(batch.PartitionLeaderEpoch, batch.BaseOffset);
            }

            WriteLocked(records, first, last, maxTimestamp, NowMs);
            AppendedUnflushed(config);
            return new LogAppendInfo(first, last, maxTimestamp, offsetOfMax, -1, LogStartOffset, batches, recordCount, records.Length);
        }
    }

    /// <summary>
    /// Reads whole batches from the one holding <paramref name="startOffset"/>, up to
    /// <paramref name="maxBytes"/> (or one batch of any size when <paramref name="minOneBatch"/>) and
    /// below <paramref name="maxOffsetExclusive"/> (the high watermark or last stable offset). The
    /// ranges are added to <paramref name="ranges"/>, each holding a handle reference that the
    /// caller gives back with <see cref="FileRange.Release"/> once sent.
    /// </summary>
    /// <exception cref="OffsetOutOfRangeException"><paramref name="startOffset"/> is below the log start offset or above the log end offset.</exception>
    public LogReadInfo Read(long startOffset, int maxBytes, long maxOffsetExclusive, bool minOneBatch, List<FileRange> ranges)
    {
        for (var attempt = 0; ; attempt++)
        {
            ThrowIfUnavailable();
            var segments = _segments;
            var logEnd = LogEndOffset;
            var logStart = LogStartOffset;
            if (startOffset < logStart || startOffset > logEnd)
            {
                throw new OffsetOutOfRangeException(
                    $"{TopicPartition}: offset {startOffset} is outside the log [{logStart}, {logEnd}]");
            }

            var upper = Math.Min(maxOffsetExclusive, logEnd);
            if (startOffset >= upper || (maxBytes <= 0 && !minOneBatch))
            {
                return new LogReadInfo(-1, startOffset, 0, 0, logStart, logEnd);
            }

            var added = ranges.Count;
            try
            {
                if (TryCollect(segments, startOffset, maxBytes, upper, minOneBatch, ranges, out var info))
                {
                    return info with { LogStartOffset = logStart, LogEndOffset = logEnd };
                }
            }
            catch (IOException e)
            {
                ReleaseFrom(ranges, added);
                throw Fail(e);
            }

            // A segment was closed under us (deleted or truncated away): try again from the new state.
            ReleaseFrom(ranges, added);
            if (attempt == 3)
            {
                throw new OffsetOutOfRangeException($"{TopicPartition}: offset {startOffset} was removed while reading");
            }
        }
    }

    /// <summary>Convenience overload: the ranges in a disposable result that releases them.</summary>
    public LogReadResult Read(long startOffset, int maxBytes, long maxOffsetExclusive = long.MaxValue, bool minOneBatch = true)
    {
        var ranges = new List<FileRange>(2);
        var info = Read(startOffset, maxBytes, maxOffsetExclusive, minOneBatch, ranges);
        return new LogReadResult(ranges, info);
    }

    /// <summary>Copies whole batches from <paramref name="startOffset"/> into <paramref name="destination"/>; returns the bytes copied.</summary>
    public int ReadInto(long startOffset, Span<byte> destination, long maxOffsetExclusive, out LogReadInfo info)
    {
        var ranges = _threadRanges ??= new List<FileRange>(4);
        ranges.Clear();
        try
        {
            info = Read(startOffset, destination.Length, maxOffsetExclusive, minOneBatch: false, ranges);
            var at = 0;
            foreach (var range in ranges)
            {
                range.CopyTo(destination.Slice(at, range.Length));
                at += range.Length;
            }

            return at;
        }
        catch (IOException e)
        {
            throw Fail(e);
        }
        finally
        {
            ReleaseFrom(ranges, 0);
            ranges.Clear();
        }
    }

    /// <summary>
    /// ListOffsets: <see cref="ListOffsetsTimestamp.Earliest"/>, <see cref="ListOffsetsTimestamp.Latest"/>,
    /// <see cref="ListOffsetsTimestamp.MaxTimestamp"/>, or the first batch whose max timestamp is ≥
    /// <paramref name="timestamp"/> (its base offset, or the log start offset if that is inside it).
    /// Null when no batch is that late.
    /// </summary>
    public TimestampAndOffset? FetchOffsetByTimestamp(long timestamp)
    {
        ThrowIfUnavailable();
        var logStart = LogStartOffset;
        switch (timestamp)
        {
            case ListOffsetsTimestamp.Earliest:
                return new TimestampAndOffset(-1, logStart, LeaderEpochCache.EpochForOffset(logStart));
            case ListOffsetsTimestamp.Latest:
                var end = LogEndOffset;
                return new TimestampAndOffset(-1, end, LeaderEpochCache.LatestEpoch);
            case ListOffsetsTimestamp.MaxTimestamp:
                return FindMaxTimestamp(logStart);
            case < 0:
                throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, "not a timestamp or a ListOffsets special value");
        }

        try
        {
            foreach (var segment in _segments)
            {
                if (segment.NextOffset <= logStart || segment.MaxTimestamp < timestamp || !segment.TryAcquire())
                {
                    continue;
                }

                try
                {
                    if (segment.FindByTimestamp(timestamp, logStart, out var batch))
                    {
                        var offset = Math.Max(batch.BaseOffset, logStart);
                        return new TimestampAndOffset(batch.MaxTimestamp, offset, LeaderEpochCache.EpochForOffset(offset));
                    }
                }
                finally
                {
                    segment.Handle.DangerousRelease();
                }
            }
        }
        catch (IOException e)
        {
            throw Fail(e);
        }

        return null;
    }

    /// <summary>OffsetForLeaderEpoch: the largest epoch ≤ <paramref name="epoch"/> and where it ends.</summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int epoch) => LeaderEpochCache.EndOffsetFor(epoch, LogEndOffset);

    /// <summary>fsyncs everything appended so far and advances the recovery point.</summary>
    public void Flush() => Flush(LogEndOffset);

    /// <summary>fsyncs the segments holding offsets below <paramref name="upToOffsetExclusive"/> and advances the recovery point to it.</summary>
    /// <exception cref="KafkaStorageException">fsync failed; the log is offline.</exception>
    public void Flush(long upToOffsetExclusive)
    {
        ThrowIfUnavailable();
        lock (_flushLock)
        {
            var recoveryPoint = RecoveryPoint;
            var target = Math.Min(upToOffsetExclusive, LogEndOffset);
            if (target <= recoveryPoint)
            {
                return;
            }

            try
            {
                foreach (var segment in _segments)
                {
                    if (segment.BaseOffset >= target || (segment.NextOffset <= recoveryPoint && segment != ActiveSegment))
                    {
                        continue;
                    }

                    if (segment.TryAcquire())
                    {
                        try
                        {
                            segment.Flush();
                        }
                        finally
                        {
                            segment.Handle.DangerousRelease();
                        }
                    }
                }

                if (Volatile.Read(ref _directoryDirty))
                {
                    Volatile.Write(ref _directoryDirty, false);
                    NativeFile.FsyncDirectory(DirectoryPath);
                }
            }
            catch (IOException e)
            {
                throw Fail(e);
            }

            Volatile.Write(ref _recoveryPoint, Math.Max(RecoveryPoint, target));
            Volatile.Write(ref _lastFlushMs, NowMs);
        }
    }

    /// <summary>The flush.ms policy, run by the log manager's scheduler.</summary>
    public void FlushIfDue()
    {
        var config = _config;
        if (config.FlushMs != long.MaxValue && UnflushedMessages > 0 && NowMs - LastFlushMs >= config.FlushMs)
        {
            Flush();
        }
    }

    public void Dispose() => Close();

    /// <summary>
    /// Clean close: trims the active segment's indexes (Kafka's close) and drops the file handles
    /// (readers holding ranges keep theirs). The log manager flushes before closing.
    /// </summary>
    public void Close()
    {
        lock (_writeLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            if (!_offline && _segments.Length > 0)
            {
                try
                {
                    ActiveSegment.MakeInactive();
                }
                catch (IOException e)
                {
                    _logger.LogWarning(e, "{TopicPartition}: trimming indexes on close failed", TopicPartition);
                }
            }

            CloseSegments();
        }
    }

    /// <summary>Drops the file handles as a killed process would: no index trim, no flush (tests).</summary>
    internal void Abandon()
    {
        lock (_writeLock)
        {
            _closed = true;
            CloseSegments();
        }
    }

    internal void CloseSegments()
    {
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }

        lock (_deleteLock)
        {
            foreach (var (_, segment) in _pendingDeletes)
            {
                segment.Dispose();
            }

            _pendingDeletes.Clear();
        }
    }

    /// <summary>Marks the log offline without touching the disk (its log dir failed).</summary>
    internal void MarkOffline() => _offline = true;

    private void ThrowIfUnavailable()
    {
        if (_offline)
        {
            throw new KafkaStorageException($"{TopicPartition}: the log in {LogDirectory} is offline");
        }

        ObjectDisposedException.ThrowIf(_closed, this);
    }

    private KafkaStorageException Fail(Exception e)
    {
        var first = !_offline;
        _offline = true;
        if (first)
        {
            _logger.LogError(e, "{TopicPartition}: storage failure in {LogDirectory}; the log is offline", TopicPartition, LogDirectory);
            _onStorageFailure?.Invoke(this, e);
        }

        return new KafkaStorageException($"{TopicPartition}: storage failure in {LogDirectory}: {e.Message}", e);
    }

    private static void ReleaseFrom(List<FileRange> ranges, int from)
    {
        for (var i = ranges.Count - 1; i >= from; i--)
        {
            ranges[i].Release();
            ranges.RemoveAt(i);
        }
    }

    /// <summary>Index of the last segment whose base offset is ≤ <paramref name="offset"/> (0 if none).</summary>
    private static int FloorSegment(LogSegment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1, found = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private static bool TryCollect(LogSegment[] segments, long startOffset, int maxBytes, long upper, bool minOneBatch, List<FileRange> ranges, out LogReadInfo info)
    {
        long first = -1, next = startOffset;
        int total = 0, count = 0;
        var stop = false;
        for (var i = FloorSegment(segments, startOffset); i < segments.Length && !stop; i++)
        {
            var segment = segments[i];
            if (!segment.TryAcquire())
            {
                info = default;
                return false;
            }

            var reader = new BatchHeaderReader(segment.Handle);
            long rangeStart = -1, rangeLength = 0;
            try
            {
                var end = segment.Size;
                RecordBatchHeader batch = default;
                var position = count == 0 ? segment.FindPosition(next, end, ref reader, out batch) : 0;
                if (position >= 0 && (count == 0 || reader.TryRead(0, end, out batch)))
                {
                    rangeStart = position;
                    do
                    {
                        if (batch.LastOffset >= upper || (total + (long)batch.TotalSize > maxBytes && !(count == 0 && minOneBatch)))
                        {
                            stop = true;
                            break;
                        }

                        if (first < 0)
                        {
                            first = batch.BaseOffset;
                        }

                        next = batch.LastOffset + 1;
                        total += batch.TotalSize;
                        count++;
                        rangeLength += batch.TotalSize;
                        position += batch.TotalSize;
                    }
                    while (reader.TryRead(position, end, out batch));
                }
            }
            catch
            {
                segment.Handle.DangerousRelease();
                throw;
            }
            finally
            {
                reader.Dispose();
            }

            if (rangeLength > 0)
            {
                ranges.Add(new FileRange(segment.Handle, rangeStart, (int)rangeLength));
            }
            else
            {
                segment.Handle.DangerousRelease();
            }
        }

        info = new LogReadInfo(first, next, total, count, 0, 0);
        return true;
    }

    private TimestampAndOffset? FindMaxTimestamp(long logStart)
    {
        LogSegment? best = null;
        foreach (var segment in _segments)
        {
            if (segment.NextOffset > logStart && segment.MaxTimestamp >= 0 && (best is null || segment.MaxTimestamp > best.MaxTimestamp))
            {
                best = segment;
            }
        }

        if (best is null || !best.TryAcquire())
        {
            return null;
        }

        try
        {
            var timestamp = best.MaxTimestamp;
            var offset = best.FindBatch(best.OffsetOfMaxTimestamp, out var batch) ? Math.Max(batch.BaseOffset, logStart) : best.OffsetOfMaxTimestamp;
            return new TimestampAndOffset(timestamp, offset, LeaderEpochCache.EpochForOffset(offset));
        }
        catch (IOException e)
        {
            throw Fail(e);
        }
        finally
        {
            best.Handle.DangerousRelease();
        }
    }

    /// <summary>Roll if needed, write, publish the new end offset. Caller holds the writer lock and has validated the batches.</summary>
    private void WriteLocked(ReadOnlySpan<byte> records, long firstOffset, long lastOffset, long maxTimestamp, long nowMs)
    {
        var config = _config;
        try
        {
            var segment = ActiveSegment;
            if (segment.ShouldRoll(config, records.Length, lastOffset, maxTimestamp, nowMs))
            {
                segment = RollLocked(Math.Max(firstOffset, _logEndOffset), nowMs);
            }

            try
            {
                segment.Append(records, config);
            }
            catch (IOException)
            {
                // A partial write must not be found by recovery as a torn tail of acked data.
                try
                {
                    segment.DiscardUnpublished();
                }
                catch (IOException)
                {
                }

                throw;
            }
        }
        catch (IOException e)
        {
            throw Fail(e);
        }

        Volatile.Write(ref _logEndOffset, lastOffset + 1);
    }

    private void AppendedUnflushed(LogConfig config)
    {
        if (config.FlushMessages != long.MaxValue && UnflushedMessages >= config.FlushMessages)
        {
            Flush();
        }
    }
}
