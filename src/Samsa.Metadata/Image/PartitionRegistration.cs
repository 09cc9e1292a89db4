using System.Collections.Immutable;
using Samsa.Protocol.MetadataRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Image;

/// <summary>
/// One partition's replica assignment and leadership as the metadata log says: replicas, in-sync replicas, leader
/// (-1 when none), leader epoch (bumped on each leader change) and partition epoch (bumped on every change).
/// </summary>
public sealed record PartitionRegistration
{
    /// <summary>Kafka's NO_LEADER.</summary>
    public const int NoLeader = -1;

    /// <summary>PartitionChangeRecord's "leader unchanged" value.</summary>
    public const int NoLeaderChange = -2;

    public required ImmutableArray<int> Replicas { get; init; }

    public required ImmutableArray<int> Isr { get; init; }

    public ImmutableArray<int> RemovingReplicas { get; init; } = [];

    public ImmutableArray<int> AddingReplicas { get; init; } = [];

    public required int Leader { get; init; }

    /// <summary>0 = recovered, 1 = recovering (after an unclean election).</summary>
    public sbyte LeaderRecoveryState { get; init; }

    public required int LeaderEpoch { get; init; }

    public required int PartitionEpoch { get; init; }

    /// <summary>Log dir id of each replica, in replica order (KIP-858); empty when unknown.</summary>
    public ImmutableArray<Uuid> Directories { get; init; } = [];

    public bool HasLeader => Leader != NoLeader;

    /// <summary>The first replica: the leader when the cluster is balanced.</summary>
    public int PreferredReplica => Replicas.IsEmpty ? NoLeader : Replicas[0];

    public static PartitionRegistration FromRecord(PartitionRecord record) => new()
    {
        Replicas = [.. record.Replicas],
        Isr = [.. record.Isr],
        RemovingReplicas = [.. record.RemovingReplicas],
        AddingReplicas = [.. record.AddingReplicas],
        Leader = record.Leader,
        LeaderRecoveryState = record.LeaderRecoveryState,
        LeaderEpoch = record.LeaderEpoch,
        PartitionEpoch = record.PartitionEpoch,
        Directories = [.. record.Directories],
    };

    public PartitionRecord ToRecord(Uuid topicId, int partitionId) => new()
    {
        TopicId = topicId,
        PartitionId = partitionId,
        Replicas = [.. Replicas],
        Isr = [.. Isr],
        RemovingReplicas = [.. RemovingReplicas],
        AddingReplicas = [.. AddingReplicas],
        Leader = Leader,
        LeaderRecoveryState = LeaderRecoveryState,
        LeaderEpoch = LeaderEpoch,
        PartitionEpoch = PartitionEpoch,
        Directories = Directories.IsEmpty ? [.. Enumerable.Repeat(Uuid.Zero, Replicas.Length)] : [.. Directories],
    };

    /// <summary>
    /// Applies a PartitionChangeRecord as Kafka does: each present field replaces the current one; a new leader
    /// (any value but -2) bumps the leader epoch; every change bumps the partition epoch.
    /// </summary>
    public PartitionRegistration Merge(PartitionChangeRecord change)
    {
        var leaderChanged = change.Leader != NoLeaderChange;
        return this with
        {
            Replicas = change.Replicas is null ? Replicas : [.. change.Replicas],
            Isr = change.Isr is null ? Isr : [.. change.Isr],
            RemovingReplicas = change.RemovingReplicas is null ? RemovingReplicas : [.. change.RemovingReplicas],
            AddingReplicas = change.AddingReplicas is null ? AddingReplicas : [.. change.AddingReplicas],
            Leader = leaderChanged ? change.Leader : Leader,
            LeaderEpoch = leaderChanged ? LeaderEpoch + 1 : LeaderEpoch,
            LeaderRecoveryState = change.LeaderRecoveryState == -1 ? LeaderRecoveryState : change.LeaderRecoveryState,
            PartitionEpoch = PartitionEpoch + 1,
            Directories = change.Directories is null ? Directories : [.. change.Directories],
        };
    }

    /// <summary>Value equality, element by element (an ImmutableArray alone compares by reference).</summary>
    public bool Equals(PartitionRegistration? other) =>
        other is not null
        && Leader == other.Leader
        && LeaderEpoch == other.LeaderEpoch
        && PartitionEpoch == other.PartitionEpoch
        && LeaderRecoveryState == other.LeaderRecoveryState
        && Replicas.SequenceEqual(other.Replicas)
        && Isr.SequenceEqual(other.Isr)
        && RemovingReplicas.SequenceEqual(other.RemovingReplicas)
        && AddingReplicas.SequenceEqual(other.AddingReplicas)
        && Directories.SequenceEqual(other.Directories);

    public override int GetHashCode() => HashCode.Combine(Leader, LeaderEpoch, PartitionEpoch, Replicas.Length);

    public bool IsReplica(int brokerId) => Replicas.Contains(brokerId);

    public bool IsInSync(int brokerId) => Isr.Contains(brokerId);

    public override string ToString() =>
        $"replicas=[{string.Join(',', Replicas)}] isr=[{string.Join(',', Isr)}] leader={Leader} leaderEpoch={LeaderEpoch} partitionEpoch={PartitionEpoch}";
}
