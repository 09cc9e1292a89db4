using System.Diagnostics;
using System.Globalization;

namespace Samsa.Storage.Benchmarks;

/// <summary>
/// Disk-scale measurements that BenchmarkDotNet's many-invocation model does not fit: GiB of
/// appends, page-cache reads, crash recovery of a large log. Each prints its runs and the median.
/// </summary>
internal static class Throughput
{
    private const int MiB = 1024 * 1024;
    private static readonly TopicPartition Tp = new("bench", 0);

    /// <summary>One run of 1 MiB appends (ending in a flush) and a page-cache read of the same log.</summary>
    public static void RunAppendAndRead(string root, long appendBytes)
    {
        var dir = Path.Combine(root, "append");
        var append = AppendLarge(dir, appendBytes, producers: 1);
        var read = ReadAll(dir);
        Directory.Delete(dir, recursive: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samsa_append_1MiB_batches {append:F1}MB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samsa_read_page_cache {read * 1000:F1}MB/s"));
        var two = AppendLarge(dir, appendBytes, producers: 2);
        Directory.Delete(dir, recursive: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"samsa_append_1MiB_batches_2_producers {two:F1}MB/s"));
    }

    /// <summary>Small-batch appends and crash recovery of a large log.</summary>
    public static void RunSmallAndRecovery(string root, long smallBytes, long recoveryBytes, int runs)
    {
        Directory.CreateDirectory(root);
        var small = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var dir = Path.Combine(root, $"small-{run}");
            small.Add(AppendSmall(dir, smallBytes));
            Directory.Delete(dir, recursive: true);
        }

        Report("append_16KiB_batches_per_s", small);
        Recovery(Path.Combine(root, "recovery"), recoveryBytes);
    }

    private static PartitionLog Open(string dir, bool clean = true, long recoveryPoint = 0) =>
        PartitionLog.Open(dir, Tp, LogConfig.Default, new PartitionLogOptions { HadCleanShutdown = clean, RecoveryPoint = recoveryPoint });

    /// <summary>
    /// 1 MiB batches, then one flush: what fio's buffered write with end_fsync does. With two
    /// producers (as a broker with several produce requests in flight), one batch's CRC check runs
    /// while the other's write holds the partition's writer lock.
    /// </summary>
    private static double AppendLarge(string dir, long bytes, int producers)
    {
        using var log = Open(dir);
        var share = bytes / producers;
        var watch = Stopwatch.StartNew();
        var threads = new Thread[producers];
        for (var p = 0; p < producers; p++)
        {
            threads[p] = new Thread(() =>
            {
                var batch = Batches.Create(MiB, 64, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                for (long written = 0; written < share; written += batch.Length)
                {
                    log.AppendAsLeader(batch, 0);
                }
            });
            threads[p].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        var appendSeconds = watch.Elapsed.TotalSeconds;
        log.Flush();
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  append_1MiB x{producers}: appends {appendSeconds:F3} s, final flush {seconds - appendSeconds:F3} s"));
        return share * producers / seconds / 1e6;
    }

    /// <summary>The whole log through the copy-into-buffer path, 8 MiB per read, from the page cache.</summary>
    private static double ReadAll(string dir)
    {
        using var log = Open(dir);
        var buffer = GC.AllocateUninitializedArray<byte>(8 * MiB, pinned: true);
        long total = 0, offset = 0;
        var watch = Stopwatch.StartNew();
        while (offset < log.LogEndOffset)
        {
            total += log.ReadInto(offset, buffer, long.MaxValue, out var info);
            offset = info.NextOffset;
        }

        return total / watch.Elapsed.TotalSeconds / 1e9;
    }

    private static double AppendSmall(string dir, long bytes)
    {
        var batch = Batches.Create(16 * 1024, 16, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using var log = Open(dir);
        var count = bytes / batch.Length;
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            log.AppendAsLeader(batch, 0);
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A log of <paramref name="bytes"/> whose recovery point trails the end by ~512 MiB is
    /// abandoned as by a crash, then reopened: unclean (scan from the recovery point's segment),
    /// unclean with no recovery point (scan all) for contrast, then closed and reopened clean.
    /// </summary>
    private static void Recovery(string dir, long bytes)
    {
        var batch = Batches.Create(MiB, 64, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        long recoveryPoint;
        var log = Open(dir);
        for (long written = 0; written < bytes; written += batch.Length)
        {
            log.AppendAsLeader(batch, 0);
            if (written == bytes - (512L * MiB))
            {
                log.Flush();
            }
        }

        recoveryPoint = log.RecoveryPoint;
        var endOffset = log.LogEndOffset;
        log.Abandon();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recovery_log_bytes {bytes} segments {Directory.GetFiles(dir, "*.log").Length} recovery_point {recoveryPoint} end {endOffset}"));

        var unclean = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var reopened = Open(dir, clean: false, recoveryPoint);
            unclean.Add(watch.Elapsed.TotalSeconds);
            Check(reopened.LogEndOffset == endOffset, "recovered end offset");
            reopened.Abandon();
        }

        Report("open_after_crash_s", unclean);

        var full = Stopwatch.StartNew();
        var scanned = Open(dir, clean: false, recoveryPoint: 0);
        Report("open_after_crash_without_recovery_point_s", [full.Elapsed.TotalSeconds]);
        scanned.Close();

        var clean = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var reopened = Open(dir, clean: true);
            clean.Add(watch.Elapsed.TotalSeconds);
            Check(reopened.LogEndOffset == endOffset, "clean end offset");
            reopened.Close();
        }

        Report("open_clean_s", clean);
        Directory.Delete(dir, recursive: true);
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("benchmark check failed: " + what);
        }
    }

    private static void Report(string name, List<double> values)
    {
        var sorted = values.Order().ToArray();
        var median = sorted[sorted.Length / 2];
        var runs = string.Join(' ', values.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} median {median:F3} runs {runs}"));
    }
}
