using static Samsa.Storage.Tests.Cleaning.KeyedRecords;

namespace Samsa.Storage.Tests.Cleaning;

/// <summary>
/// A crash at each step of the swap leaves files that recovery turns back into a valid log: the state each
/// step leaves is rebuilt from a finished cleaning whose replaced segments are still on disk as <c>.deleted</c>.
/// </summary>
public sealed class CleanerCrashTests : IDisposable
{
    private static readonly LogConfig Config = CleanerFixture.Compacted() with { FileDeleteDelayMs = 3_600_000 };
    private readonly CleanerFixture _fixture = new();

    public enum CrashPoint
    {
        /// <summary>The cleaned segment is written as <c>.cleaned</c>; nothing else happened.</summary>
        BeforeSwap,

        /// <summary>The cleaned segment was renamed <c>.swap</c>; the old segments are still live.</summary>
        AfterSwapRename,

        /// <summary>The old segments were renamed <c>.deleted</c>; the swap was not renamed live yet.</summary>
        AfterOldSegmentsDeleted,
    }

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(CrashPoint.BeforeSwap)]
    [InlineData(CrashPoint.AfterSwapRename)]
    [InlineData(CrashPoint.AfterOldSegmentsDeleted)]
    public void A_crash_at_any_step_of_the_swap_recovers_a_valid_log_with_every_keys_latest_value(CrashPoint point)
    {
        var log = _fixture.Log("crash", Config with { FileDeleteDelayMs = 0 });
        for (var round = 0; round < 6; round++)
        {
            for (var k = 0; k < 40; k++)
            {
                CleanerFixture.Append(log, Put(_fixture.Time.NowMs, $"k{(k * 3 + round) % 40}", $"r{round}-{k}"));
            }
        }

        // A first cleaning leaves small segments; the second merges them, so groups span several segments.
        _fixture.Manager.Cleaner.CleanNow(log);
        log.RunPendingDeletions();
        log.UpdateConfig(Config);
        for (var k = 0; k < 80; k++)
        {
            CleanerFixture.Append(log, Put(_fixture.Time.NowMs, $"k{k % 40}", $"late-{k}"));
        }

        var original = log.ReadAllBytes(0);
        var expected = Latest(log);
        Assert.NotNull(_fixture.Manager.Cleaner.CleanNow(log));
        var cleaned = log.ReadAllBytes(0);
        Assert.NotEqual(original, cleaned);
        var directory = log.DirectoryPath;
        var replaced = Directory.GetFiles(directory, "*.log.deleted");
        Assert.True(replaced.Count(d => File.Exists(d[..^".deleted".Length])) < replaced.Length, "no group spans several segments");
        _fixture.Crash();

        RewindTo(point, directory);
        _fixture.Reopen();
        var reopened = _fixture.Manager.GetLog(log.TopicPartition)!;

        Assert.Empty(Directory.GetFiles(directory, "*.swap"));
        Assert.Empty(Directory.GetFiles(directory, "*.cleaned"));
        if (point == CrashPoint.BeforeSwap)
        {
            Assert.Equal(original, reopened.ReadAllBytes(0));
        }

        var latest = Latest(reopened);
        Assert.Equal(expected.Count, latest.Count);
        foreach (var (key, record) in expected)
        {
            Assert.Equal(record, latest[key]);
        }

        // And the recovered log cleans again.
        CleanerFixture.Append(reopened, Put(_fixture.Time.NowMs, "after", "crash"));
        _fixture.Manager.Cleaner.CleanNow(reopened);
        Assert.Equal(expected.Count + 1, Latest(reopened).Count);
    }

    /// <summary>Turns a finished swap back into the files the given crash point would have left.</summary>
    private static void RewindTo(CrashPoint point, string directory)
    {
        foreach (var deleted in Directory.GetFiles(directory, "*.log.deleted"))
        {
            var live = deleted[..^".deleted".Length];
            var stem = live[..^".log".Length];
            if (File.Exists(live))
            {
                // The cleaned segment that replaced the group starting here.
                var suffix = point == CrashPoint.BeforeSwap ? ".cleaned" : ".swap";
                File.Move(live, live + suffix);
                File.Move(stem + ".index", stem + ".index" + suffix);
                File.Move(stem + ".timeindex", stem + ".timeindex" + suffix);
            }
        }

        if (point == CrashPoint.AfterOldSegmentsDeleted)
        {
            return;
        }

        foreach (var deleted in Directory.GetFiles(directory, "*.deleted"))
        {
            File.Move(deleted, deleted[..^".deleted".Length]);
        }
    }
}
