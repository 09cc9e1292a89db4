using Samsa.GroupCoordinator.Runtime;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Classic;

/// <summary>
/// A group of the classic protocol (JoinGroup/SyncGroup): membership, generation, selected protocol and the
/// rebalance bookkeeping. The assignment is the leader's, opaque to the coordinator.
/// </summary>
internal sealed class ClassicGroup : Group
{
    public const string ConsumerProtocolType = "consumer";

    private readonly Dictionary<string, ClassicGroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingJoinMembers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingSyncMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _supportedProtocols = new(StringComparer.Ordinal);

    public ClassicGroup(string groupId, ClassicGroupState state, long nowMs)
        : base(groupId)
    {
        State = state;
        CurrentStateTimestamp = nowMs;
    }

    public override GroupType Type => GroupType.Classic;

    public ClassicGroupState State { get; private set; }

    public ClassicGroupState PreviousState { get; private set; } = ClassicGroupState.Dead;

    /// <summary>When the group entered its state (-1 if unknown, from an old record): offsets of an empty group expire from here.</summary>
    public long CurrentStateTimestamp { get; set; }

    public int GenerationId { get; set; }

    public string? ProtocolType { get; set; }

    public string? ProtocolName { get; set; }

    public string? LeaderId { get; set; }

    public bool NewMemberAdded { get; set; }

    /// <summary>The join-phase deadline (initial delay or rebalance timeout).</summary>
    public ShardTimer? JoinTimer { get; set; }

    /// <summary>The deadline for members to send SyncGroup after the join phase.</summary>
    public ShardTimer? SyncTimer { get; set; }

    /// <summary>Session timers of members that got MEMBER_ID_REQUIRED and have not joined yet.</summary>
    public Dictionary<string, ShardTimer> PendingMemberTimers { get; } = new(StringComparer.Ordinal);

    /// <summary>The union of the members' subscribed topics when the protocol type is <c>consumer</c>; null if unknown.</summary>
    public HashSet<string>? SubscribedTopics { get; set; }

    public int NumAwaitingJoinResponse { get; private set; }

    public IReadOnlyCollection<ClassicGroupMember> Members => _members.Values;

    public int Size => _members.Count;

    public int PendingJoinCount => _pendingJoinMembers.Count;

    public IReadOnlyCollection<string> PendingSyncMembers => _pendingSyncMembers;

    public override string StateName => State.ToString();

    public override string ProtocolTypeForListing => ProtocolType ?? "";

    public override bool IsEmpty => State == ClassicGroupState.Empty;

    public bool UsesConsumerProtocol => ProtocolType == ConsumerProtocolType;

    /// <summary>The group's rebalance timeout: the largest of its members'.</summary>
    public int RebalanceTimeoutMs
    {
        get
        {
            var max = 0;
            foreach (var member in _members.Values)
            {
                max = Math.Max(max, member.RebalanceTimeoutMs);
            }

            return max;
        }
    }

    public bool HasAllMembersJoined => _members.Count == NumAwaitingJoinResponse && _pendingJoinMembers.Count == 0;

    public bool CanRebalance => State is ClassicGroupState.Stable or ClassicGroupState.CompletingRebalance or ClassicGroupState.Empty;

    public override bool IsSubscribedToTopic(string topic) =>
        SubscribedTopics is not null ? SubscribedTopics.Contains(topic) : UsesConsumerProtocol;

    public bool HasMember(string memberId) => _members.ContainsKey(memberId);

    public ClassicGroupMember? Member(string memberId) => _members.GetValueOrDefault(memberId);

    public bool IsLeader(string memberId) => LeaderId == memberId;

    public string? StaticMemberId(string groupInstanceId) => _staticMembers.GetValueOrDefault(groupInstanceId);

    public bool IsPendingMember(string memberId) => _pendingJoinMembers.Contains(memberId);

    public void AddPendingMember(string memberId) => _pendingJoinMembers.Add(memberId);

    public void RemovePendingMember(string memberId) => _pendingJoinMembers.Remove(memberId);

    public void AddPendingSyncMember(string memberId) => _pendingSyncMembers.Add(memberId);

    public bool RemovePendingSyncMember(string memberId) => _pendingSyncMembers.Remove(memberId);

    public void ClearPendingSyncMembers() => _pendingSyncMembers.Clear();

    public void TransitionTo(ClassicGroupState state, long nowMs)
    {
        PreviousState = State;
        State = state;
        CurrentStateTimestamp = nowMs;
    }

    public void Add(ClassicGroupMember member, TaskCompletionSource<JoinGroupResponse>? joinWaiter)
    {
        if (member.GroupInstanceId is not null)
        {
            _staticMembers[member.GroupInstanceId] = member.MemberId;
        }

        if (_members.Count == 0)
        {
            ProtocolType = member.ProtocolType;
        }

        LeaderId ??= member.MemberId;
        _members[member.MemberId] = member;
        IncrementSupportedProtocols(member);
        member.JoinWaiter = joinWaiter;
        if (joinWaiter is not null)
        {
            NumAwaitingJoinResponse++;
        }

        _pendingJoinMembers.Remove(member.MemberId);
    }

    public void Remove(string memberId)
    {
        if (_members.Remove(memberId, out var removed))
        {
            DecrementSupportedProtocols(removed);
            if (removed.IsAwaitingJoin)
            {
                NumAwaitingJoinResponse--;
            }

            if (removed.GroupInstanceId is not null)
            {
                _staticMembers.Remove(removed.GroupInstanceId);
            }
        }

        if (IsLeader(memberId))
        {
            LeaderId = null;
            foreach (var id in _members.Keys)
            {
                LeaderId = id;
                break;
            }
        }

        _pendingJoinMembers.Remove(memberId);
        _pendingSyncMembers.Remove(memberId);
    }

    /// <summary>Keeps a leader that rejoined, else elects a member that did; false if none joined.</summary>
    public bool MaybeElectNewJoinedLeader()
    {
        if (LeaderId is null || !_members.TryGetValue(LeaderId, out var leader))
        {
            return false;
        }

        if (leader.IsAwaitingJoin)
        {
            return true;
        }

        foreach (var member in _members.Values)
        {
            if (member.IsAwaitingJoin)
            {
                LeaderId = member.MemberId;
                return true;
            }
        }

        return false;
    }

    /// <summary>Static membership: the member of <paramref name="groupInstanceId"/> takes a new member id, keeping everything else.</summary>
    public ClassicGroupMember ReplaceStaticMember(string groupInstanceId, string oldMemberId, string newMemberId)
    {
        if (!_members.Remove(oldMemberId, out var member))
        {
            throw new InvalidOperationException($"cannot replace unknown member {oldMemberId}");
        }

        member.MemberId = newMemberId;
        _members[newMemberId] = member;
        if (LeaderId == oldMemberId)
        {
            LeaderId = newMemberId;
        }

        _staticMembers[groupInstanceId] = newMemberId;
        if (_pendingSyncMembers.Remove(oldMemberId))
        {
            _pendingSyncMembers.Add(newMemberId);
        }

        return member;
    }

    public void UpdateMember(ClassicGroupMember member, List<MemberProtocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs, TaskCompletionSource<JoinGroupResponse>? joinWaiter)
    {
        DecrementSupportedProtocols(member);
        member.Protocols = protocols;
        IncrementSupportedProtocols(member);
        member.RebalanceTimeoutMs = rebalanceTimeoutMs;
        member.SessionTimeoutMs = sessionTimeoutMs;
        if (joinWaiter is not null && !member.IsAwaitingJoin)
        {
            NumAwaitingJoinResponse++;
        }
        else if (joinWaiter is null && member.IsAwaitingJoin)
        {
            NumAwaitingJoinResponse--;
        }

        member.JoinWaiter = joinWaiter;
    }

    /// <summary>Answers a member's pending JoinGroup; false if it was not waiting.</summary>
    public bool CompleteJoin(ClassicGroupMember member, JoinGroupResponse response)
    {
        if (member.JoinWaiter is not { } waiter)
        {
            return false;
        }

        member.JoinWaiter = null;
        NumAwaitingJoinResponse--;
        waiter.TrySetResult(response);
        return true;
    }

    public static bool CompleteSync(ClassicGroupMember member, SyncGroupResponse response)
    {
        if (member.SyncWaiter is not { } waiter)
        {
            return false;
        }

        member.SyncWaiter = null;
        waiter.TrySetResult(response);
        return true;
    }

    /// <summary>Whether a joining member's protocols fit the group (Kafka's supportsProtocols).</summary>
    public bool SupportsProtocols(string memberProtocolType, List<MemberProtocol> protocols)
    {
        if (State == ClassicGroupState.Empty)
        {
            return memberProtocolType.Length > 0 && protocols.Count > 0;
        }

        if (ProtocolType != memberProtocolType)
        {
            return false;
        }

        foreach (var protocol in protocols)
        {
            if (_supportedProtocols.GetValueOrDefault(protocol.Name) == _members.Count)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The protocol every member supports that gets the most votes (each member votes for its first such).</summary>
    public string SelectProtocol()
    {
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, count) in _supportedProtocols)
        {
            if (count == _members.Count)
            {
                candidates.Add(name);
            }
        }

        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in _members.Values)
        {
            var vote = member.Vote(candidates);
            votes[vote] = votes.GetValueOrDefault(vote) + 1;
        }

        string? best = null;
        var bestVotes = 0;
        foreach (var (name, count) in votes)
        {
            if (count > bestVotes)
            {
                best = name;
                bestVotes = count;
            }
        }

        return best ?? throw new InvalidOperationException("no protocol to select");
    }

    /// <summary>Moves to the next generation: CompletingRebalance with members, Empty without.</summary>
    public void InitNextGeneration(long nowMs)
    {
        GenerationId++;
        if (_members.Count > 0)
        {
            ProtocolName = SelectProtocol();
            SubscribedTopics = ComputeSubscribedTopics();
            TransitionTo(ClassicGroupState.CompletingRebalance, nowMs);
        }
        else
        {
            ProtocolName = null;
            SubscribedTopics = ComputeSubscribedTopics();
            TransitionTo(ClassicGroupState.Empty, nowMs);
        }

        _pendingSyncMembers.Clear();
    }

    /// <summary>
    /// The topics the members subscribe to, read from the consumer protocol's Subscription (its version-0 prefix, so
    /// any version parses); null when the group is not a consumer group or a subscription does not parse.
    /// </summary>
    public HashSet<string>? ComputeSubscribedTopics()
    {
        if (ProtocolType is null || ProtocolType != ConsumerProtocolType)
        {
            return null;
        }

        if (_members.Count == 0)
        {
            return [];
        }

        if (ProtocolName is null)
        {
            return null;
        }

        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in _members.Values)
        {
            var metadata = member.Metadata(ProtocolName);
            if (metadata is null || !TryReadSubscriptionTopics(metadata, topics))
            {
                return null;
            }
        }

        return topics;
    }

    public List<JoinGroupResponse.JoinGroupResponseMember> CurrentMembersForJoin()
    {
        var list = new List<JoinGroupResponse.JoinGroupResponseMember>(_members.Count);
        foreach (var member in _members.Values)
        {
            list.Add(new JoinGroupResponse.JoinGroupResponseMember
            {
                MemberId = member.MemberId,
                GroupInstanceId = member.GroupInstanceId,
                Metadata = (ProtocolName is null ? null : member.Metadata(ProtocolName)) ?? [],
            });
        }

        return list;
    }

    public IEnumerable<ClassicGroupMember> NotYetRejoinedMembers() => _members.Values.Where(m => !m.IsAwaitingJoin).ToList();

    private static bool TryReadSubscriptionTopics(byte[] metadata, HashSet<string> topics)
    {
        try
        {
            var reader = new ProtocolReader(metadata);
            reader.ReadInt16();
            var subscription = ConsumerProtocolSubscription.Read(ref reader, 0);
            foreach (var topic in subscription.Topics)
            {
                topics.Add(topic);
            }

            return true;
        }
        catch (ProtocolDecodeException)
        {
            return false;
        }
    }

    private void IncrementSupportedProtocols(ClassicGroupMember member)
    {
        foreach (var protocol in member.Protocols)
        {
            _supportedProtocols[protocol.Name] = _supportedProtocols.GetValueOrDefault(protocol.Name) + 1;
        }
    }

    private void DecrementSupportedProtocols(ClassicGroupMember member)
    {
        foreach (var protocol in member.Protocols)
        {
            _supportedProtocols[protocol.Name] = _supportedProtocols.GetValueOrDefault(protocol.Name) - 1;
        }
    }
}
