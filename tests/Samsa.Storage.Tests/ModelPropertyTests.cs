using FsCheck;
using FsCheck.Xunit;

namespace Samsa.Storage.Tests;

/// <summary>
/// Random sequences of appends, reads, truncations, log start moves, flushes and (clean or crash)
/// restarts against a list of batches in memory; small segments and indexes make rolls frequent.
/// </summary>
public class ModelPropertyTests
{
    private static readonly TopicPartition Tp = new("model", 0);

    [Property(MaxTest = 20)]
    public void The_log_behaves_like_a_list_of_batches(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var config = LogConfig.Default with
        {
            RetentionMs = -1,
            SegmentBytes = 2100 + random.Next(6000),
            IndexIntervalBytes = random.Next(600),
            SegmentIndexBytes = 8 * (2 + random.Next(20)),
        };
        using var dir = new TempDir();
        var path = dir.Sub(Tp.DirectoryName);
        var model = new List<(long Base, long Last, byte[] Bytes)>();
        long logStart = 0, nextOffset = 0;
        var log = PartitionLog.Open(path, Tp, config);
        try
        {
            var trace = new System.Text.StringBuilder();
            for (var step = 0; step < 60; step++)
            {
                var op = random.Next(10);
                trace.Append(op).Append(' ');
                switch (op)
                {
                    case < 4:
                        var batch = TestBatches.Create(1 + random.Next(5), random.Next(700), 1_700_000_000_000 + step, (byte)step);
                        var info = log.AppendAsLeader(batch, 1);
                        Assert.Equal(nextOffset, info.FirstOffset);
                        model.Add((info.FirstOffset, info.LastOffset, batch));
                        nextOffset = info.LastOffset + 1;
                        break;
                    case 4:
                        CheckRandomRead(log, model, random, logStart, nextOffset);
                        break;
                    case 5 when nextOffset > logStart:
                        var target = logStart + random.NextInt64(nextOffset - logStart + 1);
                        log.TruncateTo(target);
                        model.RemoveAll(b => b.Last >= target);
                        nextOffset = model.Count > 0 ? model[^1].Last + 1 : Math.Min(target, nextOffset);
                        if (model.Count == 0)
                        {
                            nextOffset = log.LogEndOffset;
                        }

                        logStart = Math.Min(logStart, nextOffset);
                        break;
                    case 6 when nextOffset > logStart:
                        log.UpdateHighWatermark(nextOffset);
                        logStart = log.IncreaseLogStartOffset(logStart + random.NextInt64(nextOffset - logStart + 1));
                        log.DeleteOldSegments();
                        break;
                    case 7:
                        log.Flush();
                        break;
                    case 8:
                        var recoveryPoint = log.RecoveryPoint;
                        var crash = random.Next(2) == 0;
                        if (crash)
                        {
                            log.Crash();
                        }
                        else
                        {
                            log.Close();
                        }

                        log = PartitionLog.Open(path, Tp, config, new PartitionLogOptions
                        {
                            HadCleanShutdown = !crash,
                            RecoveryPoint = recoveryPoint,
                            LogStartOffset = logStart,
                        });
                        break;
                    default:
                        var large = TestBatches.Create(1, 2000, 1_700_000_000_000);
                        var appended = log.AppendAsLeader(large, 1);
                        model.Add((appended.FirstOffset, appended.LastOffset, large));
                        nextOffset = appended.LastOffset + 1;
                        break;
                }

                Assert.True(nextOffset == log.LogEndOffset, $"end {log.LogEndOffset}, model {nextOffset}, ops {trace}");
                Assert.True(logStart == log.LogStartOffset, $"start {log.LogStartOffset}, model {logStart}, ops {trace}");
                CheckFullRead(log, model, logStart);
            }
        }
        finally
        {
            log.Close();
        }
    }

    private static void CheckFullRead(PartitionLog log, List<(long Base, long Last, byte[] Bytes)> model, long logStart)
    {
        var expected = model.Where(b => b.Last >= logStart).SelectMany(b => b.Bytes).ToArray();
        Assert.Equal(expected, log.ReadAllBytes(logStart));
    }

    private static void CheckRandomRead(PartitionLog log, List<(long Base, long Last, byte[] Bytes)> model, Random random, long logStart, long nextOffset)
    {
        var offset = logStart + random.NextInt64(nextOffset - logStart + 1);
        var maxBytes = random.Next(3000);
        var upper = offset + random.Next(20);
        var minOne = random.Next(2) == 0;
        var expected = new List<byte>();
        var count = 0;
        foreach (var b in model)
        {
            if (b.Last < offset)
            {
                continue;
            }

            if (b.Last >= upper || (expected.Count + b.Bytes.Length > maxBytes && !(count == 0 && minOne)))
            {
                break;
            }

            expected.AddRange(b.Bytes);
            count++;
        }

        using var result = log.Read(offset, maxBytes, upper, minOne);
        Assert.Equal(count, result.Info.BatchCount);
        Assert.Equal(expected.ToArray(), result.ToArray());
    }
}
