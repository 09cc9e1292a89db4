namespace Samsa.Storage.Tests;

public sealed class RetentionTests : IDisposable
{
    private static readonly TopicPartition Tp = new("events", 0);
    private readonly TempDir _dir = new();
    private readonly ManualTime _time = new(1_700_000_000_000);

    public void Dispose() => _dir.Dispose();

    private PartitionLog Open(LogConfig config) =>
        PartitionLog.Open(_dir.Sub(Tp.DirectoryName), Tp, config, new PartitionLogOptions { Time = _time });

    /// <summary>Five segments of four 300-byte batches each; batch i has timestamp start + i seconds.</summary>
    private PartitionLog FiveSegments(LogConfig config, long start)
    {
        var log = Open(config with { SegmentBytes = 4 * 361, MessageTimestampBeforeMaxMs = long.MaxValue });
        for (var i = 0; i < 20; i++)
        {
            log.AppendAsLeader(TestBatches.Create(2, 300, start + (i * 1000)), 0);
        }

        Assert.Equal(5, log.SegmentCount);
        log.UpdateHighWatermark(log.LogEndOffset);
        return log;
    }

    [Fact]
    public void Retention_ms_deletes_segments_by_their_max_timestamp()
    {
        using var log = FiveSegments(LogConfig.Default with { RetentionMs = 10_000 }, _time.NowMs - 20_000);

        // Segment k's max timestamp is now - 20s + (4k + 3)s: segments 0 and 1 are older than 10 s.
        Assert.Equal(2, log.DeleteOldSegments());
        Assert.Equal(16L, log.LogStartOffset);
        Assert.Equal([16L, 24L, 32L], log.SegmentBaseOffsets);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(15, 100));
    }

    [Fact]
    public void Retention_never_passes_the_high_watermark()
    {
        using var log = FiveSegments(LogConfig.Default with { RetentionMs = 10_000 }, _time.NowMs - 20_000);
        log.UpdateHighWatermark(10);
        Assert.Equal(1, log.DeleteOldSegments());
        Assert.Equal(8L, log.LogStartOffset);
    }

    [Fact]
    public void An_expired_active_segment_goes_too_and_a_new_one_starts_at_the_end()
    {
        using var log = FiveSegments(LogConfig.Default with { RetentionMs = 1000 }, _time.NowMs - 100_000);
        Assert.Equal(5, log.DeleteOldSegments());
        Assert.Equal([40L], log.SegmentBaseOffsets);
        Assert.Equal((40L, 40L), (log.LogStartOffset, log.LogEndOffset));
        Assert.Equal(0, log.DeleteOldSegments());
        Assert.Equal(40L, log.AppendAsLeader(TestBatches.Create(1, 10, _time.NowMs), 0).FirstOffset);
    }

    [Fact]
    public void Retention_bytes_keeps_the_log_under_the_limit()
    {
        using var log = FiveSegments(LogConfig.Default with { RetentionBytes = (2 * 4 * 361) + 100 }, _time.NowMs);
        Assert.Equal(2, log.DeleteOldSegments());
        Assert.Equal(3 * 4 * 361, log.Size);
    }

    [Fact]
    public void Delete_records_moves_the_start_and_retention_removes_whole_segments_below_it()
    {
        using var log = FiveSegments(LogConfig.Default, _time.NowMs);
        Assert.Equal(19L, log.IncreaseLogStartOffset(19));
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(18, 100));
        using (var r = log.Read(19, 1000))
        {
            Assert.Equal(18L, r.Info.FirstOffset);
        }

        Assert.Throws<OffsetOutOfRangeException>(() => log.IncreaseLogStartOffset(41));
        Assert.Equal(new TimestampAndOffset(-1, 19, 0), log.FetchOffsetByTimestamp(ListOffsetsTimestamp.Earliest));
        Assert.Equal(2, log.DeleteOldSegments());
        Assert.Equal([16L, 24L, 32L], log.SegmentBaseOffsets);
        Assert.Equal(19L, log.LogStartOffset);
    }

    [Fact]
    public void Deleted_segments_wait_for_the_file_delete_delay()
    {
        using var log = FiveSegments(LogConfig.Default with { RetentionBytes = 0, FileDeleteDelayMs = 60_000 }, _time.NowMs);
        Assert.Equal(5, log.DeleteOldSegments());
        var dir = _dir.Sub(Tp.DirectoryName);
        Assert.Equal(15, Directory.GetFiles(dir, "*.deleted").Length);
        _time.Advance(60_001);
        log.RunPendingDeletions();
        Assert.Empty(Directory.GetFiles(dir, "*.deleted"));
    }

    [Fact]
    public void Compact_only_topics_are_not_deleted_by_time()
    {
        using var log = FiveSegments(LogConfig.Default with { RetentionMs = 1, CleanupPolicy = CleanupPolicy.Compact }, _time.NowMs - 100_000);
        Assert.Equal(0, log.DeleteOldSegments());
    }
}
