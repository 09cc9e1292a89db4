using System.Globalization;
using Samsa.Protocol.Records;
using Samsa.Storage.Cleaning;
using static Samsa.Storage.Tests.Cleaning.KeyedRecords;

namespace Samsa.Storage.Tests.Cleaning;

public sealed class CleanerTests : IDisposable
{
    private readonly CleanerFixture _fixture = new();

    private long Now => _fixture.Time.NowMs;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Keys_spread_over_many_segments_keep_only_their_latest_value_at_its_original_offset()
    {
        var log = _fixture.Log("spread", CleanerFixture.Compacted());
        var latest = new Dictionary<string, (long Offset, string Value)>();
        for (var round = 0; round < 8; round++)
        {
            for (var k = 0; k < 60; k++)
            {
                var key = $"key-{(k * 7 + round) % 60}";
                var value = $"value-{round}-{k}";
                var info = CleanerFixture.Append(log, Put(Now, key, value));
                latest[key] = (info.FirstOffset, value);
            }
        }

        var segmentsBefore = log.SegmentCount;
        var sizeBefore = log.Size;
        Assert.True(segmentsBefore > 10, $"only {segmentsBefore} segments");

        var stats = _fixture.Manager.Cleaner.CleanNow(log);

        Assert.NotNull(stats);
        Assert.True(stats.RecordsRemoved > 0);
        Assert.True(log.Size < sizeBefore / 2, $"{log.Size} bytes left of {sizeBefore}");

        // Groups are bounded by the segments' sizes before cleaning; the next cleaning merges the small ones.
        Assert.NotNull(_fixture.Manager.Cleaner.CleanNow(log));
        Assert.True(log.SegmentCount < segmentsBefore / 2, $"{log.SegmentCount} segments of {segmentsBefore}");
        var activeBase = log.SegmentBaseOffsets[^1];
        var records = Records(log);
        foreach (var (key, (offset, value)) in latest)
        {
            var kept = records.Where(r => r.Key == key).ToList();
            Assert.Equal(new StoredRecord(offset, key, value), kept[^1]);
            Assert.True(kept.Count(r => r.Offset < activeBase) <= 1, $"{key} is still in the cleaned part {kept.Count} times");
        }

        // Offsets keep their gaps: nothing is renumbered.
        Assert.Contains(records.Zip(records.Skip(1)), pair => pair.Second.Offset > pair.First.Offset + 1);
        Assert.Equal(480, log.LogEndOffset);
        Assert.Equal(log.SegmentBaseOffsets[^1], LogCleaner.CheckpointOf(log));
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Compressed_batches_that_lose_records_are_rewritten_with_their_codec_and_header_fields(CompressionType codec)
    {
        var log = _fixture.Log("codec-" + codec.ToString().ToLowerInvariant(), CleanerFixture.Compacted(segmentBytes: 400));
        var originals = new List<RecordBatchHeader>();
        var model = new Dictionary<string, (long Offset, string? Value)>();
        for (var b = 0; b < 12; b++)
        {
            // Each batch overwrites half of the previous batch's keys.
            var records = Enumerable.Range(0, 10).Select(i => ($"k{(b * 5) + i}", (string?)$"v{b}-{i}")).ToArray();
            var batch = Batch(Now, records, codec, producerId: 42, producerEpoch: 3, baseSequence: b * 10);
            var info = CleanerFixture.Append(log, batch);
            originals.Add(RecordBatchHeader.Read(batch) with { BaseOffset = info.FirstOffset });
            for (var i = 0; i < records.Length; i++)
            {
                model[records[i].Item1] = (info.FirstOffset + i, records[i].Item2);
            }
        }

        Assert.NotNull(_fixture.Manager.Cleaner.CleanNow(log));

        var activeBase = log.SegmentBaseOffsets[^1];
        var rewritten = 0;
        foreach (var (header, _) in Batches(log))
        {
            var original = originals.Single(o => o.BaseOffset == header.BaseOffset);
            Assert.Equal(codec, header.Compression);
            Assert.Equal(original.LastOffset, header.LastOffset);
            Assert.Equal((42L, (short)3, original.BaseSequence), (header.ProducerId, header.ProducerEpoch, header.BaseSequence));
            if (header.RecordsCount < original.RecordsCount)
            {
                rewritten++;
            }
        }

        Assert.True(rewritten > 0, "no batch was re-encoded");
        var latest = Latest(log);
        Assert.Equal(model.Count, latest.Count);
        foreach (var (key, expected) in model)
        {
            Assert.Equal(expected, (latest[key].Offset, latest[key].Value));
        }

        Assert.All(Records(log).Where(r => r.Offset < activeBase).GroupBy(r => r.Key), g => Assert.Single(g));
    }

    [Fact]
    public void Tombstones_stay_until_delete_retention_ms_after_the_cleaning_that_saw_them()
    {
        var log = _fixture.Log("tombstones", CleanerFixture.Compacted() with { DeleteRetentionMs = 10_000 });
        CleanerFixture.Append(log, Put(Now, "gone", "v1"));
        CleanerFixture.Append(log, Put(Now, "kept", "v1"));
        CleanerFixture.Append(log, Put(Now, "gone", null));
        RollWith(log, "filler");

        _fixture.Manager.Cleaner.CleanNow(log);
        var first = Records(log);
        Assert.DoesNotContain(first, r => r.Key == "gone" && r.Value is not null);
        Assert.Contains(first, r => r.Key == "gone" && r.Value is null);
        Assert.Contains(Batches(log), b => b.Header.HasDeleteHorizon && b.Header.BaseTimestamp == Now + 10_000);

        _fixture.Time.Advance(9_999);
        _fixture.Manager.Cleaner.CleanNow(log);
        Assert.Contains(Records(log), r => r.Key == "gone");

        _fixture.Time.Advance(1);
        _fixture.Manager.Cleaner.CleanNow(log);
        Assert.DoesNotContain(Records(log), r => r.Key == "gone");
        Assert.Contains(Records(log), r => r.Key == "kept");
    }

    [Fact]
    public void Records_newer_than_min_compaction_lag_ms_are_not_cleaned()
    {
        var log = _fixture.Log("minlag", CleanerFixture.Compacted() with { MinCompactionLagMs = 60_000 });
        for (var i = 0; i < 100; i++)
        {
            CleanerFixture.Append(log, Put(Now, "same", $"v{i}"));
        }

        Assert.Null(_fixture.Manager.Cleaner.CleanNow(log));
        Assert.Equal(100, Records(log).Count);

        _fixture.Time.Advance(60_001);
        Assert.NotNull(_fixture.Manager.Cleaner.CleanNow(log));
        Assert.True(Records(log).Count < 100);
    }

    [Fact]
    public void A_dirty_record_older_than_max_compaction_lag_ms_gets_its_log_cleaned_below_the_ratio()
    {
        var config = CleanerFixture.Compacted() with { MinCleanableDirtyRatio = 0.99, MaxCompactionLagMs = 30_000 };
        var log = _fixture.Log("maxlag", config);
        for (var i = 0; i < 60; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"k{i % 20}", $"v{i}"));
        }

        // Most of the log is clean after a first pass; the next dirty part is far below 0.99 of it.
        _fixture.Manager.Cleaner.CleanNow(log);
        for (var i = 0; i < 30; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"k{i % 20}", $"w{i}"));
        }

        Assert.Null(_fixture.Manager.Cleaner.CleanFilthiestLog());

        _fixture.Time.Advance(30_001);
        var segments = log.SegmentCount;
        CleanerFixture.Append(log, Put(Now, "late", "v"));
        Assert.Equal(segments + 1, log.SegmentCount); // the active segment rolled at max.compaction.lag.ms
        var stats = _fixture.Manager.Cleaner.CleanFilthiestLog();
        Assert.NotNull(stats);
        Assert.Equal(log.TopicPartition, stats.TopicPartition);
    }

    [Fact]
    public void The_dirty_ratio_threshold_decides_and_a_config_change_takes_effect_on_the_live_log()
    {
        var config = CleanerFixture.Compacted() with { MinCleanableDirtyRatio = 0.9 };
        var log = _fixture.Log("ratio", config);
        for (var i = 0; i < 200; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"k{i}", $"v{i}"));
        }

        _fixture.Manager.Cleaner.CleanNow(log);
        for (var i = 0; i < 100; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"k{i}", $"w{i}"));
        }

        // About a third of the log is dirty: below 0.9.
        Assert.Null(_fixture.Manager.Cleaner.CleanFilthiestLog());

        log.UpdateConfig(config with { MinCleanableDirtyRatio = 0.2 });
        Assert.NotNull(_fixture.Manager.Cleaner.CleanFilthiestLog());

        // And a topic switched to delete only is no longer compacted.
        for (var i = 0; i < 100; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"k{i}", $"x{i}"));
        }

        log.UpdateConfig(config with { MinCleanableDirtyRatio = 0.01, CleanupPolicy = CleanupPolicy.Delete });
        Assert.Null(_fixture.Manager.Cleaner.CleanFilthiestLog());
    }

    [Fact]
    public void Compact_delete_applies_both_retention_and_compaction()
    {
        var config = CleanerFixture.Compacted() with { CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete, RetentionMs = 100_000 };
        var log = _fixture.Log("both", config);
        for (var i = 0; i < 100; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"old{i % 10}", $"v{i}"));
        }

        _fixture.Time.Advance(50_000);
        for (var i = 0; i < 100; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"new{i % 10}", $"v{i}"));
        }

        Assert.NotNull(_fixture.Manager.Cleaner.CleanNow(log));
        Assert.Equal(20, Latest(log).Count);
        Assert.True(Records(log).Count < 60);

        _fixture.Time.Advance(60_000);
        Assert.True(log.DeleteOldSegments() > 0);
        var latest = Latest(log);
        Assert.DoesNotContain(latest.Keys, k => k.StartsWith("old", StringComparison.Ordinal));
        Assert.Equal(10, latest.Keys.Count(k => k.StartsWith("new", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_emptied_batch_that_is_a_producers_last_is_kept_empty_with_its_sequence_range()
    {
        var log = _fixture.Log("producer-state", CleanerFixture.Compacted());
        CleanerFixture.Append(log, Batch(Now, [("a", "1"), ("b", "1")], producerId: 5, producerEpoch: 2, baseSequence: 0));
        var last = CleanerFixture.Append(log, Batch(Now, [("a", "2"), ("b", "2"), ("c", "2")], producerId: 5, producerEpoch: 2, baseSequence: 2));
        for (var i = 0; i < 50; i++)
        {
            CleanerFixture.Append(log, Put(Now, i % 2 == 0 ? "a" : "b", $"plain{i}"));
            CleanerFixture.Append(log, Put(Now, "c", $"plain{i}"));
        }

        Assert.NotNull(_fixture.Manager.Cleaner.CleanNow(log));

        var producerBatches = Batches(log).Where(b => b.Header.ProducerId == 5).ToList();
        var kept = Assert.Single(producerBatches).Header;
        Assert.Equal((last.FirstOffset, last.LastOffset), (kept.BaseOffset, kept.LastOffset));
        Assert.Equal((0, (short)2, 2), (kept.RecordsCount, kept.ProducerEpoch, kept.BaseSequence));
    }

    [Fact]
    public void The_key_map_filling_up_cleans_what_it_covers_and_the_next_cleanings_finish_the_job()
    {
        using var fixture = new CleanerFixture(new LogCleanerOptions { Enable = false, DedupeBufferSize = 24 * 64 });
        var log = fixture.Log("smallmap", CleanerFixture.Compacted());
        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 150; k++)
            {
                CleanerFixture.Append(log, Put(fixture.Time.NowMs, $"k{k}", $"r{round}"));
            }
        }

        var first = fixture.Manager.Cleaner.CleanNow(log);
        Assert.NotNull(first);
        Assert.True(first.EndOffset < log.SegmentBaseOffsets[^1], "a 64-slot map cannot cover 150 keys");
        for (var i = 0; i < 40 && fixture.Manager.Cleaner.CleanNow(log) is not null; i++)
        {
        }

        var records = Records(log);
        var activeBase = log.SegmentBaseOffsets[^1];
        Assert.All(records.Where(r => r.Offset < activeBase).GroupBy(r => r.Key), g => Assert.Single(g));
        Assert.Equal(150, Latest(log).Count);
        Assert.All(Latest(log).Values, r => Assert.Equal("r2", r.Value));
    }

    [Fact]
    public void The_checkpoint_is_kafkas_text_file_and_survives_a_restart()
    {
        var log = _fixture.Log("checkpoint", CleanerFixture.Compacted());
        for (var i = 0; i < 100; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"k{i % 7}", $"v{i}"));
        }

        var stats = _fixture.Manager.Cleaner.CleanNow(log)!;
        var lines = File.ReadAllLines(Path.Combine(_fixture.LogDir, LogCleaner.CheckpointFileName));
        Assert.Equal(["0", "1", $"checkpoint 0 {stats.EndOffset.ToString(CultureInfo.InvariantCulture)}"], lines);

        _fixture.Restart(crash: false);
        var reopened = _fixture.Manager.GetLog(log.TopicPartition)!;
        Assert.Equal(stats.EndOffset, LogCleaner.CheckpointOf(reopened));
    }

    [Fact]
    public void Truncation_below_the_checkpoint_makes_the_truncated_part_dirty_again()
    {
        var log = _fixture.Log("truncated", CleanerFixture.Compacted());
        for (var i = 0; i < 100; i++)
        {
            CleanerFixture.Append(log, Put(Now, $"k{i % 7}", $"v{i}"));
        }

        var stats = _fixture.Manager.Cleaner.CleanNow(log)!;
        Assert.Equal(stats.EndOffset, LogCleaner.CheckpointOf(log));
        log.TruncateTo(stats.EndOffset - 10);
        Assert.True(LogCleaner.CheckpointOf(log) <= stats.EndOffset - 10);
    }

    [Fact]
    public void The_background_threads_clean_a_dirty_log_and_stop_with_the_log_manager()
    {
        using var fixture = new CleanerFixture(new LogCleanerOptions { Enable = true, BackoffMs = 20, DedupeBufferSize = 1024 * 1024 });
        var log = fixture.Log("background", CleanerFixture.Compacted());
        for (var i = 0; i < 200; i++)
        {
            CleanerFixture.Append(log, Put(fixture.Time.NowMs, $"k{i % 5}", $"v{i}"));
        }

        fixture.Manager.Start();
        Assert.True(fixture.Manager.Cleaner.IsRunning);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (fixture.Manager.Cleaner.LastStats(log.TopicPartition) is null && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.NotNull(fixture.Manager.Cleaner.LastStats(log.TopicPartition));
        Assert.True(fixture.Manager.Cleaner.Totals.RecordsRemoved > 0);
        fixture.Manager.Shutdown();
        Assert.False(fixture.Manager.Cleaner.IsRunning);
    }

    /// <summary>Rolls the active segment by filling it with a filler key, so what came before becomes cleanable.</summary>
    private void RollWith(PartitionLog log, string key)
    {
        var segments = log.SegmentCount;
        for (var i = 0; log.SegmentCount == segments && i < 1000; i++)
        {
            CleanerFixture.Append(log, Put(Now, key, $"f{i}"));
        }
    }
}
