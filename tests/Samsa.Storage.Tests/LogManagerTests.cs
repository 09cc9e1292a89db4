using Samsa.Storage.Checkpoints;

namespace Samsa.Storage.Tests;

public sealed class LogManagerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private LogManager Open(params string[] dirs) => LogManager.Open(new LogManagerOptions
    {
        LogDirs = dirs.Select(_dir.Sub).ToArray(),
        DefaultConfig = LogConfig.Default with { SegmentBytes = 4096, IndexIntervalBytes = 256 },
    });

    private static void Append(PartitionLog log, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            log.AppendAsLeader(TestBatches.Create(2, 300, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), 0);
        }
    }

    [Fact]
    public void New_partitions_go_to_the_log_dir_holding_the_fewest()
    {
        using var manager = Open("a", "b", "c");
        for (var p = 0; p < 6; p++)
        {
            manager.GetOrCreateLog(new TopicPartition("t", p));
        }

        Assert.All(manager.LogDirectories, d => Assert.Equal(2, d.PartitionCount));
        Assert.True(Directory.Exists(_dir.Sub("a/t-0")));
        Assert.True(Directory.Exists(_dir.Sub("b/t-1")));
        Assert.Same(manager.GetLog(new TopicPartition("t", 4)), manager.GetOrCreateLog(new TopicPartition("t", 4)));
    }

    [Fact]
    public void Clean_shutdown_writes_checkpoints_and_the_marker_and_reopens_without_recovery()
    {
        var tp = new TopicPartition("orders", 1);
        using (var manager = Open("a"))
        {
            var log = manager.GetOrCreateLog(tp);
            Append(log, 20);
            log.UpdateHighWatermark(log.LogEndOffset);
            log.IncreaseLogStartOffset(3);
        }

        Assert.True(File.Exists(_dir.Sub("a/.kafka_cleanshutdown")));
        Assert.Equal(40L, OffsetCheckpointFile.Read(_dir.Sub("a/recovery-point-offset-checkpoint"))[tp]);
        Assert.Equal(3L, OffsetCheckpointFile.Read(_dir.Sub("a/log-start-offset-checkpoint"))[tp]);

        using var reopened = Open("a");
        var again = reopened.GetLog(tp)!;
        Assert.Equal((3L, 40L, 40L), (again.LogStartOffset, again.LogEndOffset, again.RecoveryPoint));
        Assert.False(File.Exists(_dir.Sub("a/.kafka_cleanshutdown")));
    }

    [Fact]
    public void After_a_crash_logs_are_recovered_from_the_checkpointed_recovery_point()
    {
        var tp = new TopicPartition("orders", 0);
        var manager = Open("a", "b");
        var log = manager.GetOrCreateLog(tp);
        Append(log, 10);
        log.Flush();
        manager.Checkpoint();
        Append(log, 10);
        var bytes = log.ReadAllBytes(0);
        manager.Abandon();

        using var reopened = Open("a", "b");
        var recovered = reopened.GetLog(tp)!;
        Assert.Equal(20L, recovered.RecoveryPoint);
        Assert.Equal(40L, recovered.LogEndOffset);
        Assert.Equal(bytes, recovered.ReadAllBytes(0));
    }

    [Fact]
    public void Deleting_a_log_removes_its_directory()
    {
        using var manager = Open("a");
        var tp = new TopicPartition("gone", 0);
        Append(manager.GetOrCreateLog(tp), 3);
        Assert.True(manager.DeleteLog(tp));
        Assert.Null(manager.GetLog(tp));
        Assert.Empty(Directory.GetDirectories(_dir.Sub("a")));
    }

    [Fact]
    public void A_fetch_in_flight_still_reads_a_deleted_partition()
    {
        using var manager = Open("a");
        var tp = new TopicPartition("deleted-while-read", 0);
        var log = manager.GetOrCreateLog(tp);
        Append(log, 30);
        var expected = log.ReadAllBytes(0);
        var result = log.Read(0, int.MaxValue);

        Assert.True(manager.DeleteLog(tp));
        Assert.False(Directory.Exists(_dir.Sub("a/deleted-while-read-0")));
        Assert.Equal(expected, result.ToArray());
        result.Dispose();

        // The last holder closes each file; a background task that had a segment in hand (the cleaner's scan, a
        // scheduled flush) lets go moments after the delete, so the handles close soon rather than at once.
        Assert.True(
            SpinWait.SpinUntil(() => result.Ranges.All(r => r.Handle.IsClosed), TimeSpan.FromSeconds(10)),
            "a deleted partition's files stayed open after the last read was disposed");
    }

    [Fact]
    public void A_second_broker_on_the_same_log_dir_finds_it_offline()
    {
        using var first = Open("a");
        using var second = Open("a");
        Assert.False(second.LogDirectories[0].IsOnline);
        Assert.Throws<KafkaStorageException>(() => second.GetOrCreateLog(new TopicPartition("t", 0)));
    }

    [Fact]
    public async Task The_scheduler_applies_retention_in_the_background()
    {
        using var manager = LogManager.Open(new LogManagerOptions
        {
            LogDirs = [_dir.Sub("a")],
            DefaultConfig = LogConfig.Default with { SegmentBytes = 4096, RetentionBytes = 4096, FileDeleteDelayMs = 0 },
            RetentionCheckIntervalMs = 50,
            SchedulerTickMs = 20,
        });
        var log = manager.GetOrCreateLog(new TopicPartition("t", 0));
        Append(log, 40);
        log.UpdateHighWatermark(log.LogEndOffset);
        manager.Start();
        for (var i = 0; i < 500 && log.Size > 8192; i++)
        {
            await Task.Delay(20);
        }

        Assert.True(log.Size <= 8192, $"size is still {log.Size}");
        Assert.True(log.LogStartOffset > 0);
    }
}
