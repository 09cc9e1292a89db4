using System.Buffers.Binary;
using Samsa.Protocol.Records;
using Samsa.Storage.Files;

namespace Samsa.Storage.Tests;

public sealed class PartitionLogTests : IDisposable
{
    private static readonly TopicPartition Tp = new("orders", 3);
    private readonly TempDir _dir = new();
    private readonly ManualTime _time = new(1_700_000_100_000);

    private string LogPath => _dir.Sub(Tp.DirectoryName);

    public void Dispose() => _dir.Dispose();

    private PartitionLog Open(LogConfig? config = null, bool clean = true, long recoveryPoint = 0, long logStart = 0) =>
        PartitionLog.Open(LogPath, Tp, config ?? LogConfig.Default, new PartitionLogOptions
        {
            HadCleanShutdown = clean,
            RecoveryPoint = recoveryPoint,
            LogStartOffset = logStart,
            Time = _time,
        });

    private byte[] Batch(int records = 3, int payload = 200, long? timestamp = null) =>
        TestBatches.Create(records, payload, timestamp ?? _time.NowMs);

    [Fact]
    public void Leader_append_assigns_offsets_and_epoch_in_the_header()
    {
        using var log = Open();
        var first = Batch(records: 5);
        var second = Batch(records: 2);
        var a = log.AppendAsLeader(first, leaderEpoch: 7);
        var b = log.AppendAsLeader(second, leaderEpoch: 7);

        Assert.Equal((0L, 4L), (a.FirstOffset, a.LastOffset));
        Assert.Equal((5L, 6L), (b.FirstOffset, b.LastOffset));
        Assert.Equal(7L, log.LogEndOffset);
        var stored = TestBatches.Split(log.ReadAllBytes(0));
        Assert.Equal(2, stored.Count);
        Assert.Equal(5L, stored[1].Header.BaseOffset);
        Assert.Equal(7, stored[1].Header.PartitionLeaderEpoch);
        Assert.True(RecordBatchHeader.IsCrcValid(stored[1].Bytes));
        Assert.Equal(second, stored[1].Bytes);
    }

    [Fact]
    public void Log_append_time_topics_stamp_the_batch_and_rechecksum()
    {
        using var log = Open(LogConfig.Default with { MessageTimestampType = TimestampType.LogAppendTime });
        var info = log.AppendAsLeader(Batch(timestamp: 5), 0);

        Assert.Equal(_time.NowMs, info.LogAppendTime);
        var header = RecordBatchHeader.Read(log.ReadAllBytes(0));
        Assert.True(header.IsLogAppendTime);
        Assert.Equal(_time.NowMs, header.MaxTimestamp);
    }

    [Fact]
    public void Files_use_kafkas_names_and_layout()
    {
        var config = LogConfig.Default with { SegmentBytes = 2000, IndexIntervalBytes = 100, SegmentIndexBytes = 4096 };
        using (var log = Open(config))
        {
            for (var i = 0; i < 20; i++)
            {
                log.AppendAsLeader(Batch(records: 2, payload: 300), 1);
            }

            Assert.True(log.SegmentCount > 2);
            Assert.Equal(4096, new FileInfo(Path.Combine(LogPath, $"{log.SegmentBaseOffsets[^1]:D20}.index")).Length);
        }

        var files = Directory.GetFiles(LogPath).Select(Path.GetFileName).ToHashSet();
        Assert.Contains("00000000000000000000.log", files);
        Assert.Contains("00000000000000000000.index", files);
        Assert.Contains("00000000000000000000.timeindex", files);
        Assert.Contains("leader-epoch-checkpoint", files);
        Assert.Equal("0\n1\n1 0\n", File.ReadAllText(Path.Combine(LogPath, "leader-epoch-checkpoint")));

        // Rolled (and closed) segments have their indexes trimmed to whole entries.
        var index = new FileInfo(Path.Combine(LogPath, "00000000000000000000.index"));
        Assert.True(index.Length > 0 && index.Length % 8 == 0 && index.Length < 4096);
        var entry = File.ReadAllBytes(index.FullName);
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(entry) >= 0);
        Assert.Equal(0, new FileInfo(Path.Combine(LogPath, "00000000000000000000.timeindex")).Length % 12);
    }

    [Fact]
    public void Read_starts_at_the_batch_holding_the_offset_and_stops_at_whole_batches()
    {
        var config = LogConfig.Default with { IndexIntervalBytes = 1 };
        using var log = Open(config);
        var sizes = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            var batch = Batch(records: 4, payload: 100 + i);
            sizes.Add(batch.Length);
            log.AppendAsLeader(batch, 0);
        }

        using var mid = log.Read(41, sizes[10] + sizes[11] + 5, long.MaxValue, minOneBatch: false);
        Assert.Equal(40L, mid.Info.FirstOffset);
        Assert.Equal(48L, mid.Info.NextOffset);
        Assert.Equal(2, mid.Info.BatchCount);
        Assert.Equal(sizes[10] + sizes[11], mid.Info.Bytes);

        using var bounded = log.Read(0, int.MaxValue, maxOffsetExclusive: 12, minOneBatch: true);
        Assert.Equal(3, bounded.Info.BatchCount);

        using var tooSmall = log.Read(0, 10, long.MaxValue, minOneBatch: false);
        Assert.True(tooSmall.Info.IsEmpty);
        using var atLeastOne = log.Read(0, 10, long.MaxValue, minOneBatch: true);
        Assert.Equal(1, atLeastOne.Info.BatchCount);

        using var atEnd = log.Read(80, 1000);
        Assert.True(atEnd.Info.IsEmpty);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(81, 1000));
    }

    [Fact]
    public void Reads_span_segments_and_copy_into_a_buffer()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 1000 });
        var all = new List<byte>();
        for (var i = 0; i < 12; i++)
        {
            var batch = Batch(records: 1, payload: 250);
            log.AppendAsLeader(batch, 0);
            all.AddRange(batch);
        }

        Assert.True(log.SegmentCount >= 4);
        using (var result = log.Read(0, int.MaxValue))
        {
            Assert.True(result.Ranges.Count >= 4);
            Assert.Equal(all.ToArray(), result.ToArray());
        }

        var buffer = new byte[all.Count];
        var copied = log.ReadInto(0, buffer, long.MaxValue, out var info);
        Assert.Equal(all.Count, copied);
        Assert.Equal(12, info.BatchCount);
        Assert.Equal(all.ToArray(), buffer);
    }

    [Fact]
    public void A_corrupt_or_oversized_batch_is_rejected_and_nothing_is_written()
    {
        using var log = Open(LogConfig.Default with { MaxMessageBytes = 1000 });
        var bad = Batch();
        bad[^1] ^= 1;
        Assert.Throws<CorruptRecordException>(() => log.AppendAsLeader(bad, 0));
        Assert.Throws<CorruptRecordException>(() => log.AppendAsLeader(Batch().AsSpan(0, 70).ToArray(), 0));
        Assert.Throws<RecordBatchTooLargeException>(() => log.AppendAsLeader(Batch(payload: 2000), 0));
        Assert.Throws<InvalidTimestampException>(() => log.AppendAsLeader(Batch(timestamp: _time.NowMs + (2 * 3600 * 1000)), 0));
        var inconsistent = Batch(records: 3);
        BinaryPrimitives.WriteInt32BigEndian(inconsistent.AsSpan(RecordBatchHeader.RecordsCountOffset), 2);
        RecordBatchHeader.WriteCrc(inconsistent);
        Assert.Equal(87, Assert.Throws<InvalidRecordException>(() => log.AppendAsLeader(inconsistent, 0)).ErrorCode);

        // The protocol library's validator decides: an old message format is INVALID_RECORD, as Kafka 4
        // answers; a batch followed by a fragment of another is corrupt.
        var legacy = Batch();
        legacy[RecordBatchHeader.MagicOffset] = 1;
        Assert.Throws<InvalidRecordException>(() => log.AppendAsLeader(legacy, 0));
        Assert.Throws<CorruptRecordException>(() => log.AppendAsLeader([.. Batch(), .. Batch().AsSpan(0, 30)], 0));
        Assert.Equal(0L, log.LogEndOffset);
        Assert.Equal(0L, log.Size);
    }

    [Fact]
    public void Follower_append_keeps_offsets_and_rejects_going_backwards()
    {
        using var log = Open();
        var batch = TestBatches.Create(3, 100, _time.NowMs, baseOffset: 10, epoch: 4);
        var info = log.AppendAsFollower(batch);
        Assert.Equal((10L, 12L), (info.FirstOffset, info.LastOffset));
        Assert.Equal(13L, log.LogEndOffset);
        Assert.Equal(4, log.LeaderEpochCache.LatestEpoch);

        var stale = TestBatches.Create(1, 100, _time.NowMs, baseOffset: 12, epoch: 4);
        Assert.Throws<UnexpectedAppendOffsetException>(() => log.AppendAsFollower(stale));
        var twoOutOfOrder = TestBatches.Create(1, 50, _time.NowMs, baseOffset: 20).Concat(TestBatches.Create(1, 50, _time.NowMs, baseOffset: 15)).ToArray();
        Assert.Throws<UnexpectedAppendOffsetException>(() => log.AppendAsFollower(twoOutOfOrder));
        Assert.Equal(13L, log.LogEndOffset);
    }

    [Fact]
    public void Clean_reopen_restores_offsets_indexes_and_timestamps()
    {
        var config = LogConfig.Default with { SegmentBytes = 3000, IndexIntervalBytes = 200 };
        byte[] before;
        long maxTs;
        using (var log = Open(config))
        {
            for (var i = 0; i < 30; i++)
            {
                log.AppendAsLeader(Batch(records: 2, payload: 150, timestamp: _time.NowMs - 1000 + i), 2);
            }

            before = log.ReadAllBytes(0);
            maxTs = log.FetchOffsetByTimestamp(ListOffsetsTimestamp.MaxTimestamp)!.Value.Timestamp;
        }

        using var reopened = Open(config, clean: true);
        Assert.Equal(60L, reopened.LogEndOffset);
        Assert.Equal(before, reopened.ReadAllBytes(0));
        Assert.Equal(maxTs, reopened.FetchOffsetByTimestamp(ListOffsetsTimestamp.MaxTimestamp)!.Value.Timestamp);
        Assert.Equal(62L, reopened.AppendAsLeader(Batch(), 2).FirstOffset + 2);
    }

    [Fact]
    public void Missing_or_garbage_index_files_are_rebuilt()
    {
        var config = LogConfig.Default with { SegmentBytes = 3000, IndexIntervalBytes = 100 };
        byte[] before;
        using (var log = Open(config))
        {
            for (var i = 0; i < 30; i++)
            {
                log.AppendAsLeader(Batch(records: 2, payload: 150), 0);
            }

            before = log.ReadAllBytes(0);
        }

        File.Delete(Path.Combine(LogPath, "00000000000000000000.index"));
        var garbage = Path.Combine(LogPath, "00000000000000000000.timeindex");
        File.WriteAllBytes(garbage, Enumerable.Repeat((byte)0x7F, 36).ToArray());

        using var reopened = Open(config, clean: true);
        Assert.Equal(before, reopened.ReadAllBytes(0));
        for (long offset = 0; offset < 60; offset += 7)
        {
            using var r = reopened.Read(offset, 1);
            Assert.InRange(offset - r.Info.FirstOffset, 0, 1);
        }

        Assert.True(new FileInfo(Path.Combine(LogPath, "00000000000000000000.index")).Length > 0);
    }

    [Fact]
    public void Timestamp_lookup_follows_list_offsets()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 1500, IndexIntervalBytes = 100 });
        var t0 = _time.NowMs - 100_000;
        for (var i = 0; i < 20; i++)
        {
            // Batch i holds offsets 2i, 2i+1 and max timestamp t0 + 10i, except a late one at i = 5.
            log.AppendAsLeader(Batch(records: 2, payload: 200, timestamp: i == 5 ? t0 + 1000 : t0 + (10 * i)), i / 10);
        }

        Assert.Equal(new TimestampAndOffset(-1, 0, 0), log.FetchOffsetByTimestamp(ListOffsetsTimestamp.Earliest));
        Assert.Equal(new TimestampAndOffset(-1, 40, 1), log.FetchOffsetByTimestamp(ListOffsetsTimestamp.Latest));
        Assert.Equal(new TimestampAndOffset(t0 + 1000, 10, 0), log.FetchOffsetByTimestamp(ListOffsetsTimestamp.MaxTimestamp));
        Assert.Equal(new TimestampAndOffset(t0, 0, 0), log.FetchOffsetByTimestamp(0));
        Assert.Equal(new TimestampAndOffset(t0 + 30, 6, 0), log.FetchOffsetByTimestamp(t0 + 25));
        Assert.Equal(new TimestampAndOffset(t0 + 1000, 10, 0), log.FetchOffsetByTimestamp(t0 + 51));
        Assert.Equal(new TimestampAndOffset(t0 + 1000, 10, 0), log.FetchOffsetByTimestamp(t0 + 1000));
        Assert.Null(log.FetchOffsetByTimestamp(t0 + 1001));
    }

    [Fact]
    public void Truncation_removes_whole_batches_and_later_segments()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 1200, IndexIntervalBytes = 100 });
        for (var i = 0; i < 20; i++)
        {
            log.AppendAsLeader(Batch(records: 3, payload: 200), i < 10 ? 1 : 2);
        }

        var segmentsBefore = log.SegmentCount;
        var expected = log.ReadAllBytes(0, maxOffset: 15);
        log.TruncateTo(16);
        Assert.Equal(15L, log.LogEndOffset);
        Assert.True(log.SegmentCount < segmentsBefore);
        Assert.Equal(expected, log.ReadAllBytes(0));
        Assert.Equal(1, log.LeaderEpochCache.LatestEpoch);
        Assert.Equal(15L, log.AppendAsLeader(Batch(), 3).FirstOffset);
        Assert.Equal((1, 15L), log.EndOffsetForEpoch(1));

        log.TruncateFullyAndStartAt(1000);
        Assert.Equal((1000L, 1000L), (log.LogStartOffset, log.LogEndOffset));
        Assert.Equal(1000L, log.AppendAsLeader(Batch(), 4).FirstOffset);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(0, 100));
    }

    [Fact]
    public void A_truncated_log_reopens_with_the_same_end()
    {
        var config = LogConfig.Default with { SegmentBytes = 1200, IndexIntervalBytes = 100 };
        using (var log = Open(config))
        {
            for (var i = 0; i < 20; i++)
            {
                log.AppendAsLeader(Batch(records: 3, payload: 200), 1);
            }

            log.TruncateTo(31);
            log.RunPendingDeletions();
        }

        using var reopened = Open(config);
        Assert.Equal(30L, reopened.LogEndOffset);
        Assert.Equal(10, TestBatches.Split(reopened.ReadAllBytes(0)).Count);
    }

    [Fact]
    public void Ranges_stay_readable_after_their_segment_is_deleted()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 1000, RetentionBytes = 0, FileDeleteDelayMs = 0 });
        for (var i = 0; i < 8; i++)
        {
            log.AppendAsLeader(Batch(records: 1, payload: 300), 0);
        }

        var ranges = new List<FileRange>();
        var info = log.Read(0, int.MaxValue, long.MaxValue, true, ranges);
        var expected = new byte[info.Bytes];
        log.ReadInto(0, expected, long.MaxValue, out _);

        log.UpdateHighWatermark(log.LogEndOffset);
        Assert.True(log.DeleteOldSegments() > 0);
        Assert.Empty(Directory.GetFiles(LogPath, "00000000000000000000.*"));
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(0, 100));

        var copy = new byte[info.Bytes];
        var at = 0;
        foreach (var range in ranges)
        {
            range.CopyTo(copy.AsSpan(at, range.Length));
            at += range.Length;
            range.Release();
        }

        Assert.Equal(expected, copy);
        foreach (var range in ranges)
        {
            Assert.True(range.Handle.IsClosed);
        }
    }

    [Fact]
    public void Segment_ms_rolls_an_old_segment_and_config_changes_apply_live()
    {
        using var log = Open();
        log.AppendAsLeader(Batch(), 0);
        _time.Advance(1000);
        log.AppendAsLeader(Batch(), 0);
        Assert.Equal(1, log.SegmentCount);

        log.UpdateConfig(LogConfig.Default with { SegmentMs = 500 });
        log.AppendAsLeader(Batch(), 0);
        Assert.Equal(2, log.SegmentCount);
        Assert.Equal(6L, log.SegmentBaseOffsets[1]);
    }

    [Fact]
    public void Flush_advances_the_recovery_point_and_flush_messages_triggers_it()
    {
        using var log = Open(LogConfig.Default with { FlushMessages = 10 });
        log.AppendAsLeader(Batch(records: 4), 0);
        Assert.Equal(0L, log.RecoveryPoint);
        log.AppendAsLeader(Batch(records: 6), 0);
        Assert.Equal(10L, log.RecoveryPoint);
        log.AppendAsLeader(Batch(records: 2), 0);
        log.Flush(11);
        Assert.Equal(11L, log.RecoveryPoint);
        Assert.Equal(1L, log.UnflushedMessages);
    }

    [Fact]
    public void Offset_overflow_of_the_relative_index_rolls_a_segment()
    {
        using var log = Open();
        log.AppendAsFollower(TestBatches.Create(1, 50, _time.NowMs, baseOffset: 0));
        log.AppendAsFollower(TestBatches.Create(1, 50, _time.NowMs, baseOffset: 3L + int.MaxValue));
        Assert.Equal([0L, 3L + int.MaxValue], log.SegmentBaseOffsets);
        Assert.Equal(4L + int.MaxValue, log.LogEndOffset);
    }

    [Fact]
    public async Task Concurrent_readers_never_see_a_partial_batch()
    {
        using var log = Open(LogConfig.Default with { SegmentBytes = 64 * 1024, IndexIntervalBytes = 512 });
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var checkedBatches = 0L;
            while (!stop.IsCancellationRequested || checkedBatches == 0)
            {
                var end = log.LogEndOffset;
                var bytes = log.ReadAllBytes(0, end);
                foreach (var (header, batch) in TestBatches.Split(bytes))
                {
                    Assert.True(RecordBatchHeader.IsCrcValid(batch));
                    Assert.True(header.LastOffset < end);
                    checkedBatches++;
                }
            }

            return checkedBatches;
        })).ToArray();

        for (var i = 0; i < 400; i++)
        {
            log.AppendAsLeader(Batch(records: 1 + (i % 4), payload: 50 + (i % 700)), 0);
        }

        await stop.CancelAsync();
        var counts = await Task.WhenAll(readers);
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void Preallocated_segments_hold_only_their_batches_after_close_and_crash()
    {
        var config = LogConfig.Default with { Preallocate = true, SegmentBytes = 64 * 1024 };
        byte[] before;
        using (var log = Open(config))
        {
            for (var i = 0; i < 100; i++)
            {
                log.AppendAsLeader(Batch(records: 2, payload: 1000), 0);
            }

            before = log.ReadAllBytes(0);
            log.Crash();
        }

        using (var recovered = Open(config, clean: false))
        {
            Assert.Equal(before, recovered.ReadAllBytes(0));
            Assert.Equal(200L, recovered.LogEndOffset);
        }

        var files = Directory.GetFiles(LogPath, "*.log");
        Assert.Equal(before.Length, files.Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public void A_damaged_index_entry_that_passes_the_start_check_is_not_trusted()
    {
        var config = LogConfig.Default with { SegmentBytes = 3000, IndexIntervalBytes = 100 };
        byte[] before;
        using (var log = Open(config))
        {
            for (var i = 0; i < 30; i++)
            {
                log.AppendAsLeader(Batch(records: 2, payload: 150), 0);
            }

            before = log.ReadAllBytes(0);
        }

        // Point the first segment's middle entries at a wrong (but in-range, increasing) position.
        var index = Path.Combine(LogPath, "00000000000000000000.index");
        var bytes = File.ReadAllBytes(index);
        Assert.True(bytes.Length >= 24);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12)) + 7);
        File.WriteAllBytes(index, bytes);

        using var reopened = Open(config);
        Assert.Equal(before, reopened.ReadAllBytes(0));
        for (long offset = 0; offset < 12; offset++)
        {
            using var r = reopened.Read(offset, 1);
            Assert.True(RecordBatchHeader.IsCrcValid(r.ToArray()));
            Assert.InRange(offset - r.Info.FirstOffset, 0, 1);
        }
    }
}
