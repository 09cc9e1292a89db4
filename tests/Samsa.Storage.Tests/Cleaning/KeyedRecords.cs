using System.Text;
using Samsa.Protocol.Records;
using Samsa.Storage.Cleaning;

namespace Samsa.Storage.Tests.Cleaning;

/// <summary>A record as the tests read it back: offset, key, value (null for a tombstone).</summary>
internal readonly record struct StoredRecord(long Offset, string? Key, string? Value);

/// <summary>Record batches with real keys and values (built by the protocol library) and reading them back.</summary>
internal static class KeyedRecords
{
    public static byte[] Batch(
        long timestamp,
        IEnumerable<(string Key, string? Value)> records,
        CompressionType compression = CompressionType.None,
        long producerId = -1,
        short producerEpoch = -1,
        int baseSequence = -1,
        bool transactional = false)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions
        {
            Compression = compression,
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = baseSequence,
            IsTransactional = transactional,
        });
        foreach (var (key, value) in records)
        {
            builder.Append(timestamp, Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value));
        }

        return builder.ToArray();
    }

    public static byte[] Put(long timestamp, string key, string? value) => Batch(timestamp, [(key, value)]);

    /// <summary>A transaction marker batch of a producer.</summary>
    public static byte[] Marker(long timestamp, ControlRecordType type, long producerId, short producerEpoch)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions
        {
            IsControl = true,
            IsTransactional = true,
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
        });
        builder.AppendEndTransactionMarker(timestamp, new EndTransactionMarker(type, 0));
        return builder.ToArray();
    }

    /// <summary>Every batch of the readable log, checked for a valid CRC.</summary>
    public static List<(RecordBatchHeader Header, byte[] Bytes)> Batches(PartitionLog log)
    {
        var batches = TestBatches.Split(log.ReadAllBytes(log.LogStartOffset));
        foreach (var (header, bytes) in batches)
        {
            Assert.True(RecordBatchHeader.IsCrcValid(bytes), $"batch at {header.BaseOffset} fails its CRC");
            Assert.True(RecordBatchValidator.ValidateBatch(bytes, RecordBatchValidationOptions.Log with { DecodeRecords = true }).IsValid);
        }

        return batches;
    }

    /// <summary>Every data record of the log in order (control batches skipped), offsets checked strictly increasing.</summary>
    public static List<StoredRecord> Records(PartitionLog log)
    {
        var result = new List<StoredRecord>();
        using var reader = new RecordBatchReader();
        long previous = -1;
        foreach (var (header, bytes) in Batches(log))
        {
            Assert.True(header.BaseOffset > previous, $"batch at {header.BaseOffset} does not follow {previous}");
            previous = header.LastOffset;
            if (header.IsControl)
            {
                continue;
            }

            foreach (var record in reader.Read(bytes))
            {
                Assert.InRange(record.Offset, header.BaseOffset, header.LastOffset);
                var value = record.Value.ToArray();
                result.Add(new StoredRecord(record.Offset, Text(record.Key.ToArray()), Text(value)));
            }
        }

        for (var i = 1; i < result.Count; i++)
        {
            Assert.True(result[i].Offset > result[i - 1].Offset);
        }

        return result;
    }

    /// <summary>The latest record of each key in the log.</summary>
    public static Dictionary<string, StoredRecord> Latest(PartitionLog log)
    {
        var latest = new Dictionary<string, StoredRecord>();
        foreach (var record in Records(log))
        {
            latest[record.Key!] = record;
        }

        return latest;
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}

/// <summary>A log manager on a temp dir with a hand-moved clock, the cleaner's threads off unless asked for.</summary>
internal sealed class CleanerFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public CleanerFixture(LogCleanerOptions? cleaner = null, IAbortedTransactionSource? transactions = null)
    {
        Cleaner = (cleaner ?? new LogCleanerOptions { Enable = false, DedupeBufferSize = 1024 * 1024 }) with
        {
            AbortedTransactions = transactions ?? NoAbortedTransactions.Instance,
        };
        Manager = OpenManager();
    }

    /// <summary>Starts at the wall clock, since segments without timestamps fall back to their files' modification time.</summary>
    public ManualTime Time { get; } = new(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public LogManager Manager { get; private set; }

    public LogCleanerOptions Cleaner { get; }

    public string LogDir => _dir.Path;

    /// <summary>A compacted topic config with small segments, so keys spread over many of them.</summary>
    public static LogConfig Compacted(int segmentBytes = 2048) => LogConfig.Default with
    {
        CleanupPolicy = CleanupPolicy.Compact,
        SegmentBytes = segmentBytes,
        IndexIntervalBytes = 128,
        SegmentIndexBytes = 4096,
        MinCleanableDirtyRatio = 0.5,
        DeleteRetentionMs = 60_000,
        FileDeleteDelayMs = 0,
        RetentionMs = -1,
    };

    public PartitionLog Log(string topic, LogConfig config) => Manager.GetOrCreateLog(new TopicPartition(topic, 0), config);

    /// <summary>Appends as the leader and moves the high watermark to the end, as a single replica would.</summary>
    public static LogAppendInfo Append(PartitionLog log, byte[] batch)
    {
        var info = log.AppendAsLeader(batch, 1);
        log.UpdateHighWatermark(log.LogEndOffset);
        return info;
    }

    /// <summary>Stops as a killed process would: files stay as they are (no flush, checkpoint or marker).</summary>
    public void Crash() => Manager.Abandon();

    /// <summary>Opens the log dir again (after <see cref="Crash"/>).</summary>
    public void Reopen() => Manager = OpenManager();

    public void Restart(bool crash)
    {
        if (crash)
        {
            Manager.Abandon();
        }
        else
        {
            Manager.Shutdown();
        }

        Manager = OpenManager();
    }

    public void Dispose()
    {
        Manager.Shutdown();
        _dir.Dispose();
    }

    private LogManager OpenManager() => LogManager.Open(new LogManagerOptions
    {
        LogDirs = [_dir.Path],
        Time = Time,
        Cleaner = Cleaner,
        TopicConfig = _ => Compacted(),
        SchedulerTickMs = 50,
    });
}
