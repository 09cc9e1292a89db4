using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Samsa.Protocol.Records;
using Samsa.Storage.Checkpoints;
using Samsa.Storage.Files;

namespace Samsa.Storage.Segments;

/// <summary>
/// One segment: <c>&lt;baseOffset:D20&gt;.log</c> holding v2 batches exactly as on the wire, with its
/// <c>.index</c> and <c>.timeindex</c>. Appends come from the log's single writer; readers see only
/// bytes below <see cref="Size"/>, which is published after the bytes are written.
/// <para>
/// Handle lifetime: the log file handle is a <see cref="SafeFileHandle"/>; readers take a reference
/// (<see cref="System.Runtime.InteropServices.SafeHandle.DangerousAddRef"/>) for each range they return, and <see cref="Dispose"/>
/// only drops the segment's own reference, so the descriptor really closes when the last reader
/// releases. Deleting renames and unlinks; open descriptors keep reading the unlinked inode.
/// </para>
/// </summary>
internal sealed class LogSegment : IDisposable
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";
    public const string DeletedSuffix = ".deleted";
    public const string CleanedSuffix = ".cleaned";
    public const string SwapSuffix = ".swap";

    /// <summary>Recovery reads segments in chunks of this size.</summary>
    private const int RecoveryReadSize = 4 * 1024 * 1024;

    private readonly string _directory;
    private readonly SafeFileHandle _log;
    private readonly IndexFile _offsetIndex;
    private readonly IndexFile _timeIndex;
    private readonly long _createdMs;
    private long _size;
    private long _nextOffset;
    private long _maxTimestamp = -1;
    private long _offsetOfMaxTimestamp = -1;
    private int _bytesSinceLastIndexEntry;
    private long _rollingBasedTimestamp = -1;
    private long _rollJitterMs;
    private long _firstBatchTimestamp = long.MinValue;

    private LogSegment(string directory, long baseOffset, SafeFileHandle log, IndexFile offsetIndex, IndexFile timeIndex, long createdMs)
    {
        _directory = directory;
        BaseOffset = baseOffset;
        _log = log;
        _offsetIndex = offsetIndex;
        _timeIndex = timeIndex;
        _createdMs = createdMs;
        _nextOffset = baseOffset;
        LogPath = Path.Combine(directory, FileName(baseOffset, LogSuffix));
    }

    public long BaseOffset { get; }

    public string LogPath { get; private set; }

    public SafeFileHandle Handle => _log;

    /// <summary>Bytes readers may read: whole batches only.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>The offset after this segment's last batch (the base offset when empty).</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>Largest batch max timestamp in the segment, -1 when none.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    /// <summary>Last offset of the batch holding <see cref="MaxTimestamp"/>.</summary>
    public long OffsetOfMaxTimestamp => Volatile.Read(ref _offsetOfMaxTimestamp);

    /// <summary>The segment's max timestamp, or its file's modification time when it has none (as Kafka's retention uses).</summary>
    public long LargestTimestampForRetention =>
        MaxTimestamp >= 0 ? MaxTimestamp : new DateTimeOffset(File.GetLastWriteTimeUtc(LogPath)).ToUnixTimeMilliseconds();

    public static string FileName(long baseOffset, string suffix) =>
        baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix;

    /// <summary>A new empty segment (files created, indexes preallocated).</summary>
    public static LogSegment Create(string directory, long baseOffset, LogConfig config, long nowMs) =>
        Create(directory, baseOffset, config, nowMs, string.Empty, config.Preallocate);

    /// <summary>
    /// A new empty segment whose files carry <see cref="CleanedSuffix"/>: the log cleaner's output, invisible to the
    /// log (and removed by recovery) until <see cref="ChangeSuffix"/> makes it a swap and then a live segment.
    /// </summary>
    public static LogSegment CreateCleaned(string directory, long baseOffset, LogConfig config, long nowMs) =>
        Create(directory, baseOffset, config, nowMs, CleanedSuffix, preallocate: false);

    private static LogSegment Create(string directory, long baseOffset, LogConfig config, long nowMs, string suffix, bool preallocate)
    {
        var logPath = Path.Combine(directory, FileName(baseOffset, LogSuffix) + suffix);
        var log = File.OpenHandle(
            logPath, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete,
            FileOptions.None, preallocate ? config.SegmentBytes : 0);
        if (preallocate && RandomAccess.GetLength(log) != 0)
        {
            // Where the runtime's preallocation grows the file, the size is the data written, not the file length.
            RandomAccess.SetLength(log, 0);
        }

        var offsetIndex = CreateIndex(Path.Combine(directory, FileName(baseOffset, IndexSuffix) + suffix), false);
        var timeIndex = CreateIndex(Path.Combine(directory, FileName(baseOffset, TimeIndexSuffix) + suffix), true);
        var segment = new LogSegment(directory, baseOffset, log, offsetIndex, timeIndex, nowMs) { LogPath = logPath };
        segment.MakeActive(config);
        return segment;
    }

    /// <summary>
    /// Opens an existing segment as it is on disk. <paramref name="indexesValid"/> is false when an
    /// index is missing or fails its check; the caller then runs <see cref="Recover"/>.
    /// </summary>
    public static LogSegment Open(string directory, long baseOffset, long nowMs, bool checkEveryEntry, out bool indexesValid)
    {
        var logPath = Path.Combine(directory, FileName(baseOffset, LogSuffix));
        var log = File.OpenHandle(logPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var indexPath = Path.Combine(directory, FileName(baseOffset, IndexSuffix));
        var timeIndexPath = Path.Combine(directory, FileName(baseOffset, TimeIndexSuffix));
        var hadIndexes = File.Exists(indexPath) && File.Exists(timeIndexPath);
        var segment = new LogSegment(directory, baseOffset, log, IndexFile.Open(indexPath, false), IndexFile.Open(timeIndexPath, true), nowMs);
        segment._size = RandomAccess.GetLength(log);
        indexesValid = hadIndexes
            && segment._offsetIndex.IsValid(segment._size, checkEveryEntry)
            && segment._timeIndex.IsValid(segment._size, checkEveryEntry);
        if (indexesValid && segment._timeIndex.Last is { } last)
        {
            segment._maxTimestamp = last.Key;
            segment._offsetOfMaxTimestamp = baseOffset + last.Value;
        }

        return segment;
    }

    /// <summary>
    /// Readies an opened, valid segment to take appends again: finds the end offset and max
    /// timestamp from the last index entries plus a scan of the headers after them.
    /// </summary>
    public void LoadTail(LogConfig config)
    {
        var reader = new BatchHeaderReader(_log);
        try
        {
            var end = Size;
            var last = _offsetIndex.Last;
            long position = last?.Value ?? 0;
            var next = last is { } e ? BaseOffset + e.Key + 1 : BaseOffset;
            var maxTs = _maxTimestamp;
            var offsetOfMax = _offsetOfMaxTimestamp;
            while (reader.TryRead(position, end, out var batch))
            {
                if (batch.MaxTimestamp > maxTs)
                {
                    maxTs = batch.MaxTimestamp;
                    offsetOfMax = batch.LastOffset;
                }

                next = batch.LastOffset + 1;
                position += batch.TotalSize;
            }

            if (position != end)
            {
                throw new InvalidDataException($"{LogPath}: a partial batch at {position}");
            }

            _nextOffset = next;
            _maxTimestamp = maxTs;
            _offsetOfMaxTimestamp = offsetOfMax;
            _bytesSinceLastIndexEntry = (int)Math.Min(int.MaxValue, end - (last?.Value ?? 0));
            if (end > 0 && reader.TryRead(0, end, out var first) && first.MaxTimestamp >= 0)
            {
                _rollingBasedTimestamp = first.MaxTimestamp;
            }
        }
        finally
        {
            reader.Dispose();
        }

        MakeActive(config);
    }

    /// <summary>Sets the next offset of a segment that is not the last (its successor's base offset).</summary>
    public void SetNextOffset(long nextOffset) => _nextOffset = nextOffset;

    /// <summary>Kafka's roll test: size, age (with this segment's jitter), full indexes, relative offset overflow.</summary>
    public bool ShouldRoll(LogConfig config, int appendSize, long lastOffsetInAppend, long maxTimestampInAppend, long nowMs)
    {
        var size = Size;

        // As Kafka: the age is the new batches' timestamp minus the first batch's, or wall-clock
        // time since creation when the segment has no timestamps.
        var waited = _rollingBasedTimestamp >= 0 ? maxTimestampInAppend - _rollingBasedTimestamp : nowMs - _createdMs;
        var reachedRollMs = size > 0 && waited > config.MaxSegmentMs - _rollJitterMs;
        return size > config.SegmentBytes - appendSize
            || reachedRollMs
            || (size > 0 && (_offsetIndex.IsFull || _timeIndex.IsFull))
            || lastOffsetInAppend - BaseOffset > int.MaxValue;
    }

    /// <summary>
    /// Writes whole, already validated batches at the end, indexes them, then publishes the new
    /// size. On an I/O error nothing is published (the caller cuts the file back).
    /// </summary>
    public void Append(ReadOnlySpan<byte> batches, LogConfig config)
    {
        var position = _size;
        RandomAccess.Write(_log, batches, position);
        var next = _nextOffset;
        var iterator = new RecordBatchIterator(batches);
        while (iterator.MoveNext())
        {
            var batch = iterator.Current.Header;
            AddBatch(batch, (int)(position + iterator.Current.Position), config.IndexIntervalBytes);
            next = batch.LastOffset + 1;
        }

        Volatile.Write(ref _nextOffset, next);
        Volatile.Write(ref _size, position + batches.Length);
    }

    /// <summary>Cuts the file back to the published size after a failed write.</summary>
    public void DiscardUnpublished() => RandomAccess.SetLength(_log, Size);

    /// <summary>Position of the first batch whose last offset is ≥ <paramref name="target"/>, or -1 if none below <paramref name="end"/>.</summary>
    public long FindPosition(long target, long end, ref BatchHeaderReader reader, out RecordBatchHeader batch)
    {
        var i = _offsetIndex.FloorIndex(target - BaseOffset);
        long position = 0;
        if (i >= 0)
        {
            // An entry names the last offset of the batch at its position; one that does not match
            // (a damaged index that passed the start-up check) is ignored in favour of a scan.
            var entry = _offsetIndex.Get(i);
            if (reader.TryRead(entry.Value, end, out batch) && batch.LastOffset == BaseOffset + entry.Key)
            {
                position = entry.Value;
            }
        }

        while (reader.TryRead(position, end, out batch))
        {
            if (batch.LastOffset >= target)
            {
                return position;
            }

            position += batch.TotalSize;
        }

        return -1;
    }

    /// <summary>
    /// The first batch at or after <paramref name="startingOffset"/> whose max timestamp is ≥
    /// <paramref name="timestamp"/>: the time index gives the last point known to be earlier, then headers are scanned.
    /// </summary>
    public bool FindByTimestamp(long timestamp, long startingOffset, out RecordBatchHeader found)
    {
        var reader = new BatchHeaderReader(_log);
        try
        {
            var t = _timeIndex.FloorIndex(timestamp == long.MinValue ? timestamp : timestamp - 1);
            var from = Math.Max(t < 0 ? BaseOffset : BaseOffset + _timeIndex.Get(t).Value, startingOffset);
            var end = Size;
            var position = FindPosition(from, end, ref reader, out var batch);
            if (position < 0)
            {
                found = default;
                return false;
            }

            do
            {
                if (batch.MaxTimestamp >= timestamp && batch.LastOffset >= startingOffset)
                {
                    found = batch;
                    return true;
                }

                position += batch.TotalSize;
            }
            while (reader.TryRead(position, end, out batch));

            found = default;
            return false;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>The batch holding <paramref name="offset"/>, if it is in this segment.</summary>
    public bool FindBatch(long offset, out RecordBatchHeader batch)
    {
        var reader = new BatchHeaderReader(_log);
        try
        {
            return FindPosition(offset, Size, ref reader, out batch) >= 0 && batch.BaseOffset <= offset;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>
    /// Removes every batch whose last offset is ≥ <paramref name="offset"/> (whole batches) and the
    /// index entries that point at them. Returns the bytes removed.
    /// </summary>
    public long TruncateTo(long offset, LogConfig config)
    {
        _firstBatchTimestamp = long.MinValue;
        var reader = new BatchHeaderReader(_log);
        try
        {
            var size = Size;
            var position = FindPosition(offset, size, ref reader, out _);
            if (position < 0)
            {
                position = size;
            }

            _offsetIndex.TruncateTo(_offsetIndex.FloorIndex(offset - 1 - BaseOffset) + 1);
            var keptTimes = 0;
            while (keptTimes < _timeIndex.Count && BaseOffset + _timeIndex.Get(keptTimes).Value < offset)
            {
                keptTimes++;
            }

            _timeIndex.TruncateTo(keptTimes);
            Volatile.Write(ref _size, position);
            RandomAccess.SetLength(_log, position);
            RecomputeAfterTruncation(ref reader, position, config);
            return size - position;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>
    /// Crash recovery: validates every batch (length, magic, CRC, increasing offsets), rebuilds both
    /// indexes, cuts the file at the first invalid byte, and feeds each batch's leader epoch to
    /// <paramref name="epochs"/>. Returns the bytes cut off.
    /// </summary>
    public long Recover(LogConfig config, LeaderEpochCache? epochs)
    {
        _offsetIndex.Reset(config.SegmentIndexBytes);
        _timeIndex.Reset(config.SegmentIndexBytes);
        _maxTimestamp = -1;
        _offsetOfMaxTimestamp = -1;
        _bytesSinceLastIndexEntry = 0;
        _rollingBasedTimestamp = -1;
        _firstBatchTimestamp = long.MinValue;
        long position = 0;
        var fileLength = RandomAccess.GetLength(_log);
        var next = BaseOffset;
        var scanner = new SegmentBatchScanner(_log, 0, fileLength, RecoveryReadSize);
        try
        {
            while (scanner.MoveNext())
            {
                var bytes = scanner.Current;
                if (!RecordBatchValidator.ValidateBatch(bytes, RecordBatchValidationOptions.Log).IsValid)
                {
                    break;
                }

                var batch = RecordBatchHeader.Read(bytes);
                if (batch.BaseOffset < next || batch.LastOffset < batch.BaseOffset || batch.LastOffset - BaseOffset > int.MaxValue)
                {
                    break;
                }

                AddBatch(batch, (int)scanner.CurrentPosition, config.IndexIntervalBytes);
                epochs?.Assign(batch.PartitionLeaderEpoch, batch.BaseOffset);
                next = batch.LastOffset + 1;
                position = scanner.CurrentPosition + batch.TotalSize;
            }
        }
        finally
        {
            scanner.Dispose();
        }

        if (position < fileLength)
        {
            RandomAccess.SetLength(_log, position);
        }

        _nextOffset = next;
        Volatile.Write(ref _size, position);
        _rollJitterMs = 0;
        return fileLength - position;
    }

    /// <summary>Kafka's roll bookkeeping for a segment that stops taking appends: final time entry, indexes trimmed and fsynced.</summary>
    public void MakeInactive()
    {
        AppendTimeIndex(_maxTimestamp, _offsetOfMaxTimestamp, skipFullCheck: true);
        _offsetIndex.Freeze();
        _timeIndex.Freeze();
        if (RandomAccess.GetLength(_log) != Size)
        {
            RandomAccess.SetLength(_log, Size);
        }
    }

    /// <summary>Makes the indexes writable again (a new segment, or the last one after open or truncation).</summary>
    public void MakeActive(LogConfig config)
    {
        if (!_offsetIndex.IsMutable)
        {
            _offsetIndex.MakeMutable(config.SegmentIndexBytes);
        }

        if (!_timeIndex.IsMutable)
        {
            _timeIndex.MakeMutable(config.SegmentIndexBytes);
        }

        _rollJitterMs = config.SegmentJitterMs == 0 ? 0 : Random.Shared.NextInt64(Math.Min(config.SegmentJitterMs, config.MaxSegmentMs));
    }

    /// <summary>fsync of the log file and the writable indexes.</summary>
    public void Flush()
    {
        NativeFile.Fsync(_log);
        if (_offsetIndex.IsMutable)
        {
            _offsetIndex.Flush();
            _timeIndex.Flush();
        }
    }

    /// <summary>Takes a reference on the log handle for a reader; false when the segment is already closed.</summary>
    public bool TryAcquire()
    {
        var added = false;
        try
        {
            _log.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return added;
    }

    /// <summary>Renames the segment's files by adding <paramref name="suffix"/> (e.g. <c>.deleted</c>); handles stay open.</summary>
    public void RenameWithSuffix(string suffix)
    {
        var newLog = LogPath + suffix;
        File.Move(LogPath, newLog, overwrite: true);
        LogPath = newLog;
        _offsetIndex.Rename(_offsetIndex.Path + suffix);
        _timeIndex.Rename(_timeIndex.Path + suffix);
    }

    /// <summary>
    /// Renames the files from <paramref name="from"/> to <paramref name="to"/> suffix (the cleaner's
    /// <c>.cleaned</c> → <c>.swap</c> → live); handles stay open.
    /// </summary>
    public void ChangeSuffix(string from, string to)
    {
        var newLog = LogPath[..^from.Length] + to;
        File.Move(LogPath, newLog, overwrite: true);
        LogPath = newLog;
        _offsetIndex.Rename(_offsetIndex.Path[..^from.Length] + to);
        _timeIndex.Rename(_timeIndex.Path[..^from.Length] + to);
    }

    /// <summary>Offset index entries, which the cleaner adds up when it groups segments.</summary>
    public int OffsetIndexEntries => _offsetIndex.Count;

    /// <summary>The log file's modification time (what time retention falls back to without timestamps).</summary>
    public long LastModifiedMs
    {
        get => new DateTimeOffset(File.GetLastWriteTimeUtc(LogPath)).ToUnixTimeMilliseconds();
        set => File.SetLastWriteTimeUtc(LogPath, DateTimeOffset.FromUnixTimeMilliseconds(value).UtcDateTime);
    }

    /// <summary>The first batch's max timestamp, or -1 when the segment is empty or has no timestamps (max.compaction.lag.ms).</summary>
    public long FirstBatchTimestamp()
    {
        if (_firstBatchTimestamp != long.MinValue)
        {
            return _firstBatchTimestamp;
        }

        var reader = new BatchHeaderReader(_log);
        try
        {
            var size = Size;
            var timestamp = reader.TryRead(0, size, out var first) ? first.MaxTimestamp : -1;
            if (size > 0)
            {
                // A segment's first batch never changes (appends go after it; truncation below it empties the segment).
                _firstBatchTimestamp = timestamp;
            }

            return timestamp;
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>Unlinks the files and drops this segment's handle references (readers with leases keep reading).</summary>
    public void DeleteFiles()
    {
        Dispose();
        File.Delete(LogPath);
        File.Delete(_offsetIndex.Path);
        File.Delete(_timeIndex.Path);
    }

    public void Dispose()
    {
        _log.Dispose();
        _offsetIndex.Dispose();
        _timeIndex.Dispose();
    }

    public override string ToString() => $"{Path.GetFileName(_directory)}/{FileName(BaseOffset, LogSuffix)} size={Size}";

    private static IndexFile CreateIndex(string path, bool isTimeIndex)
    {
        File.Delete(path);
        return IndexFile.Open(path, isTimeIndex);
    }

    private void AddBatch(RecordBatchHeader batch, int position, int indexIntervalBytes)
    {
        if (position == 0 && batch.MaxTimestamp >= 0)
        {
            _rollingBasedTimestamp = batch.MaxTimestamp;
        }

        if (batch.MaxTimestamp > _maxTimestamp)
        {
            Volatile.Write(ref _offsetOfMaxTimestamp, batch.LastOffset);
            Volatile.Write(ref _maxTimestamp, batch.MaxTimestamp);
        }

        if (_bytesSinceLastIndexEntry > indexIntervalBytes)
        {
            _offsetIndex.Append(batch.LastOffset - BaseOffset, position);
            AppendTimeIndex(_maxTimestamp, _offsetOfMaxTimestamp, skipFullCheck: false);
            _bytesSinceLastIndexEntry = 0;
        }

        _bytesSinceLastIndexEntry += batch.TotalSize;
    }

    private void AppendTimeIndex(long timestamp, long offset, bool skipFullCheck)
    {
        if (timestamp < 0 || (!skipFullCheck && _timeIndex.IsFull) || !_timeIndex.IsMutable)
        {
            return;
        }

        if (_timeIndex.Last is { } last && timestamp <= last.Key)
        {
            return;
        }

        _timeIndex.Append(timestamp, (int)(offset - BaseOffset));
    }

    private void RecomputeAfterTruncation(ref BatchHeaderReader reader, long end, LogConfig config)
    {
        // Batches up to the last time entry's offset are known to be no later than its timestamp;
        // scan from the batch holding that offset to refind the end offset and the max timestamp.
        var lastTime = _timeIndex.Last;
        _maxTimestamp = lastTime?.Key ?? -1;
        _offsetOfMaxTimestamp = lastTime is { } t ? BaseOffset + t.Value : -1;
        long position = 0;
        if (lastTime is { } lt && _offsetIndex.FloorIndex(lt.Value) is var i and >= 0)
        {
            position = _offsetIndex.Get(i).Value;
        }

        var next = BaseOffset;
        while (reader.TryRead(position, end, out var batch))
        {
            if (batch.MaxTimestamp > _maxTimestamp)
            {
                _maxTimestamp = batch.MaxTimestamp;
                _offsetOfMaxTimestamp = batch.LastOffset;
            }

            next = batch.LastOffset + 1;
            position += batch.TotalSize;
        }

        if (end == 0)
        {
            _rollingBasedTimestamp = -1;
        }

        Volatile.Write(ref _nextOffset, next);
        _bytesSinceLastIndexEntry = (int)Math.Min(int.MaxValue, end - (_offsetIndex.Last?.Value ?? 0));
        MakeActive(config);
    }
}
