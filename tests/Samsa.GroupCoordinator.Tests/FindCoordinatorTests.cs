using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator.Tests;

public sealed class FindCoordinatorTests
{
    private sealed class Leaders(Func<int, CoordinatorNode?> leaderOf) : IOffsetsTopicLeaders
    {
        public int EnsureCalls { get; private set; }

        public CoordinatorNode? LeaderOf(int partition) => leaderOf(partition);

        public void EnsureOffsetsTopicExists() => EnsureCalls++;
    }

    [Fact]
    public void Batched_keys_get_the_leader_of_their_partition()
    {
        var leaders = new Leaders(p => new CoordinatorNode(p % 3, "broker" + (p % 3), 9092));
        var response = FindCoordinatorLogic.Handle(new FindCoordinatorRequest { KeyType = 0, CoordinatorKeys = ["hello", "abc"] }, 4, 50, leaders);
        Assert.Equal(2, response.Coordinators.Count);
        var expected = CoordinatorPartitioner.PartitionFor("hello", 50) % 3;
        Assert.Equal(expected, response.Coordinators[0].NodeId);
        Assert.Equal("broker" + expected, response.Coordinators[0].Host);
        Assert.Equal((short)ErrorCode.None, response.Coordinators[1].ErrorCode);
    }

    [Fact]
    public void A_single_key_of_an_old_version_is_answered_at_the_top_level()
    {
        var response = FindCoordinatorLogic.Handle(new FindCoordinatorRequest { Key = "g", KeyType = 0 }, 3, 50, new Leaders(_ => new CoordinatorNode(1, "h", 1)));
        Assert.Equal((1, "h", 1), (response.NodeId, response.Host, response.Port));
    }

    [Fact]
    public void Without_a_leader_the_coordinator_is_not_available_and_the_topic_is_asked_for()
    {
        var leaders = new Leaders(_ => null);
        var response = FindCoordinatorLogic.Handle(new FindCoordinatorRequest { Key = "g" }, 2, 50, leaders);
        Assert.Equal((short)ErrorCode.CoordinatorNotAvailable, response.ErrorCode);
        Assert.Equal(1, leaders.EnsureCalls);
    }

    [Fact]
    public void Transaction_keys_are_refused_clearly_until_transactions_exist()
    {
        var response = FindCoordinatorLogic.Handle(new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = ["tx"] }, 4, 50, new Leaders(_ => new CoordinatorNode(1, "h", 1)));
        Assert.Equal((short)ErrorCode.InvalidRequest, response.Coordinators[0].ErrorCode);
        Assert.Contains("Transactions are not supported", response.Coordinators[0].ErrorMessage, StringComparison.Ordinal);
    }
}
