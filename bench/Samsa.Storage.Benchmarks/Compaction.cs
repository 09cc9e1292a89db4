using System.Buffers.Binary;
using System.Globalization;
using Samsa.Protocol.Records;
using Samsa.Storage.Cleaning;

namespace Samsa.Storage.Benchmarks;

/// <summary>
/// Compaction speed: a compacted log of keyed records (100 records of 16-byte keys and 100-byte values per batch,
/// 64 MiB segments) in which a stated fraction of the records are overwritten by later ones (keys cycle), cleaned
/// once by <see cref="LogCleaner.CleanNow"/> with a 256 MiB key map. Reports MB/s of log cleaned (bytes of the segments rewritten over the
/// cleaning's wall time, key-map pass included), per codec.
/// </summary>
internal static class Compaction
{
    private const int MiB = 1024 * 1024;
    private const int RecordsPerBatch = 100;
    private const int ValueBytes = 100;
    private const long DedupeBufferSize = 256L * MiB;

    public static void Run(string root, long logBytes, double duplicateFraction, int runs)
    {
        foreach (var codec in new[] { CompressionType.None, CompressionType.Lz4 })
        {
            var speeds = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var dir = Path.Combine(root, $"compaction-{codec}-{run}");
                speeds.Add(CleanOnce(dir, logBytes, duplicateFraction, codec));
                Directory.Delete(dir, recursive: true);
            }

            speeds.Sort();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"samsa_compaction_{codec.ToString().ToLowerInvariant()}_dup{duplicateFraction:F2} {speeds[speeds.Count / 2]:F1}MB/s (runs {string.Join(' ', speeds.Select(s => s.ToString("F1", CultureInfo.InvariantCulture)))})"));
        }
    }

    private static double CleanOnce(string dir, long logBytes, double duplicateFraction, CompressionType codec)
    {
        using var manager = LogManager.Open(new LogManagerOptions
        {
            LogDirs = [dir],
            // A key map that holds every key of the log (Kafka's advice: size the dedupe buffer to the key space).
            Cleaner = new LogCleanerOptions { Enable = false, DedupeBufferSize = DedupeBufferSize },
        });
        var config = LogConfig.Default with { CleanupPolicy = CleanupPolicy.Compact, SegmentBytes = 64 * MiB, FileDeleteDelayMs = 0 };
        var log = manager.GetOrCreateLog(new TopicPartition("compaction", 0), config);

        // Keys cycle over (1 - duplicateFraction) of the records, so that fraction is superseded. Values are half
        // random, half zeros: about 2:1 for a codec, as much real data.
        var value = new byte[ValueBytes];
        Span<byte> key = stackalloc byte[16];
        using var builder = new RecordBatchBuilder();
        var output = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long n = 0, distinct = long.MaxValue;
        while (log.Size < logBytes)
        {
            builder.Reset(new RecordBatchOptions { Compression = codec });
            for (var i = 0; i < RecordsPerBatch; i++, n++)
            {
                BinaryPrimitives.WriteInt64BigEndian(key, n % distinct);
                BinaryPrimitives.WriteInt64BigEndian(key[8..], (n % distinct) * 31);
                Random.Shared.NextBytes(value.AsSpan(0, ValueBytes / 2));
                builder.Append(now, key, value);
            }

            output.ResetWrittenCount();
            builder.WriteTo(output);
            log.AppendAsLeader(output.WrittenSpan.ToArray(), 1);
            if (distinct == long.MaxValue)
            {
                var records = logBytes / Math.Max(1, output.WrittenCount / RecordsPerBatch);
                distinct = Math.Max(RecordsPerBatch, (long)(records * (1 - duplicateFraction)));
            }
        }

        log.UpdateHighWatermark(log.LogEndOffset);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var stats = manager.Cleaner.CleanNow(log) ?? throw new InvalidOperationException("nothing was cleaned");
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
        var cleanedBytes = stats.BytesCleaned;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {codec}: {log.Size / (double)MiB:F0} MiB left of the log; cleaned {cleanedBytes / 1e6:F0} MB in {stats.Duration.TotalSeconds:F2} s, wrote {stats.BytesWritten / 1e6:F0} MB, removed {stats.RecordsRemoved} of {stats.RecordsRead} records ({(double)stats.RecordsRemoved / stats.RecordsRead:P0}); {cpu:F2} CPU s = {cleanedBytes / 1e6 / cpu:F0} MB per CPU second"));
        return stats.BytesPerSecond / 1e6;
    }
}
