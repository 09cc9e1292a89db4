using FsCheck;
using FsCheck.Xunit;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Tests;

public sealed class RecoveryTests : IDisposable
{
    private static readonly TopicPartition Tp = new("recover", 0);
    private static readonly LogConfig Config = LogConfig.Default with { SegmentBytes = 8 * 1024, IndexIntervalBytes = 256, SegmentIndexBytes = 1024 };
    private readonly TempDir _dir = new();

    private string LogPath => _dir.Sub(Tp.DirectoryName);

    public void Dispose() => _dir.Dispose();

    private PartitionLog Open(bool clean, long recoveryPoint = 0) =>
        PartitionLog.Open(LogPath, Tp, Config, new PartitionLogOptions { HadCleanShutdown = clean, RecoveryPoint = recoveryPoint });

    /// <summary>Appends n deterministic batches, returns them as stored (with offsets) in order.</summary>
    private static List<byte[]> Fill(PartitionLog log, int n)
    {
        var stored = new List<byte[]>();
        for (var i = 0; i < n; i++)
        {
            var batch = TestBatches.Deterministic(i);
            log.AppendAsLeader(batch, 1);
            stored.Add(batch);
        }

        return stored;
    }

    private static void AssertValidPrefix(PartitionLog log, List<byte[]> written, int mustHave)
    {
        var read = TestBatches.Split(log.ReadAllBytes(log.LogStartOffset));
        Assert.True(read.Count >= mustHave, $"only {read.Count} of the {mustHave} batches that must survive came back");
        Assert.True(read.Count <= written.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(written[i], read[i].Bytes);
            Assert.True(RecordBatchHeader.IsCrcValid(read[i].Bytes));
        }

        Assert.Equal(read.Count == 0 ? 0 : read[^1].Header.NextOffset, log.LogEndOffset);
    }

    [Property(MaxTest = 25)]
    public void A_log_cut_at_any_byte_reopens_as_a_valid_prefix(PositiveInt seed)
    {
        using var dir = new TempDir();
        var path = dir.Sub(Tp.DirectoryName);
        var random = new Random(seed.Get);
        List<byte[]> written;
        long recoveryPoint;
        int flushedBatches;
        using (var log = PartitionLog.Open(path, Tp, Config))
        {
            written = Fill(log, 10 + random.Next(40));
            flushedBatches = random.Next(written.Count);
            var flushOffset = TestBatches.Split(log.ReadAllBytes(0)).Take(flushedBatches).Sum(b => b.Header.LastOffsetDelta + 1);
            log.Flush(flushOffset);
            recoveryPoint = log.RecoveryPoint;
            log.Crash();
        }

        // Cut the last segment (the unflushed tail lives there or later) at a random byte.
        var segments = Directory.GetFiles(path, "*.log").Order(StringComparer.Ordinal).ToArray();
        var victim = segments[^1];
        var length = new FileInfo(victim).Length;
        var cutAt = length == 0 ? 0 : random.NextInt64(length);
        using (var f = File.OpenHandle(victim, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.SetLength(f, cutAt);
        }

        var survivors = written.Count - CountBatchesTouchedByCut(path, segments, victim, cutAt, written);
        using var reopened = PartitionLog.Open(path, Tp, Config, new PartitionLogOptions { HadCleanShutdown = false, RecoveryPoint = recoveryPoint });
        var read = TestBatches.Split(reopened.ReadAllBytes(0));
        Assert.Equal(survivors, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(written[i], read[i].Bytes);
        }

        // And the recovered log takes appends where it ends.
        var next = reopened.AppendAsLeader(TestBatches.Create(1, 10, 1_700_000_000_000), 2);
        Assert.Equal(reopened.LogEndOffset - 1, next.LastOffset);
    }

    private static int CountBatchesTouchedByCut(string path, string[] segments, string victim, long cutAt, List<byte[]> written)
    {
        // Batches wholly before the cut in the victim, plus every batch of earlier segments, survive.
        long before = 0;
        foreach (var s in segments)
        {
            if (s == victim)
            {
                break;
            }

            before += new FileInfo(s).Length;
        }

        long position = 0;
        var kept = 0;
        foreach (var batch in written)
        {
            if (position + batch.Length > before + cutAt)
            {
                break;
            }

            position += batch.Length;
            kept++;
        }

        _ = path;
        return written.Count - kept;
    }

    [Property(MaxTest = 20)]
    public void A_flipped_byte_in_the_unflushed_tail_is_never_served(PositiveInt seed)
    {
        using var dir = new TempDir();
        var path = dir.Sub(Tp.DirectoryName);
        var random = new Random(seed.Get);
        List<byte[]> written;
        using (var log = PartitionLog.Open(path, Tp, Config))
        {
            written = Fill(log, 5 + random.Next(30));
            log.Crash();
        }

        var victim = Directory.GetFiles(path, "*.log").Order(StringComparer.Ordinal).Last();
        var bytes = File.ReadAllBytes(victim);
        var at = random.Next(bytes.Length);
        bytes[at] ^= (byte)(1 + random.Next(255));
        File.WriteAllBytes(victim, bytes);

        using var reopened = PartitionLog.Open(path, Tp, Config, new PartitionLogOptions { HadCleanShutdown = false });
        var read = TestBatches.Split(reopened.ReadAllBytes(0));
        foreach (var (_, batch) in read)
        {
            Assert.True(RecordBatchHeader.IsCrcValid(batch));
        }

        for (var i = 0; i < read.Count; i++)
        {
            // A flip in base offset or leader epoch is outside the CRC: content must still match.
            Assert.Equal(TestBatches.WithoutOffsetAndEpoch(written[i]), TestBatches.WithoutOffsetAndEpoch(read[i].Bytes));
        }
    }

    [Fact]
    public void Corruption_in_a_middle_segment_drops_it_from_there_and_every_later_segment()
    {
        List<byte[]> written;
        using (var log = Open(clean: true))
        {
            written = Fill(log, 40);
            Assert.True(log.SegmentCount >= 4);
            log.Crash();
        }

        var segments = Directory.GetFiles(LogPath, "*.log").Order(StringComparer.Ordinal).ToArray();
        var second = File.ReadAllBytes(segments[1]);
        second[second.Length / 2] ^= 0x55;
        File.WriteAllBytes(segments[1], second);

        using var reopened = Open(clean: false);
        Assert.Equal(2, reopened.SegmentCount);
        var firstSegmentBatches = TestBatches.Split(File.ReadAllBytes(segments[0])).Count;
        AssertValidPrefix(reopened, written, firstSegmentBatches);
        Assert.False(File.Exists(segments[^1]));
    }

    [Fact]
    public void A_clean_shutdown_reopens_with_everything_and_the_recovery_point_at_the_end()
    {
        List<byte[]> written;
        using (var log = Open(clean: true))
        {
            written = Fill(log, 30);
            log.Flush();
        }

        using var reopened = Open(clean: true);
        Assert.Equal(reopened.LogEndOffset, reopened.RecoveryPoint);
        AssertValidPrefix(reopened, written, written.Count);
    }

    [Fact]
    public void A_tail_of_zeros_from_preallocation_is_cut()
    {
        List<byte[]> written;
        using (var log = Open(clean: true))
        {
            written = Fill(log, 5);
            log.Crash();
        }

        var victim = Directory.GetFiles(LogPath, "*.log").Order(StringComparer.Ordinal).Last();
        var validLength = new FileInfo(victim).Length;
        using (var f = File.OpenHandle(victim, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.SetLength(f, validLength + 4096);
        }

        using var reopened = Open(clean: false);
        AssertValidPrefix(reopened, written, written.Count);
        Assert.Equal(validLength, new FileInfo(victim).Length);
    }

    [Fact]
    public void An_interrupted_swap_is_completed_at_open()
    {
        List<byte[]> written;
        using (var log = Open(clean: true))
        {
            written = Fill(log, 5);
        }

        // As if a cleaner had renamed its output to .swap and crashed before the final rename.
        var live = Path.Combine(LogPath, "00000000000000000000.log");
        File.Copy(live, live + ".swap");
        File.WriteAllBytes(live, []);
        File.WriteAllBytes(Path.Combine(LogPath, "00000000000000000099.log.cleaned"), [1, 2, 3]);

        using var reopened = Open(clean: true);
        AssertValidPrefix(reopened, written, written.Count);
        Assert.Empty(Directory.GetFiles(LogPath, "*.swap"));
        Assert.Empty(Directory.GetFiles(LogPath, "*.cleaned"));
    }

    [Fact]
    public void A_swapped_segment_replaces_the_segments_it_covers()
    {
        List<byte[]> written;
        using (var log = Open(clean: true))
        {
            written = Fill(log, 40);
            Assert.True(log.SegmentCount >= 3);
        }

        // A "cleaned" segment holding the first two segments' batches (nothing removed), left as .swap.
        var segments = Directory.GetFiles(LogPath, "*.log").Order(StringComparer.Ordinal).ToArray();
        var merged = File.ReadAllBytes(segments[0]).Concat(File.ReadAllBytes(segments[1])).ToArray();
        File.WriteAllBytes(segments[0] + ".swap", merged);

        using var reopened = Open(clean: true);
        Assert.False(File.Exists(segments[1]));
        Assert.Equal(segments.Length - 1, reopened.SegmentCount);
        AssertValidPrefix(reopened, written, written.Count);
    }
}
