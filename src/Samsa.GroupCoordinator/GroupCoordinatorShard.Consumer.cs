using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Samsa.GroupCoordinator.Classic;
using Samsa.GroupCoordinator.Consumer;
using Samsa.GroupCoordinator.Consumer.Assignors;
using Samsa.GroupCoordinator.Records;
using Samsa.GroupCoordinator.Runtime;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator;

/// <summary>The KIP-848 consumer group protocol: ConsumerGroupHeartbeat with server-side assignment.</summary>
internal sealed partial class GroupCoordinatorShard
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<string, Regex> _regexCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IConsumerGroupAssignor> _assignors = new(StringComparer.Ordinal)
    {
        [UniformAssignor.AssignorName] = new UniformAssignor(),
        [RangeAssignor.AssignorName] = new RangeAssignor(),
    };

    private sealed class HeartbeatException(ErrorCode error, string? message) : Exception(message)
    {
        public ErrorCode Error { get; } = error;
    }

    public async Task<ConsumerGroupHeartbeatResponse> ConsumerGroupHeartbeatAsync(CoordinatorRequestContext context, ConsumerGroupHeartbeatRequest request)
    {
        ConsumerGroupHeartbeatResponse response;
        Task<long>? write;
        lock (_lock)
        {
            if (Unavailable is { } unavailable)
            {
                return HeartbeatError(unavailable, null);
            }

            try
            {
                (response, var records) = request.MemberEpoch is ConsumerGroupMember.LeaveGroupEpoch or ConsumerGroupMember.LeaveGroupStaticEpoch
                    ? ConsumerGroupLeave(request)
                    : ConsumerGroupHeartbeatLocked(context, request);
                write = records.Count > 0 ? Append(records) : null;
            }
            catch (HeartbeatException ex)
            {
                return HeartbeatError(ex.Error, ex.Message);
            }
        }

        if (write is not null)
        {
            await AfterWriteAsync(write, (error, _) =>
            {
                if (error != ErrorCode.None)
                {
                    response = HeartbeatError(MapAppendError(error), null);
                }
            }).ConfigureAwait(false);
        }

        return response;
    }

    internal static ConsumerGroupHeartbeatResponse HeartbeatError(ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, ErrorMessage = message, MemberEpoch = 0 };

    private (ConsumerGroupHeartbeatResponse, List<CoordinatorRecord>) ConsumerGroupHeartbeatLocked(CoordinatorRequestContext context, ConsumerGroupHeartbeatRequest request)
    {
        var records = new List<CoordinatorRecord>();
        var group = GetOrCreateConsumerGroup(request.GroupId, request.MemberEpoch == 0, records);
        var memberId = request.MemberId.Length == 0 ? Uuid.Random().ToString() : request.MemberId;
        if (group.Members.Count >= Config.ConsumerGroupMaxSize && !group.Members.ContainsKey(memberId))
        {
            throw new HeartbeatException(ErrorCode.GroupMaxSizeReached, $"The consumer group has reached its maximum capacity of {Config.ConsumerGroupMaxSize} members.");
        }

        var owned = ToOwned(request.TopicPartitions);
        var (member, isNew, replaced) = ResolveMember(group, request, memberId, owned);
        if (replaced is not null)
        {
            records.Add(CoordinatorRecords.ConsumerGroupCurrentAssignmentTombstone(group.GroupId, replaced.MemberId));
            records.Add(CoordinatorRecords.ConsumerGroupTargetAssignmentTombstone(group.GroupId, replaced.MemberId));
            records.Add(CoordinatorRecords.ConsumerGroupMemberSubscriptionTombstone(group.GroupId, replaced.MemberId));
            replaced.SessionTimer?.Dispose();
            replaced.RebalanceTimer?.Dispose();
        }

        // 1. The member's subscription, and the group epoch when subscriptions or the topics they resolve to change.
        var updated = member.CopySubscription();
        if (request.InstanceId is not null)
        {
            updated.InstanceId = request.InstanceId;
        }

        if (request.RackId is not null)
        {
            updated.RackId = request.RackId;
        }

        if (request.RebalanceTimeoutMs != -1)
        {
            updated.RebalanceTimeoutMs = request.RebalanceTimeoutMs;
        }

        if (request.ServerAssignor is not null)
        {
            updated.ServerAssignor = request.ServerAssignor;
        }

        if (request.SubscribedTopicNames is not null)
        {
            updated.SubscribedTopicNames = [.. request.SubscribedTopicNames];
        }

        if (request.SubscribedTopicRegex is not null)
        {
            updated.SubscribedTopicRegex = request.SubscribedTopicRegex.Length == 0 ? null : request.SubscribedTopicRegex;
        }

        updated.ClientId = context.ClientId;
        updated.ClientHost = context.ClientHost;
        updated.RegexTopics = ResolveRegex(updated.SubscribedTopicRegex);

        var bumpEpoch = isNew && replaced is null;
        if (isNew || !updated.SubscriptionEquals(member))
        {
            records.Add(CoordinatorRecords.ConsumerGroupMemberSubscription(group.GroupId, updated));
            bumpEpoch |= !updated.SubscribedTopicNames.SequenceEqual(member.SubscribedTopicNames) || updated.SubscribedTopicRegex != member.SubscribedTopicRegex;
        }

        bumpEpoch |= !updated.RegexTopics.SetEquals(member.RegexTopics);
        var groupEpoch = group.GroupEpoch;
        var subscriptionMetadata = group.SubscriptionMetadata;
        if (bumpEpoch || group.MetadataVersionSeen != _topics.Version)
        {
            subscriptionMetadata = ComputeSubscriptionMetadata(group, updated, replaced);
            if (!SameMetadata(subscriptionMetadata, group.SubscriptionMetadata))
            {
                records.Add(CoordinatorRecords.ConsumerGroupSubscriptionMetadata(group.GroupId, subscriptionMetadata));
                bumpEpoch = true;
            }

            if (bumpEpoch)
            {
                groupEpoch++;
                records.Add(CoordinatorRecords.ConsumerGroupEpoch(group.GroupId, groupEpoch));
            }

            group.MetadataVersionSeen = _topics.Version;
        }

        // 2. A new target assignment when the group epoch moved past the assignment epoch.
        var targetEpoch = group.AssignmentEpoch;
        var target = group.TargetAssignment.GetValueOrDefault(memberId) ?? new TopicPartitionSet();
        if (groupEpoch > targetEpoch || replaced is not null)
        {
            var newTarget = ComputeTargetAssignment(group, updated, replaced, subscriptionMetadata);
            foreach (var (id, assignment) in newTarget)
            {
                var previous = group.TargetAssignment.GetValueOrDefault(id);
                if (previous is null || !previous.Equals(assignment))
                {
                    records.Add(CoordinatorRecords.ConsumerGroupTargetAssignment(group.GroupId, id, assignment));
                }
            }

            records.Add(CoordinatorRecords.ConsumerGroupTargetAssignmentEpoch(group.GroupId, groupEpoch));
            target = newTarget.GetValueOrDefault(memberId) ?? new TopicPartitionSet();
            targetEpoch = groupEpoch;
        }

        // Apply what is decided so far, so reconciliation sees the group as it now is.
        foreach (var record in records)
        {
            Replay(record, -1);
        }

        var live = group.Member(memberId)!;
        live.RegexTopics = updated.RegexTopics;

        // 3. Reconcile the member's current assignment towards its target.
        var subscribedIds = new HashSet<Uuid>();
        foreach (var topic in live.AllSubscribedTopics)
        {
            if (subscriptionMetadata.TryGetValue(topic, out var info))
            {
                subscribedIds.Add(info.Id);
            }
        }

        var before = (live.MemberEpoch, live.AssignedPartitions);
        var next = CurrentAssignmentBuilder.Build(live, targetEpoch, target, subscribedIds, group.CurrentPartitionEpoch, owned);
        if (isNew || next.MemberEpoch != live.MemberEpoch || next.PreviousMemberEpoch != live.PreviousMemberEpoch || next.State != live.State
            || !next.Assigned.Equals(live.AssignedPartitions) || !next.PendingRevocation.Equals(live.PartitionsPendingRevocation))
        {
            var probe = live.CopySubscription();
            probe.MemberEpoch = next.MemberEpoch;
            probe.PreviousMemberEpoch = next.PreviousMemberEpoch;
            probe.State = next.State;
            probe.AssignedPartitions = next.Assigned;
            probe.PartitionsPendingRevocation = next.PendingRevocation;
            var record = CoordinatorRecords.ConsumerGroupCurrentAssignment(group.GroupId, probe);
            records.Add(record);
            Replay(record, -1);
            if (live.State == MemberState.UnrevokedPartitions)
            {
                live.RebalanceTimer ??= new ShardTimer(this);
                var epoch = live.MemberEpoch;
                live.RebalanceTimer.Schedule(Math.Max(live.RebalanceTimeoutMs, 0), () => ExpireRevocation(group, live, epoch));
            }
            else
            {
                live.RebalanceTimer?.Cancel();
            }
        }

        ScheduleConsumerSession(group, live);

        var response = new ConsumerGroupHeartbeatResponse
        {
            MemberId = live.MemberId,
            MemberEpoch = live.MemberEpoch,
            HeartbeatIntervalMs = Config.ConsumerGroupHeartbeatIntervalMs,
        };
        if (owned is not null || request.MemberEpoch == 0 || !before.AssignedPartitions.Equals(live.AssignedPartitions))
        {
            response.Assignment = new ConsumerGroupHeartbeatResponse.AssignmentData { TopicPartitions = [] };
            foreach (var (topicId, partitions) in live.AssignedPartitions.Topics)
            {
                response.Assignment.TopicPartitions.Add(new ConsumerGroupHeartbeatResponse.TopicPartitions { TopicId = topicId, Partitions = [.. partitions] });
            }
        }

        return (response, records);
    }

    private static List<(Uuid TopicId, IReadOnlyList<int> Partitions)>? ToOwned(List<ConsumerGroupHeartbeatRequest.TopicPartitionsData>? topics) =>
        topics?.Select(t => (t.TopicId, (IReadOnlyList<int>)t.Partitions)).ToList();

    private ConsumerGroup GetOrCreateConsumerGroup(string groupId, bool create, List<CoordinatorRecord> records)
    {
        switch (FindGroup(groupId))
        {
            case ConsumerGroup existing:
                return existing;
            case ClassicGroup classic:
                if (!create || !classic.IsEmpty)
                {
                    throw new HeartbeatException(ErrorCode.GroupIdNotFound, $"Group {groupId} is not a consumer group.");
                }

                // An empty classic group becomes a consumer group; its offsets stay.
                records.Add(CoordinatorRecords.GroupMetadataTombstone(groupId));
                RemoveGroup(groupId);
                break;
            case null when !create:
                throw new HeartbeatException(ErrorCode.GroupIdNotFound, $"Group {groupId} not found.");
        }

        var group = new ConsumerGroup(groupId);
        _groups[groupId] = group;
        return group;
    }

    private static (ConsumerGroupMember Member, bool IsNew, ConsumerGroupMember? Replaced) ResolveMember(
        ConsumerGroup group,
        ConsumerGroupHeartbeatRequest request,
        string memberId,
        IReadOnlyList<(Uuid TopicId, IReadOnlyList<int> Partitions)>? owned)
    {
        if (request.InstanceId is null)
        {
            var existing = group.Member(memberId);
            if (existing is null)
            {
                if (request.MemberEpoch != 0)
                {
                    throw new HeartbeatException(ErrorCode.UnknownMemberId, $"Member {memberId} is not a member of group {group.GroupId}.");
                }

                return (new ConsumerGroupMember(memberId), true, null);
            }

            ThrowIfEpochInvalid(existing, request.MemberEpoch, owned);
            return (existing, false, null);
        }

        var staticMember = group.StaticMember(request.InstanceId);
        if (request.MemberEpoch == 0)
        {
            if (staticMember is null)
            {
                var existing = group.Member(memberId);
                return existing is null ? (new ConsumerGroupMember(memberId), true, null) : (existing, false, null);
            }

            if (staticMember.MemberEpoch != ConsumerGroupMember.LeaveGroupStaticEpoch)
            {
                throw new HeartbeatException(ErrorCode.UnreleasedInstanceId, $"Static member {memberId} with instance id {request.InstanceId} cannot join the group because the instance id is owned by {staticMember.MemberId}.");
            }

            // The returning static member takes over the previous incarnation's partitions.
            var replacement = new ConsumerGroupMember(memberId) { InstanceId = request.InstanceId };
            return (replacement, true, staticMember);
        }

        if (staticMember is null)
        {
            throw new HeartbeatException(ErrorCode.UnknownMemberId, $"Instance id {request.InstanceId} is unknown.");
        }

        if (staticMember.MemberId != memberId)
        {
            throw new HeartbeatException(ErrorCode.FencedInstanceId, $"Static member {memberId} with instance id {request.InstanceId} was fenced by member {staticMember.MemberId}.");
        }

        ThrowIfEpochInvalid(staticMember, request.MemberEpoch, owned);
        return (staticMember, false, null);
    }

    private static void ThrowIfEpochInvalid(ConsumerGroupMember member, int receivedEpoch, IReadOnlyList<(Uuid TopicId, IReadOnlyList<int> Partitions)>? owned)
    {
        if (receivedEpoch > member.MemberEpoch)
        {
            throw new HeartbeatException(ErrorCode.FencedMemberEpoch, $"The consumer group member has a greater member epoch ({receivedEpoch}) than the one known by the group coordinator ({member.MemberEpoch}). The member must abandon all its partitions and rejoin.");
        }

        if (receivedEpoch < member.MemberEpoch)
        {
            // The response that bumped the epoch may have been lost: the previous epoch with a subset of the
            // current partitions is still accepted.
            var isSubset = owned is null || owned.All(t => t.Partitions.All(p => member.AssignedPartitions.Contains(t.TopicId, p)));
            if (receivedEpoch != member.PreviousMemberEpoch || !isSubset)
            {
                throw new HeartbeatException(ErrorCode.FencedMemberEpoch, $"The consumer group member has a smaller member epoch ({receivedEpoch}) than the one known by the group coordinator ({member.MemberEpoch}). The member must abandon all its partitions and rejoin.");
            }
        }
    }

    private HashSet<string> ResolveRegex(string? pattern)
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(pattern))
        {
            return topics;
        }

        if (!_regexCache.TryGetValue(pattern, out var regex))
        {
            try
            {
                // Kafka matches the whole topic name (RE2/J's matches()).
                regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (ArgumentException ex)
            {
                throw new HeartbeatException(ErrorCode.InvalidRegularExpression, $"SubscribedTopicRegex {pattern} is not a valid regular expression: {ex.Message}");
            }

            if (_regexCache.Count > 1024)
            {
                _regexCache.Clear();
            }

            _regexCache[pattern] = regex;
        }

        foreach (var name in _topics.TopicNames)
        {
            if (name is CoordinatorPartitioner.OffsetsTopicName or "__transaction_state")
            {
                continue;
            }

            try
            {
                if (regex.IsMatch(name))
                {
                    topics.Add(name);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                _logger.LogWarning("Regular expression {Pattern} timed out on topic {Topic}", pattern, name);
            }
        }

        return topics;
    }

    private Dictionary<string, TopicInfo> ComputeSubscriptionMetadata(ConsumerGroup group, ConsumerGroupMember? updated, ConsumerGroupMember? removed)
    {
        var metadata = new Dictionary<string, TopicInfo>(StringComparer.Ordinal);
        void AddTopics(ConsumerGroupMember member)
        {
            foreach (var topic in member.AllSubscribedTopics)
            {
                if (!metadata.ContainsKey(topic) && _topics.TryGetTopic(topic, out var info))
                {
                    metadata[topic] = info;
                }
            }
        }

        foreach (var member in group.Members.Values)
        {
            if (member.MemberId != updated?.MemberId && member.MemberId != removed?.MemberId)
            {
                AddTopics(member);
            }
        }

        if (updated is not null)
        {
            AddTopics(updated);
        }

        return metadata;
    }

    private static bool SameMetadata(Dictionary<string, TopicInfo> a, Dictionary<string, TopicInfo> b) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var other) && other == entry.Value);

    private Dictionary<string, TopicPartitionSet> ComputeTargetAssignment(
        ConsumerGroup group,
        ConsumerGroupMember updated,
        ConsumerGroupMember? replaced,
        Dictionary<string, TopicInfo> subscriptionMetadata)
    {
        var members = new List<AssignmentMember>();
        var current = new Dictionary<string, TopicPartitionSet>(group.TargetAssignment, StringComparer.Ordinal);
        if (replaced is not null && current.Remove(replaced.MemberId, out var replacedTarget))
        {
            current[updated.MemberId] = replacedTarget;
        }

        IEnumerable<ConsumerGroupMember> all = group.Members.Values.Where(m => m.MemberId != updated.MemberId && m.MemberId != replaced?.MemberId).Append(updated);
        foreach (var member in all.OrderBy(m => m.MemberId, StringComparer.Ordinal))
        {
            var ids = new HashSet<Uuid>();
            foreach (var topic in member.AllSubscribedTopics)
            {
                if (subscriptionMetadata.TryGetValue(topic, out var info))
                {
                    ids.Add(info.Id);
                }
            }

            members.Add(new AssignmentMember(member.MemberId, ids));
        }

        var counts = subscriptionMetadata.Values.ToDictionary(t => t.Id, t => t.PartitionCount);
        var assignorName = updated.ServerAssignor
            ?? group.Members.Values.Select(m => m.ServerAssignor).FirstOrDefault(a => a is not null)
            ?? Config.ConsumerGroupAssignors[0];
        var assignor = _assignors.GetValueOrDefault(assignorName) ?? _assignors[Config.ConsumerGroupAssignors[0]];
        var result = assignor.Assign(new AssignmentSpec(members, counts, current));
        _logger.LogInformation("Computed a new target assignment for group {GroupId} with the {Assignor} assignor", group.GroupId, assignor.Name);
        return result;
    }

    private (ConsumerGroupHeartbeatResponse, List<CoordinatorRecord>) ConsumerGroupLeave(ConsumerGroupHeartbeatRequest request)
    {
        if (FindGroup(request.GroupId) is not ConsumerGroup group)
        {
            throw new HeartbeatException(ErrorCode.GroupIdNotFound, $"Group {request.GroupId} not found.");
        }

        ConsumerGroupMember member;
        if (request.InstanceId is null)
        {
            member = group.Member(request.MemberId) ?? throw new HeartbeatException(ErrorCode.UnknownMemberId, $"Member {request.MemberId} is not a member of group {group.GroupId}.");
        }
        else
        {
            member = group.StaticMember(request.InstanceId) ?? throw new HeartbeatException(ErrorCode.UnknownMemberId, $"Instance id {request.InstanceId} is unknown.");
            if (member.MemberId != request.MemberId)
            {
                throw new HeartbeatException(ErrorCode.FencedInstanceId, $"Static member {request.MemberId} with instance id {request.InstanceId} was fenced by member {member.MemberId}.");
            }
        }

        List<CoordinatorRecord> records;
        if (request.MemberEpoch == ConsumerGroupMember.LeaveGroupStaticEpoch)
        {
            // A static member leaving for a restart keeps its assignment for its session timeout.
            var leaving = member.CopySubscription();
            leaving.MemberEpoch = ConsumerGroupMember.LeaveGroupStaticEpoch;
            leaving.PartitionsPendingRevocation = new TopicPartitionSet();
            var record = CoordinatorRecords.ConsumerGroupCurrentAssignment(group.GroupId, leaving);
            Replay(record, -1);
            member.RebalanceTimer?.Cancel();
            records = [record];
        }
        else
        {
            records = FenceConsumerMember(group, member);
        }

        return (new ConsumerGroupHeartbeatResponse { MemberId = request.MemberId, MemberEpoch = request.MemberEpoch }, records);
    }

    /// <summary>Removes a member: tombstones for its records, new subscription metadata, a group epoch bump; applied at once.</summary>
    private List<CoordinatorRecord> FenceConsumerMember(ConsumerGroup group, ConsumerGroupMember member)
    {
        var records = new List<CoordinatorRecord>
        {
            CoordinatorRecords.ConsumerGroupCurrentAssignmentTombstone(group.GroupId, member.MemberId),
            CoordinatorRecords.ConsumerGroupTargetAssignmentTombstone(group.GroupId, member.MemberId),
            CoordinatorRecords.ConsumerGroupMemberSubscriptionTombstone(group.GroupId, member.MemberId),
        };
        var metadata = ComputeSubscriptionMetadata(group, null, member);
        if (!SameMetadata(metadata, group.SubscriptionMetadata))
        {
            records.Add(CoordinatorRecords.ConsumerGroupSubscriptionMetadata(group.GroupId, metadata));
        }

        records.Add(CoordinatorRecords.ConsumerGroupEpoch(group.GroupId, group.GroupEpoch + 1));
        member.SessionTimer?.Dispose();
        member.RebalanceTimer?.Dispose();
        foreach (var record in records)
        {
            Replay(record, -1);
        }

        return records;
    }

    private void FenceInBackground(ConsumerGroup group, ConsumerGroupMember member, string reason)
    {
        if (group.Member(member.MemberId) != member)
        {
            return;
        }

        _logger.LogInformation("Member {MemberId} fenced from group {GroupId}: {Reason}", member.MemberId, group.GroupId, reason);
        var write = Append(FenceConsumerMember(group, member));
        _ = AfterWriteAsync(write, (error, _) =>
        {
            if (error != ErrorCode.None)
            {
                _logger.LogWarning("Failed to write the fencing of member {MemberId} of group {GroupId}: {Error}", member.MemberId, group.GroupId, error);
            }
        });
    }

    private void ScheduleConsumerSession(ConsumerGroup group, ConsumerGroupMember member)
    {
        member.SessionTimer ??= new ShardTimer(this);
        member.SessionTimer.Schedule(Config.ConsumerGroupSessionTimeoutMs, () => FenceInBackground(group, member, "session expired"));
    }

    private void ExpireRevocation(ConsumerGroup group, ConsumerGroupMember member, int epoch)
    {
        if (member.MemberEpoch == epoch && member.State == MemberState.UnrevokedPartitions)
        {
            FenceInBackground(group, member, $"did not revoke its partitions within {member.RebalanceTimeoutMs} ms");
        }
    }

    private void OnConsumerGroupLoaded(ConsumerGroup group)
    {
        foreach (var member in group.Members.Values)
        {
            ScheduleConsumerSession(group, member);
            if (member.State == MemberState.UnrevokedPartitions)
            {
                member.RebalanceTimer ??= new ShardTimer(this);
                var epoch = member.MemberEpoch;
                member.RebalanceTimer.Schedule(Math.Max(member.RebalanceTimeoutMs, 0), () => ExpireRevocation(group, member, epoch));
            }
        }
    }

    private static void DisposeConsumerTimers(ConsumerGroup group)
    {
        foreach (var member in group.Members.Values)
        {
            member.SessionTimer?.Dispose();
            member.RebalanceTimer?.Dispose();
        }
    }

    private void DeleteConsumerGroupForConversion(ConsumerGroup group)
    {
        var write = Append(GroupTombstones(group, group.GroupId));
        RemoveGroup(group.GroupId);
        _ = AfterWriteAsync(write, (_, _) => { });
    }
}
