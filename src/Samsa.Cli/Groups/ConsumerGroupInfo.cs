using Samsa.Client;
using Samsa.Client.Admin;
using Samsa.Client.Errors;
using Samsa.Protocol.Errors;

namespace Samsa.Cli.Groups;

/// <summary>A group member from either group protocol; epochs and target assignments only for KIP-848 groups.</summary>
internal sealed record ConsumerGroupMemberInfo(
    string MemberId, string? InstanceId, string ClientId, string Host, IReadOnlyList<TopicPartition> Assignment, int? Epoch, IReadOnlyList<TopicPartition> TargetAssignment);

/// <summary>
/// A group described as Kafka's admin client describes it: as a KIP-848 consumer group, else (GROUP_ID_NOT_FOUND, or a
/// broker without ConsumerGroupDescribe) as a classic group, which reads Dead when it does not exist.
/// </summary>
internal sealed record ConsumerGroupInfo(
    string GroupId, string State, string Assignor, int Coordinator, IReadOnlyList<ConsumerGroupMemberInfo> Members, int? GroupEpoch, int? TargetAssignmentEpoch)
{
    public bool IsDead => State == "Dead";

    public static async Task<ConsumerGroupInfo> DescribeAsync(KafkaAdminClient admin, string groupId, CancellationToken ct) =>
        await DescribeConsumerAsync(admin, groupId, ct) ?? await DescribeClassicAsync(admin, groupId, ct);

    private static async Task<ConsumerGroupInfo?> DescribeConsumerAsync(KafkaAdminClient admin, string groupId, CancellationToken ct)
    {
        ConsumerGroupDescription d;
        try
        {
            d = (await admin.DescribeConsumerGroupsAsync([groupId], ct))[0];
        }
        catch (Exception e) when (e is UnsupportedApiException or KafkaBrokerException { ErrorCode: ErrorCode.UnsupportedVersion })
        {
            return null;
        }

        if (d.Error is { ErrorCode: ErrorCode.GroupIdNotFound })
        {
            return null;
        }

        if (d.Error is not null)
        {
            throw d.Error;
        }

        var members = d.Members.Select(m => new ConsumerGroupMemberInfo(m.MemberId, m.InstanceId, m.ClientId, m.ClientHost, m.Assignment, m.MemberEpoch, m.TargetAssignment));
        return new ConsumerGroupInfo(d.GroupId, d.State, d.AssignorName, d.Coordinator, [.. members], d.GroupEpoch, d.AssignmentEpoch);
    }

    private static async Task<ConsumerGroupInfo> DescribeClassicAsync(KafkaAdminClient admin, string groupId, CancellationToken ct)
    {
        var d = (await admin.DescribeGroupsAsync([groupId], ct)).ThrowIfAnyFailed()[0];
        var members = d.Members.Select(m => new ConsumerGroupMemberInfo(m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost, m.Assignment, null, []));
        return new ConsumerGroupInfo(d.GroupId, d.State, d.Protocol, d.Coordinator, [.. members], null, null);
    }
}
