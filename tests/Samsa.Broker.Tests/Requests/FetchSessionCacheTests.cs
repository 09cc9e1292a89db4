using Samsa.Broker.Fetch;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Tests.Requests;

public sealed class FetchSessionCacheTests
{
    [Fact]
    public void The_cache_holds_at_most_its_slots_and_evicts_only_idle_or_smaller_sessions()
    {
        var time = new ManualTime();
        var cache = new FetchSessionCache(2, time, evictionMs: 1000);

        Assert.NotNull(cache.TryCreate(false, Partitions(3)));
        Assert.NotNull(cache.TryCreate(false, Partitions(3)));
        Assert.Null(cache.TryCreate(false, Partitions(2)));
        Assert.NotNull(cache.TryCreate(false, Partitions(4)));
        Assert.Equal(2, cache.Count);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(cache.TryCreate(false, Partitions(1)));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Epochs_advance_on_each_incremental_fetch()
    {
        var cache = new FetchSessionCache(10);
        var session = cache.TryCreate(false, Partitions(1))!;
        Assert.Equal(1, session.Epoch);

        var context = cache.NewContext(session.Id, 1, false, [], []);
        Assert.Equal(ErrorCode.None, context.Error);
        Assert.True(context.IsIncremental);
        Assert.Equal(2, session.Epoch);
        Assert.Equal(ErrorCode.InvalidFetchSessionEpoch, cache.NewContext(session.Id, 1, false, [], []).Error);
    }

    [Fact]
    public void Epoch_zero_with_a_session_id_closes_it_and_starts_over()
    {
        var cache = new FetchSessionCache(10);
        var session = cache.TryCreate(false, Partitions(1))!;

        var context = cache.NewContext(session.Id, FetchSessionCache.InitialEpoch, false, Partitions(2), []);

        Assert.False(context.IsIncremental);
        Assert.True(context.MayCreateSession);
        Assert.Null(cache.Get(session.Id));
    }

    [Fact]
    public void Changed_fields_decide_what_an_incremental_response_carries()
    {
        var state = new FetchPartitionState(new FetchPartitionKey(Uuid.Zero, "t", 0));

        Assert.True(state.MustRespond(0, 10, 10, 0, 0));
        Assert.False(state.MustRespond(0, 10, 10, 0, 0));
        Assert.True(state.MustRespond(0, 10, 10, 0, 100));
        Assert.True(state.MustRespond(0, 11, 11, 0, 0));
        Assert.True(state.MustRespond((short)ErrorCode.NotLeaderOrFollower, 11, 11, 0, 0));
    }

    private static List<FetchPartitionState> Partitions(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new FetchPartitionState(new FetchPartitionKey(Uuid.Zero, "t", i)))];

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch.AddDays(1);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
