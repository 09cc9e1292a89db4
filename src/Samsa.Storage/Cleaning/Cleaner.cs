using System.Diagnostics;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;
using Samsa.Storage.Segments;

namespace Samsa.Storage.Cleaning;

/// <summary>
/// Cleans one log at a time (one per cleaner thread; it owns a key map and buffers). A cleaning:
/// <list type="number">
/// <item>builds the key → latest offset map over the dirty section, skipping aborted transactions, until the
/// map is full or the section ends (that point is the end offset);</item>
/// <item>finds each producer's last batch in the log (an emptied batch of it is kept, so the producer's
/// sequence state survives);</item>
/// <item>rewrites every segment below the end offset, in groups that fit a segment, keeping for each key only
/// its latest record, dropping aborted data, expired tombstones and markers; offsets are preserved. A batch
/// that keeps all its records is copied as it is; one that loses some is re-encoded with its own codec and
/// header fields; one that must start its delete horizon gets it (KIP-534);</item>
/// <item>swaps each group in through <c>.cleaned</c> → <c>.swap</c> → live, and finally moves the cleaner
/// checkpoint to the end offset.</item>
/// </list>
/// </summary>
internal sealed class Cleaner : IDisposable
{
    private readonly LogCleanerOptions _options;
    private readonly RecordBatchReader _reader = new();
    private readonly RecordBatchBuilder _builder = new();
    private readonly PooledBufferWriter _output = new();
    private readonly List<AbortedTransaction> _aborted = [];
    private readonly Dictionary<long, long> _lastBatchOfProducer = [];
    private readonly List<bool> _retain = [];
    private OffsetMap? _map;
    private long _throttleStart;
    private long _throttleBytes;

    public Cleaner(LogCleanerOptions options) => _options = options;

    /// <summary>
    /// Cleans <paramref name="log"/>'s <paramref name="range"/>. Returns null when there was nothing to do or the
    /// log changed under the cleaning (retention, truncation): nothing is lost, the next cleaning starts again.
    /// </summary>
    /// <exception cref="OperationCanceledException">The cleaner stops or the log's cleaning was aborted.</exception>
    public CleanerStats? Clean(PartitionLog log, CleanableRange range, CancellationToken cancel)
    {
        try
        {
            return CleanLog(log, range, cancel);
        }
        catch (SegmentGoneException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _builder.Dispose();
        _output.Dispose();
    }

    private CleanerStats? CleanLog(PartitionLog log, CleanableRange range, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var firstDirty = range.FirstDirtyOffset;
        var upper = range.FirstUncleanableOffset;
        var segments = log.Segments;
        if (segments.Length < 2 || segments[0].BaseOffset >= Math.Max(upper, firstDirty))
        {
            // Nothing below the active segment; an empty dirty section still cleans the clean one (tombstones due).
            return null;
        }

        var config = log.Config;
        var now = log.NowMilliseconds;
        var counters = default(Counters);
        _throttleStart = Stopwatch.GetTimestamp();
        _throttleBytes = 0;
        _aborted.Clear();
        _options.AbortedTransactions.CollectAbortedTransactions(log, segments[0].BaseOffset, upper, _aborted);
        _aborted.Sort((a, b) => a.FirstOffset.CompareTo(b.FirstOffset));
        _lastBatchOfProducer.Clear();

        var map = _map ??= new OffsetMap(_options.DedupeBufferPerThread, _options.DedupeBufferLoadFactor);
        map.Clear();
        var (endOffset, mappedFrom, mappedTo) = BuildOffsetMap(log, segments, firstDirty, upper, map, ref counters, cancel);
        if (endOffset <= firstDirty && upper > firstDirty)
        {
            if (!map.IsFull)
            {
                return null;
            }

            throw new InvalidDataException(
                $"the key map ({map.MaxEntries} keys in log.cleaner.dedupe.buffer.size) cannot hold the keys of one batch at offset {firstDirty}");
        }

        CollectLastBatches(log, mappedFrom, mappedTo);
        var tracker = new TransactionTracker(_aborted, segments[0].BaseOffset);
        var horizon = new DeleteHorizon(now, config.DeleteRetentionMs);
        var cleaned = 0;
        foreach (var group in GroupSegments(segments, endOffset, config))
        {
            if (!CleanGroup(log, group, map, tracker, ref horizon, ref counters, config, cancel))
            {
                return null;
            }

            cleaned += group.Length;
        }

        log.Cleaning.CheckpointOffset = endOffset;
        log.Cleaning.LatestDeleteHorizon = horizon.Latest;
        var duration = Stopwatch.GetElapsedTime(started);
        return new CleanerStats(
            log.TopicPartition, firstDirty, endOffset, counters.MapBytesRead + counters.BytesRead, counters.BytesWritten,
            counters.RecordsRead, counters.RecordsRemoved, cleaned, duration)
        {
            BytesCleaned = counters.BytesRead,
        };
    }

    /// <summary>
    /// Groups the segments below <paramref name="endOffset"/> (from the first) so that each group's cleaned
    /// output fits one segment: total size within <c>segment.bytes</c>, index entries within
    /// <c>segment.index.bytes</c>, offsets within the int32 range relative to the group's base.
    /// </summary>
    internal static List<LogSegment[]> GroupSegments(LogSegment[] segments, long endOffset, LogConfig config)
    {
        var groups = new List<LogSegment[]>();
        var maxIndexEntries = config.SegmentIndexBytes / 8;
        var i = 0;
        while (i < segments.Length - 1 && segments[i].BaseOffset < endOffset)
        {
            var start = i;
            long size = segments[i].Size;
            long entries = segments[i].OffsetIndexEntries;
            i++;
            while (i < segments.Length - 1 && segments[i].BaseOffset < endOffset)
            {
                var lastOffset = segments[i + 1].BaseOffset - 1;
                if (size + segments[i].Size > config.SegmentBytes
                    || entries + segments[i].OffsetIndexEntries > maxIndexEntries
                    || lastOffset - segments[start].BaseOffset > int.MaxValue)
                {
                    break;
                }

                size += segments[i].Size;
                entries += segments[i].OffsetIndexEntries;
                i++;
            }

            groups.Add(segments[start..i]);
        }

        return groups;
    }

    private static void Acquire(LogSegment segment)
    {
        if (!segment.TryAcquire())
        {
            // Closed under us: retention or truncation removed it. The log changed; start again next time.
            throw new SegmentGoneException();
        }
    }

    private static void CheckAbort(PartitionLog log, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        if (log.Cleaning.AbortRequested || log.IsClosed || log.IsOffline)
        {
            throw new OperationCanceledException($"the cleaning of {log.TopicPartition} was aborted");
        }
    }

    private static ControlRecordType? ReadControlType(RecordEnumerator records) =>
        records.MoveNext() ? ControlRecordKey.ReadType(records.Current.Key) : null;

    /// <summary>
    /// Fills the map from the dirty section. Returns the end offset (what the map covers) and the offsets
    /// whose batches were all read (their producers' last batches are already known).
    /// </summary>
    private (long EndOffset, long MappedFrom, long MappedTo) BuildOffsetMap(
        PartitionLog log, LogSegment[] segments, long firstDirty, long upper, OffsetMap map, ref Counters counters, CancellationToken cancel)
    {
        var start = 0;
        while (start + 1 < segments.Length - 1 && segments[start + 1].BaseOffset <= firstDirty)
        {
            start++;
        }

        var tracker = new TransactionTracker(_aborted, segments[start].BaseOffset);
        var stoppedEarly = false;
        map.LatestOffset = firstDirty - 1;
        var i = start;
        for (; i < segments.Length - 1 && segments[i].BaseOffset < upper && !stoppedEarly; i++)
        {
            var segment = segments[i];
            Acquire(segment);
            var scanner = new SegmentBatchScanner(segment.Handle, 0, segment.Size, _options.IoBufferPerThread);
            try
            {
                while (scanner.MoveNext())
                {
                    CheckAbort(log, cancel);
                    var bytes = scanner.Current;
                    var header = RecordBatchHeader.Read(bytes);
                    if (header.LastOffset >= upper)
                    {
                        stoppedEarly = true;
                        break;
                    }

                    counters.MapBytesRead += bytes.Length;
                    Throttle(bytes.Length, cancel);
                    if (header.ProducerId >= 0)
                    {
                        _lastBatchOfProducer[header.ProducerId] = header.LastOffset;
                    }

                    if (header.IsControl)
                    {
                        tracker.OnControlBatch(header, ReadControlType(_reader.Read(bytes)));
                    }
                    else if (!tracker.OnDataBatch(header) && header.LastOffset >= firstDirty && !AddKeys(bytes, firstDirty, map))
                    {
                        stoppedEarly = true;
                        break;
                    }

                    if (header.LastOffset >= firstDirty)
                    {
                        map.LatestOffset = header.LastOffset;
                    }
                }
            }
            finally
            {
                scanner.Dispose();
                segment.Handle.DangerousRelease();
            }
        }

        if (!stoppedEarly)
        {
            // Everything below the upper bound was read: the map speaks for all of it.
            map.LatestOffset = Math.Max(map.LatestOffset, upper - 1);
        }

        // The segment where the scan stopped was read only in part.
        var mappedTo = stoppedEarly ? segments[i - 1].BaseOffset : (i < segments.Length ? segments[i].BaseOffset : upper);
        return (map.LatestOffset + 1, segments[start].BaseOffset, mappedTo);
    }

    /// <summary>Puts the batch's keyed records at or after <paramref name="firstDirty"/> in the map; false when the map filled up.</summary>
    private bool AddKeys(ReadOnlySpan<byte> batch, long firstDirty, OffsetMap map)
    {
        var records = _reader.Read(batch);
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.Key.IsNull || record.Offset < firstDirty)
            {
                continue;
            }

            if (map.IsFull)
            {
                return false;
            }

            map.Put(record.Key.Span, record.Offset);
        }

        return true;
    }

    /// <summary>Each producer's last batch in the whole log: the segments the map scan did not read whole, by their headers.</summary>
    private void CollectLastBatches(PartitionLog log, long mappedFrom, long mappedTo)
    {
        foreach (var segment in log.Segments)
        {
            if (segment.BaseOffset >= mappedFrom && segment.BaseOffset < mappedTo)
            {
                continue;
            }

            Acquire(segment);
            var reader = new BatchHeaderReader(segment.Handle);
            try
            {
                var end = segment.Size;
                for (long position = 0; reader.TryRead(position, end, out var header); position += header.TotalSize)
                {
                    if (header.ProducerId >= 0
                        && (!_lastBatchOfProducer.TryGetValue(header.ProducerId, out var last) || last < header.LastOffset))
                    {
                        _lastBatchOfProducer[header.ProducerId] = header.LastOffset;
                    }
                }
            }
            finally
            {
                reader.Dispose();
                segment.Handle.DangerousRelease();
            }
        }
    }

    /// <summary>Writes the cleaned version of one group and swaps it in; false if the log changed meanwhile.</summary>
    private bool CleanGroup(
        PartitionLog log,
        LogSegment[] group,
        OffsetMap map,
        TransactionTracker tracker,
        ref DeleteHorizon horizon,
        ref Counters counters,
        LogConfig config,
        CancellationToken cancel)
    {
        var sizes = new long[group.Length];
        var acquired = 0;
        LogSegment? cleaned = null;
        try
        {
            long lastModified = 0;
            foreach (var segment in group)
            {
                Acquire(segment);
                sizes[acquired++] = segment.Size;
                lastModified = Math.Max(lastModified, segment.LastModifiedMs);
            }

            cleaned = LogSegment.CreateCleaned(log.DirectoryPath, group[0].BaseOffset, config, horizon.Now);
            _output.Clear();
            for (var i = 0; i < group.Length; i++)
            {
                var scanner = new SegmentBatchScanner(group[i].Handle, 0, sizes[i], _options.IoBufferPerThread);
                try
                {
                    while (scanner.MoveNext())
                    {
                        CheckAbort(log, cancel);
                        var bytes = scanner.Current;
                        counters.BytesRead += bytes.Length;
                        Throttle(bytes.Length, cancel);
                        FilterBatch(bytes, map, tracker, ref horizon, ref counters);
                        if (_output.WrittenCount >= _options.IoBufferPerThread)
                        {
                            WriteOutput(cleaned, config, ref counters);
                        }
                    }
                }
                finally
                {
                    scanner.Dispose();
                }
            }

            WriteOutput(cleaned, config, ref counters);
            cleaned.Flush();
            cleaned.MakeInactive();
            cleaned.LastModifiedMs = lastModified;
            if (!log.ReplaceSegments(group, sizes, cleaned))
            {
                return false;
            }

            cleaned = null;
            return true;
        }
        catch (SegmentGoneException)
        {
            return false;
        }
        finally
        {
            cleaned?.DeleteFiles();
            for (var i = 0; i < acquired; i++)
            {
                group[i].Handle.DangerousRelease();
            }
        }
    }

    private void WriteOutput(LogSegment cleaned, LogConfig config, ref Counters counters)
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }

        cleaned.Append(_output.WrittenSpan, config);
        counters.BytesWritten += _output.WrittenCount;
        Throttle(_output.WrittenCount, CancellationToken.None);
        _output.Clear();
    }

    /// <summary>Kafka's record filter for one batch: what to keep, and whether to copy, re-encode, empty or drop it.</summary>
    private void FilterBatch(ReadOnlySpan<byte> bytes, OffsetMap map, TransactionTracker tracker, ref DeleteHorizon horizon, ref Counters counters)
    {
        var records = _reader.Read(bytes, out var header);
        var replay = records;
        counters.RecordsRead += header.RecordsCount;
        var canDiscard = header.IsControl ? tracker.OnControlBatch(header, ReadControlType(records)) : tracker.OnDataBatch(header);
        var horizonPassed = header.HasDeleteHorizon && header.BaseTimestamp <= horizon.Now;
        var discardRecords = header.IsControl ? canDiscard && horizonPassed : canDiscard;
        var isLastOfProducer = header.ProducerId >= 0
            && _lastBatchOfProducer.TryGetValue(header.ProducerId, out var last) && last == header.LastOffset;
        if (discardRecords && !isLastOfProducer)
        {
            counters.RecordsRemoved += header.RecordsCount;
            return;
        }

        int retained = 0, total = 0;
        var containsTombstones = false;
        _retain.Clear();
        records = replay;
        while (records.MoveNext())
        {
            total++;
            var keep = ShouldRetain(records.Current, header, discardRecords, map, horizon.Now);
            _retain.Add(keep);
            if (keep)
            {
                retained++;
                containsTombstones |= records.Current.Value.IsNull;
            }
        }

        counters.RecordsRemoved += total - retained;
        var needsHorizon = (containsTombstones || (canDiscard && header.IsControl)) && !header.HasDeleteHorizon;
        if (retained == total && total > 0 && !needsHorizon)
        {
            _output.Write(bytes);
            horizon.Observe(header.HasDeleteHorizon ? header.BaseTimestamp : -1);
            return;
        }

        if (retained == 0)
        {
            if (isLastOfProducer)
            {
                RecordBatchBuilder.WriteEmptyBatch(_output, OptionsOf(header, deleteHorizon: null), header.LastOffset, header.MaxTimestamp);
            }

            return;
        }

        long? deleteHorizon = needsHorizon ? horizon.New : header.HasDeleteHorizon ? header.BaseTimestamp : null;
        horizon.Observe(deleteHorizon ?? -1);
        _builder.Reset(OptionsOf(header, deleteHorizon));
        records = replay;
        for (var i = 0; records.MoveNext(); i++)
        {
            if (_retain[i])
            {
                var record = records.Current;
                _builder.AppendWithOffset(record.Offset, record.Timestamp, record.Key, record.Value, record.Headers);
            }
        }

        _builder.WriteTo(_output);
    }

    private static RecordBatchOptions OptionsOf(in RecordBatchHeader header, long? deleteHorizon) => new()
    {
        BaseOffset = header.BaseOffset,
        LastOffset = header.LastOffset,
        PartitionLeaderEpoch = header.PartitionLeaderEpoch,
        Compression = header.Compression,
        TimestampType = header.IsLogAppendTime ? Protocol.Records.TimestampType.LogAppendTime : Protocol.Records.TimestampType.CreateTime,
        LogAppendTime = header.IsLogAppendTime ? header.MaxTimestamp : -1,
        IsTransactional = header.IsTransactional,
        IsControl = header.IsControl,
        ProducerId = header.ProducerId,
        ProducerEpoch = header.ProducerEpoch,
        BaseSequence = header.BaseSequence,
        DeleteHorizonMs = deleteHorizon,
    };

    /// <summary>
    /// A record stays when it is its key's latest (or past what the map covers), and, if a tombstone, while its
    /// batch's delete horizon has not passed. Records without a key cannot be compacted and go, as in Kafka.
    /// </summary>
    private static bool ShouldRetain(RecordView record, in RecordBatchHeader header, bool discardRecords, OffsetMap map, long now)
    {
        if (discardRecords)
        {
            return false;
        }

        if (header.IsControl || record.Offset > map.LatestOffset)
        {
            return true;
        }

        if (record.Key.IsNull || record.Offset < map.Get(record.Key.Span))
        {
            return false;
        }

        return !record.Value.IsNull || !header.HasDeleteHorizon || now < header.BaseTimestamp;
    }

    /// <summary><c>log.cleaner.io.max.bytes.per.second</c>: sleeps while this cleaning is ahead of the rate.</summary>
    private void Throttle(int bytes, CancellationToken cancel)
    {
        if (_options.IoMaxBytesPerSecond >= double.MaxValue / 2)
        {
            return;
        }

        _throttleBytes += bytes;
        var due = TimeSpan.FromSeconds(_throttleBytes / _options.IoMaxBytesPerSecond);
        var ahead = due - Stopwatch.GetElapsedTime(_throttleStart);
        if (ahead > TimeSpan.FromMilliseconds(10))
        {
            cancel.WaitHandle.WaitOne(ahead);
        }
    }

    /// <summary>The delete horizon of this cleaning and the latest one left in the log.</summary>
    private struct DeleteHorizon(long now, long deleteRetentionMs)
    {
        public readonly long Now = now;

        public readonly long New = deleteRetentionMs > long.MaxValue - now ? long.MaxValue : now + deleteRetentionMs;

        public long Latest { get; private set; } = -1;

        public void Observe(long horizon)
        {
            if (horizon > Latest)
            {
                Latest = horizon;
            }
        }
    }

    private struct Counters
    {
        public long MapBytesRead;
        public long BytesRead;
        public long BytesWritten;
        public long RecordsRead;
        public long RecordsRemoved;
    }

    /// <summary>A segment was closed while the cleaner wanted to read it.</summary>
    private sealed class SegmentGoneException : Exception
    {
    }
}
