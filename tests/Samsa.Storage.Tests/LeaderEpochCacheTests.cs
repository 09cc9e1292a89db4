using Samsa.Storage.Checkpoints;

namespace Samsa.Storage.Tests;

public sealed class LeaderEpochCacheTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private LeaderEpochCache Cache(params (int Epoch, long Start)[] entries)
    {
        var cache = LeaderEpochCache.Load(_dir.Path);
        foreach (var (epoch, start) in entries)
        {
            cache.Assign(epoch, start);
        }

        return cache;
    }

    [Fact]
    public void Assign_keeps_the_first_offset_of_each_epoch_and_drops_conflicts()
    {
        var cache = Cache((0, 0), (0, 5), (2, 10), (3, 20));
        Assert.Equal([new(0, 0), new(2, 10), new(3, 20)], cache.Entries);

        cache.Assign(2, 15);
        Assert.Equal([new(0, 0), new(2, 15)], cache.Entries);
    }

    [Fact]
    public void End_offset_for_epoch_matches_offset_for_leader_epoch()
    {
        var cache = Cache((1, 10), (3, 20), (5, 40));
        Assert.Equal((5, 55L), cache.EndOffsetFor(5, 55));
        Assert.Equal((3, 40L), cache.EndOffsetFor(4, 55));
        Assert.Equal((3, 40L), cache.EndOffsetFor(3, 55));
        Assert.Equal((1, 20L), cache.EndOffsetFor(2, 55));
        Assert.Equal((0, 10L), cache.EndOffsetFor(0, 55));
        Assert.Equal((-1, -1L), cache.EndOffsetFor(6, 55));
        Assert.Equal((-1, -1L), cache.EndOffsetFor(-1, 55));
        Assert.Equal((-1, -1L), LeaderEpochCache.InMemory().EndOffsetFor(0, 10));
    }

    [Fact]
    public void Truncation_from_both_ends()
    {
        var cache = Cache((1, 10), (3, 20), (5, 40));
        cache.TruncateFromEnd(40);
        Assert.Equal([new(1, 10), new(3, 20)], cache.Entries);
        cache.TruncateFromStart(25);
        Assert.Equal([new(3, 25)], cache.Entries);
        cache.TruncateFromStart(5);
        Assert.Equal([new(3, 25)], cache.Entries);
        Assert.Equal(3, cache.EpochForOffset(30));
        Assert.Equal(-1, cache.EpochForOffset(24));
    }

    [Fact]
    public void Persists_in_kafkas_checkpoint_format()
    {
        Cache((1, 10), (3, 20));
        var path = Path.Combine(_dir.Path, "leader-epoch-checkpoint");
        Assert.Equal("0\n2\n1 10\n3 20\n", File.ReadAllText(path));
        Assert.Equal([new(1, 10), new(3, 20)], LeaderEpochCache.Load(_dir.Path).Entries);
        Assert.False(File.Exists(path + ".tmp"));
    }
}
