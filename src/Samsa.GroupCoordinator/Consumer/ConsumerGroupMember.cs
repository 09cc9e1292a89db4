using Samsa.GroupCoordinator.Runtime;

namespace Samsa.GroupCoordinator.Consumer;

/// <summary>Where a member is in reconciling towards its target assignment (Kafka's MemberState, same byte values).</summary>
internal enum MemberState : sbyte
{
    Stable = 0,
    UnrevokedPartitions = 1,
    UnreleasedPartitions = 2,
    Unknown = 127,
}

/// <summary>A member of a KIP-848 consumer group.</summary>
internal sealed class ConsumerGroupMember
{
    /// <summary>The epoch a member leaving the group sends; a fenced member's state carries it too.</summary>
    public const int LeaveGroupEpoch = -1;

    /// <summary>The epoch of a static member that left and may come back within its session.</summary>
    public const int LeaveGroupStaticEpoch = -2;

    public ConsumerGroupMember(string memberId) => MemberId = memberId;

    public string MemberId { get; }

    public int MemberEpoch { get; set; }

    public int PreviousMemberEpoch { get; set; }

    public MemberState State { get; set; } = MemberState.Stable;

    public string? InstanceId { get; set; }

    public string? RackId { get; set; }

    public int RebalanceTimeoutMs { get; set; } = -1;

    public string ClientId { get; set; } = "";

    public string ClientHost { get; set; } = "";

    public List<string> SubscribedTopicNames { get; set; } = [];

    public string? SubscribedTopicRegex { get; set; }

    public string? ServerAssignor { get; set; }

    public TopicPartitionSet AssignedPartitions { get; set; } = new();

    public TopicPartitionSet PartitionsPendingRevocation { get; set; } = new();

    /// <summary>Topics the regular expression matched when last resolved (not persisted: resolved again after a load).</summary>
    public HashSet<string> RegexTopics { get; set; } = new(StringComparer.Ordinal);

    public ShardTimer? SessionTimer { get; set; }

    public ShardTimer? RebalanceTimer { get; set; }

    /// <summary>All topics the member subscribes to: its names and what its regular expression matched.</summary>
    public IEnumerable<string> AllSubscribedTopics => RegexTopics.Count == 0 ? SubscribedTopicNames : SubscribedTopicNames.Union(RegexTopics);

    public bool SubscriptionEquals(ConsumerGroupMember other) =>
        InstanceId == other.InstanceId
        && RackId == other.RackId
        && RebalanceTimeoutMs == other.RebalanceTimeoutMs
        && ClientId == other.ClientId
        && ClientHost == other.ClientHost
        && SubscribedTopicRegex == other.SubscribedTopicRegex
        && ServerAssignor == other.ServerAssignor
        && SubscribedTopicNames.SequenceEqual(other.SubscribedTopicNames);

    public bool AssignmentEquals(ConsumerGroupMember other) =>
        MemberEpoch == other.MemberEpoch
        && PreviousMemberEpoch == other.PreviousMemberEpoch
        && State == other.State
        && AssignedPartitions.Equals(other.AssignedPartitions)
        && PartitionsPendingRevocation.Equals(other.PartitionsPendingRevocation);

    public ConsumerGroupMember CopySubscription(string? memberId = null) => new(memberId ?? MemberId)
    {
        MemberEpoch = MemberEpoch,
        PreviousMemberEpoch = PreviousMemberEpoch,
        State = State,
        InstanceId = InstanceId,
        RackId = RackId,
        RebalanceTimeoutMs = RebalanceTimeoutMs,
        ClientId = ClientId,
        ClientHost = ClientHost,
        SubscribedTopicNames = [.. SubscribedTopicNames],
        SubscribedTopicRegex = SubscribedTopicRegex,
        ServerAssignor = ServerAssignor,
        AssignedPartitions = AssignedPartitions,
        PartitionsPendingRevocation = PartitionsPendingRevocation,
        RegexTopics = RegexTopics,
    };
}
