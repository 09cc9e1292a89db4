namespace Samsa.GroupCoordinator.Classic;

/// <summary>The states of a classic group, with Kafka's names (DescribeGroups and ListGroups show them).</summary>
internal enum ClassicGroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}
