using Samsa.GroupCoordinator.Runtime;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator.Classic;

/// <summary>One protocol a member supports, with its metadata (the consumer protocol's Subscription).</summary>
internal readonly record struct MemberProtocol(string Name, byte[] Metadata);

/// <summary>A member of a classic group.</summary>
internal sealed class ClassicGroupMember
{
    public ClassicGroupMember(
        string memberId,
        string? groupInstanceId,
        string clientId,
        string clientHost,
        int rebalanceTimeoutMs,
        int sessionTimeoutMs,
        string protocolType,
        List<MemberProtocol> protocols)
    {
        MemberId = memberId;
        GroupInstanceId = groupInstanceId;
        ClientId = clientId;
        ClientHost = clientHost;
        RebalanceTimeoutMs = rebalanceTimeoutMs;
        SessionTimeoutMs = sessionTimeoutMs;
        ProtocolType = protocolType;
        Protocols = protocols;
    }

    public string MemberId { get; set; }

    public string? GroupInstanceId { get; }

    public bool IsStatic => GroupInstanceId is not null;

    public string ClientId { get; set; }

    public string ClientHost { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    public int SessionTimeoutMs { get; set; }

    public string ProtocolType { get; }

    public List<MemberProtocol> Protocols { get; set; }

    public byte[] Assignment { get; set; } = [];

    /// <summary>Joined in the current rebalance and not yet answered: expires on session timeout even while waiting.</summary>
    public bool IsNew { get; set; }

    public TaskCompletionSource<JoinGroupResponse>? JoinWaiter { get; set; }

    public TaskCompletionSource<SyncGroupResponse>? SyncWaiter { get; set; }

    /// <summary>The API version of the pending JoinGroup or SyncGroup, to shape its response.</summary>
    public short JoinVersion { get; set; }

    public short SyncVersion { get; set; }

    public ShardTimer? SessionTimer { get; set; }

    public bool IsAwaitingJoin => JoinWaiter is not null;

    public bool IsAwaitingSync => SyncWaiter is not null;

    /// <summary>Whether the session may expire now: members waiting in a rebalance are alive unless new (Kafka's rule).</summary>
    public bool HasSatisfiedHeartbeat => !IsNew && (IsAwaitingJoin || IsAwaitingSync);

    public byte[]? Metadata(string protocolName)
    {
        foreach (var protocol in Protocols)
        {
            if (protocol.Name == protocolName)
            {
                return protocol.Metadata;
            }
        }

        return null;
    }

    /// <summary>The member's preferred protocol among the candidates: the first of its own list.</summary>
    public string Vote(HashSet<string> candidates)
    {
        foreach (var protocol in Protocols)
        {
            if (candidates.Contains(protocol.Name))
            {
                return protocol.Name;
            }
        }

        throw new InvalidOperationException($"member {MemberId} supports none of the candidate protocols");
    }

    public bool Matches(List<MemberProtocol> protocols)
    {
        if (protocols.Count != Protocols.Count)
        {
            return false;
        }

        for (var i = 0; i < protocols.Count; i++)
        {
            if (protocols[i].Name != Protocols[i].Name || !protocols[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata))
            {
                return false;
            }
        }

        return true;
    }
}
