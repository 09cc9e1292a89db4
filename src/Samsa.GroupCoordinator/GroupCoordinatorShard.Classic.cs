using Microsoft.Extensions.Logging;
using Samsa.GroupCoordinator.Classic;
using Samsa.GroupCoordinator.Records;
using Samsa.GroupCoordinator.Runtime;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator;

/// <summary>The classic group protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and their timers.</summary>
internal sealed partial class GroupCoordinatorShard
{
    private const string UnknownMemberId = "";

    public Task<JoinGroupResponse> JoinGroupAsync(CoordinatorRequestContext context, JoinGroupRequest request)
    {
        var version = context.ApiVersion;
        var waiter = new TaskCompletionSource<JoinGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (Unavailable is { } unavailable)
            {
                return Task.FromResult(JoinError(version, unavailable, request.MemberId));
            }

            if (request.SessionTimeoutMs < Config.GroupMinSessionTimeoutMs || request.SessionTimeoutMs > Config.GroupMaxSessionTimeoutMs)
            {
                return Task.FromResult(JoinError(version, ErrorCode.InvalidSessionTimeout, request.MemberId));
            }

            var isUnknownMember = request.MemberId.Length == 0;
            var existing = FindGroup(request.GroupId);
            if (existing is not null and not ClassicGroup)
            {
                if (existing.IsEmpty && existing is Consumer.ConsumerGroup emptyConsumerGroup)
                {
                    // An empty consumer group turns into a classic one, as Kafka's migration policy allows.
                    DeleteConsumerGroupForConversion(emptyConsumerGroup);
                    existing = null;
                }
                else
                {
                    return Task.FromResult(JoinError(version, ErrorCode.InconsistentGroupProtocol, request.MemberId));
                }
            }

            var group = (ClassicGroup?)existing;
            if (group is null)
            {
                if (!isUnknownMember)
                {
                    return Task.FromResult(JoinError(version, ErrorCode.UnknownMemberId, request.MemberId));
                }

                group = new ClassicGroup(request.GroupId, ClassicGroupState.Empty, NowMs);
                _groups[request.GroupId] = group;
            }

            var protocols = ToProtocols(request);
            var rebalanceTimeoutMs = version >= 1 && request.RebalanceTimeoutMs >= 0 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs;
            var join = new JoinArguments(context, request, protocols, rebalanceTimeoutMs, waiter);
            if (!AcceptJoiningMember(group, request.MemberId))
            {
                group.Remove(request.MemberId);
                waiter.TrySetResult(JoinError(version, ErrorCode.GroupMaxSizeReached, UnknownMemberId));
            }
            else if (isUnknownMember)
            {
                JoinNewMember(group, join);
            }
            else
            {
                JoinExistingMember(group, join);
            }

            if (group.IsEmpty && group.Size == 0 && !_offsets.ContainsKey(group.GroupId) && group.GenerationId == 0 && group.PendingJoinCount == 0)
            {
                // A join that left nothing behind (an error) must not leave an empty group to list.
                _groups.Remove(group.GroupId);
            }
        }

        return waiter.Task;
    }

    private readonly record struct JoinArguments(
        CoordinatorRequestContext Context,
        JoinGroupRequest Request,
        List<MemberProtocol> Protocols,
        int RebalanceTimeoutMs,
        TaskCompletionSource<JoinGroupResponse> Waiter)
    {
        public short Version => Context.ApiVersion;
    }

    private static List<MemberProtocol> ToProtocols(JoinGroupRequest request)
    {
        var list = new List<MemberProtocol>(request.Protocols.Count);
        foreach (var protocol in request.Protocols)
        {
            list.Add(new MemberProtocol(protocol.Name, protocol.Metadata));
        }

        return list;
    }

    private bool AcceptJoiningMember(ClassicGroup group, string memberId) => group.State switch
    {
        ClassicGroupState.Empty or ClassicGroupState.Dead => true,
        ClassicGroupState.PreparingRebalance =>
            (group.Member(memberId)?.IsAwaitingJoin ?? false) || group.NumAwaitingJoinResponse < Config.GroupMaxSize,
        _ => group.HasMember(memberId) || group.Size < Config.GroupMaxSize,
    };

    private void JoinNewMember(ClassicGroup group, JoinArguments join)
    {
        var request = join.Request;
        if (group.State == ClassicGroupState.Dead)
        {
            join.Waiter.TrySetResult(JoinError(join.Version, ErrorCode.CoordinatorNotAvailable, UnknownMemberId));
            return;
        }

        if (!group.SupportsProtocols(request.ProtocolType, join.Protocols))
        {
            join.Waiter.TrySetResult(JoinError(join.Version, ErrorCode.InconsistentGroupProtocol, UnknownMemberId));
            return;
        }

        var newMemberId = (request.GroupInstanceId ?? join.Context.ClientId) + "-" + Guid.NewGuid().ToString();
        if (request.GroupInstanceId is { } instanceId)
        {
            if (group.StaticMemberId(instanceId) is { } existingMemberId)
            {
                UpdateStaticMemberThenRebalanceOrCompleteJoin(group, join, existingMemberId, newMemberId);
            }
            else
            {
                AddMemberThenRebalanceOrCompleteJoin(group, join, newMemberId);
            }

            return;
        }

        if (join.Version >= 4)
        {
            // KIP-394: the member must come back with the id it is given, so a client that times out and retries
            // does not leave a phantom member behind.
            group.AddPendingMember(newMemberId);
            var timer = new ShardTimer(this);
            group.PendingMemberTimers[newMemberId] = timer;
            timer.Schedule(request.SessionTimeoutMs, () => ExpirePendingMember(group, newMemberId));
            join.Waiter.TrySetResult(JoinError(join.Version, ErrorCode.MemberIdRequired, newMemberId));
            return;
        }

        AddMemberThenRebalanceOrCompleteJoin(group, join, newMemberId);
    }

    private void JoinExistingMember(ClassicGroup group, JoinArguments join)
    {
        var request = join.Request;
        var memberId = request.MemberId;
        if (group.State == ClassicGroupState.Dead)
        {
            join.Waiter.TrySetResult(JoinError(join.Version, ErrorCode.CoordinatorNotAvailable, memberId));
            return;
        }

        if (!group.SupportsProtocols(request.ProtocolType, join.Protocols))
        {
            join.Waiter.TrySetResult(JoinError(join.Version, ErrorCode.InconsistentGroupProtocol, memberId));
            return;
        }

        if (group.IsPendingMember(memberId))
        {
            if (group.PendingMemberTimers.Remove(memberId, out var pendingTimer))
            {
                pendingTimer.Dispose();
            }

            AddMemberThenRebalanceOrCompleteJoin(group, join, memberId);
            return;
        }

        var validation = ValidateMember(group, memberId, request.GroupInstanceId);
        if (validation != ErrorCode.None)
        {
            join.Waiter.TrySetResult(JoinError(join.Version, validation, memberId));
            return;
        }

        var member = group.Member(memberId)!;
        member.JoinVersion = join.Version;
        switch (group.State)
        {
            case ClassicGroupState.PreparingRebalance:
                UpdateMemberThenRebalanceOrCompleteJoin(group, member, join);
                break;
            case ClassicGroupState.CompletingRebalance:
                if (member.Matches(join.Protocols))
                {
                    // The member lost the join response: give it the current generation again.
                    join.Waiter.TrySetResult(CurrentGenerationJoinResponse(group, member, join.Version, group.IsLeader(memberId), skipAssignment: false));
                }
                else
                {
                    UpdateMemberThenRebalanceOrCompleteJoin(group, member, join);
                }

                break;
            case ClassicGroupState.Stable:
                if (group.IsLeader(memberId) || !member.Matches(join.Protocols))
                {
                    // A leader's JoinGroup forces a rebalance: it is how it reacts to topic metadata changes.
                    UpdateMemberThenRebalanceOrCompleteJoin(group, member, join);
                }
                else
                {
                    join.Waiter.TrySetResult(CurrentGenerationJoinResponse(group, member, join.Version, includeMembers: false, skipAssignment: false));
                }

                break;
            default:
                join.Waiter.TrySetResult(JoinError(join.Version, ErrorCode.UnknownMemberId, memberId));
                break;
        }
    }

    private static ErrorCode ValidateMember(ClassicGroup group, string memberId, string? groupInstanceId)
    {
        if (groupInstanceId is not null)
        {
            var existing = group.StaticMemberId(groupInstanceId);
            if (existing is null)
            {
                return ErrorCode.UnknownMemberId;
            }

            if (existing != memberId)
            {
                return ErrorCode.FencedInstanceId;
            }
        }

        return group.HasMember(memberId) ? ErrorCode.None : ErrorCode.UnknownMemberId;
    }

    private void AddMemberThenRebalanceOrCompleteJoin(ClassicGroup group, JoinArguments join, string memberId)
    {
        var request = join.Request;
        var member = new ClassicGroupMember(
            memberId,
            request.GroupInstanceId,
            join.Context.ClientId,
            join.Context.ClientHost,
            join.RebalanceTimeoutMs,
            request.SessionTimeoutMs,
            request.ProtocolType,
            join.Protocols)
        {
            IsNew = true,
            JoinVersion = join.Version,
        };

        if (group.State == ClassicGroupState.PreparingRebalance && group.PreviousState == ClassicGroupState.Empty)
        {
            group.NewMemberAdded = true;
        }

        group.Add(member, join.Waiter);

        // A new member cannot heartbeat while its JoinGroup is parked, so its join is bounded instead.
        RescheduleSession(group, member, Config.NewMemberJoinTimeoutMs);
        MaybePrepareRebalanceOrCompleteJoin(group, $"adding new member {memberId}");
    }

    private void UpdateMemberThenRebalanceOrCompleteJoin(ClassicGroup group, ClassicGroupMember member, JoinArguments join)
    {
        group.UpdateMember(member, join.Protocols, join.RebalanceTimeoutMs, join.Request.SessionTimeoutMs, join.Waiter);
        MaybePrepareRebalanceOrCompleteJoin(group, $"member {member.MemberId} rejoining");
    }

    private void UpdateStaticMemberThenRebalanceOrCompleteJoin(ClassicGroup group, JoinArguments join, string oldMemberId, string newMemberId)
    {
        var request = join.Request;
        var instanceId = request.GroupInstanceId!;
        var currentLeader = group.LeaderId;
        var member = group.Member(oldMemberId)!;

        // The old incarnation is fenced at once if it still waits for a response.
        group.CompleteJoin(member, JoinError(member.JoinVersion, ErrorCode.FencedInstanceId, oldMemberId));
        ClassicGroup.CompleteSync(member, SyncError(member.SyncVersion, ErrorCode.FencedInstanceId));
        group.ReplaceStaticMember(instanceId, oldMemberId, newMemberId);
        RescheduleSession(group, member, member.SessionTimeoutMs);

        var oldProtocols = member.Protocols;
        var oldRebalanceTimeoutMs = member.RebalanceTimeoutMs;
        var oldSessionTimeoutMs = member.SessionTimeoutMs;
        var oldClientId = member.ClientId;
        var oldClientHost = member.ClientHost;
        member.JoinVersion = join.Version;
        group.UpdateMember(member, join.Protocols, join.RebalanceTimeoutMs, request.SessionTimeoutMs, join.Waiter);

        switch (group.State)
        {
            case ClassicGroupState.Stable:
                if (group.ProtocolName == group.SelectProtocol())
                {
                    // The restart of a static member within its session: same assignment, no rebalance. Persist the
                    // new member id first; on failure the old id comes back.
                    var write = Append([CoordinatorRecords.GroupMetadata(group, null)]);
                    var generation = group.GenerationId;
                    _ = AfterWriteAsync(write, (error, _) =>
                    {
                        if (error != ErrorCode.None)
                        {
                            group.UpdateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, null);
                            if (group.HasMember(newMemberId))
                            {
                                group.ReplaceStaticMember(instanceId, newMemberId, oldMemberId);
                                member.ClientId = oldClientId;
                                member.ClientHost = oldClientHost;
                                RescheduleSession(group, member, member.SessionTimeoutMs);
                            }

                            join.Waiter.TrySetResult(JoinResponse(
                                join.Version, MapAppendError(error), UnknownMemberId, generation, group.ProtocolType, group.ProtocolName, currentLeader, false, []));
                            return;
                        }

                        if (group.Member(newMemberId) != member)
                        {
                            return;
                        }

                        // KIP-814: a static leader is told to skip the assignment but still gets the members.
                        var isLeader = group.IsLeader(newMemberId);
                        var response = join.Version >= 9
                            ? CurrentGenerationJoinResponse(group, member, join.Version, includeMembers: isLeader, skipAssignment: isLeader)
                            : JoinResponse(join.Version, ErrorCode.None, newMemberId, group.GenerationId, group.ProtocolType, group.ProtocolName, currentLeader, false, []);
                        group.CompleteJoin(member, response);
                    });
                }
                else
                {
                    MaybePrepareRebalanceOrCompleteJoin(group, $"static member {instanceId} changed the selected protocol");
                }

                break;
            case ClassicGroupState.CompletingRebalance:
                // The leader may already hold the old member id in its assignment: start over.
                PrepareRebalance(group, $"static member {instanceId} rejoined during CompletingRebalance");
                break;
            default:
                MaybeCompleteJoinPhase(group);
                break;
        }
    }

    private void MaybePrepareRebalanceOrCompleteJoin(ClassicGroup group, string reason)
    {
        if (group.CanRebalance)
        {
            PrepareRebalance(group, reason);
        }
        else
        {
            MaybeCompleteJoinPhase(group);
        }
    }

    private void MaybeCompleteJoinPhase(ClassicGroup group)
    {
        // The initial rebalance of an empty group waits for its delay even when everyone has joined.
        if (group.State == ClassicGroupState.PreparingRebalance && group.HasAllMembersJoined && group.PreviousState != ClassicGroupState.Empty)
        {
            CompleteJoinPhase(group);
        }
    }

    private void PrepareRebalance(ClassicGroup group, string reason)
    {
        if (group.State == ClassicGroupState.CompletingRebalance)
        {
            ResetAndPropagateAssignmentWithError(group, ErrorCode.RebalanceInProgress);
        }

        group.ClearPendingSyncMembers();
        group.SyncTimer?.Cancel();

        var isInitialRebalance = group.State == ClassicGroupState.Empty;
        group.JoinTimer ??= new ShardTimer(this);
        if (isInitialRebalance)
        {
            var delayMs = Config.GroupInitialRebalanceDelayMs;
            var remainingMs = Math.Max(group.RebalanceTimeoutMs - delayMs, 0);
            group.JoinTimer.Schedule(delayMs, () => TryCompleteInitialRebalanceElseSchedule(group, delayMs, remainingMs));
        }

        group.TransitionTo(ClassicGroupState.PreparingRebalance, NowMs);
        _logger.LogInformation(
            "Preparing to rebalance group {GroupId} with old generation {Generation} ({Reason})", group.GroupId, group.GenerationId, reason);

        if (!isInitialRebalance)
        {
            if (group.HasAllMembersJoined)
            {
                CompleteJoinPhase(group);
            }
            else
            {
                group.JoinTimer.Schedule(group.RebalanceTimeoutMs, () => CompleteJoinPhase(group));
            }
        }
    }

    private void TryCompleteInitialRebalanceElseSchedule(ClassicGroup group, int delayMs, int remainingMs)
    {
        if (group.NewMemberAdded && remainingMs != 0)
        {
            // Someone joined during the delay: wait once more, within the rebalance timeout.
            group.NewMemberAdded = false;
            var newDelayMs = Math.Min(Config.GroupInitialRebalanceDelayMs, remainingMs);
            var newRemainingMs = Math.Max(remainingMs - delayMs, 0);
            group.JoinTimer!.Schedule(newDelayMs, () => TryCompleteInitialRebalanceElseSchedule(group, newDelayMs, newRemainingMs));
        }
        else
        {
            CompleteJoinPhase(group);
        }
    }

    private void CompleteJoinPhase(ClassicGroup group)
    {
        group.JoinTimer?.Cancel();
        foreach (var member in group.NotYetRejoinedMembers())
        {
            if (!member.IsStatic)
            {
                group.Remove(member.MemberId);
                member.SessionTimer?.Dispose();
            }
        }

        if (group.State == ClassicGroupState.Dead)
        {
            return;
        }

        if (!group.MaybeElectNewJoinedLeader() && group.Size > 0)
        {
            // Nobody rejoined: wait another rebalance timeout for sessions to expire.
            group.JoinTimer!.Schedule(group.RebalanceTimeoutMs, () => CompleteJoinPhase(group));
            return;
        }

        group.InitNextGeneration(NowMs);
        if (group.State == ClassicGroupState.Empty)
        {
            _logger.LogInformation("Group {GroupId} with generation {Generation} is now empty", group.GroupId, group.GenerationId);
            var write = Append([CoordinatorRecords.GroupMetadata(group, null)]);
            _ = AfterWriteAsync(write, (error, _) =>
            {
                if (error != ErrorCode.None)
                {
                    _logger.LogWarning("Failed to write empty metadata for group {GroupId}: {Error}", group.GroupId, error);
                }
            });
            return;
        }

        _logger.LogInformation("Stabilized group {GroupId} generation {Generation} with {Members} members", group.GroupId, group.GenerationId, group.Size);
        foreach (var member in group.Members.ToList())
        {
            var isLeader = group.IsLeader(member.MemberId);
            group.CompleteJoin(member, CurrentGenerationJoinResponse(group, member, member.JoinVersion, isLeader, skipAssignment: false));
            RescheduleSession(group, member, member.SessionTimeoutMs);
            member.IsNew = false;
            group.AddPendingSyncMember(member.MemberId);
        }

        group.SyncTimer ??= new ShardTimer(this);
        var generation = group.GenerationId;
        group.SyncTimer.Schedule(group.RebalanceTimeoutMs, () => ExpirePendingSync(group, generation));
    }

    private void ExpirePendingSync(ClassicGroup group, int generation)
    {
        if (generation != group.GenerationId || group.State is not (ClassicGroupState.CompletingRebalance or ClassicGroupState.Stable))
        {
            return;
        }

        if (group.PendingSyncMembers.Count == 0)
        {
            return;
        }

        foreach (var memberId in group.PendingSyncMembers.ToList())
        {
            var member = group.Member(memberId);
            group.Remove(memberId);
            member?.SessionTimer?.Dispose();
        }

        PrepareRebalance(group, "members did not send SyncGroup in time");
    }

    private void RescheduleSession(ClassicGroup group, ClassicGroupMember member, long timeoutMs)
    {
        member.SessionTimer ??= new ShardTimer(this);
        member.SessionTimer.Schedule(timeoutMs, () => ExpireMemberSession(group, member));
    }

    private void ExpireMemberSession(ClassicGroup group, ClassicGroupMember member)
    {
        if (group.State == ClassicGroupState.Dead || group.Member(member.MemberId) != member)
        {
            return;
        }

        if (member.HasSatisfiedHeartbeat)
        {
            return;
        }

        _logger.LogInformation("Member {MemberId} in group {GroupId} has failed, removing it from the group", member.MemberId, group.GroupId);
        RemoveMemberAndUpdateGroup(group, member, "session expired");
    }

    private void ExpirePendingMember(ClassicGroup group, string memberId)
    {
        if (!group.IsPendingMember(memberId))
        {
            return;
        }

        group.PendingMemberTimers.Remove(memberId);
        group.RemovePendingMember(memberId);
        if (group.State == ClassicGroupState.PreparingRebalance && group.HasAllMembersJoined)
        {
            CompleteJoinPhase(group);
        }
    }

    private void RemoveMemberAndUpdateGroup(ClassicGroup group, ClassicGroupMember member, string reason)
    {
        // A new member can time out with its JoinGroup parked: answer it so the client rejoins.
        group.CompleteJoin(member, JoinError(member.JoinVersion, ErrorCode.UnknownMemberId, UnknownMemberId));
        group.Remove(member.MemberId);
        member.SessionTimer?.Dispose();

        if (group.State is ClassicGroupState.Stable or ClassicGroupState.CompletingRebalance)
        {
            MaybePrepareRebalanceOrCompleteJoin(group, reason);
        }
        else if (group.State == ClassicGroupState.PreparingRebalance && group.HasAllMembersJoined)
        {
            CompleteJoinPhase(group);
        }
    }

    private void ResetAndPropagateAssignmentWithError(ClassicGroup group, ErrorCode error)
    {
        foreach (var member in group.Members)
        {
            member.Assignment = [];
        }

        PropagateAssignment(group, error);
    }

    private void SetAndPropagateAssignment(ClassicGroup group, Dictionary<string, byte[]> assignment)
    {
        foreach (var member in group.Members)
        {
            member.Assignment = assignment.GetValueOrDefault(member.MemberId) ?? [];
        }

        PropagateAssignment(group, ErrorCode.None);
    }

    private void PropagateAssignment(ClassicGroup group, ErrorCode error)
    {
        foreach (var member in group.Members)
        {
            var response = error == ErrorCode.None
                ? new SyncGroupResponse { ProtocolType = group.ProtocolType, ProtocolName = group.ProtocolName, Assignment = member.Assignment }
                : SyncError(member.SyncVersion, error);
            if (ClassicGroup.CompleteSync(member, ShapeSync(response, member.SyncVersion)))
            {
                // Sessions that expired while waiting for the leader or the write start over now.
                RescheduleSession(group, member, member.SessionTimeoutMs);
            }
        }
    }

    public Task<SyncGroupResponse> SyncGroupAsync(CoordinatorRequestContext context, SyncGroupRequest request)
    {
        var version = context.ApiVersion;
        lock (_lock)
        {
            if (Unavailable is { } unavailable)
            {
                return Task.FromResult(SyncError(version, unavailable));
            }

            if (FindGroup(request.GroupId) is not ClassicGroup group)
            {
                return Task.FromResult(SyncError(version, FindGroup(request.GroupId) is null ? ErrorCode.UnknownMemberId : ErrorCode.GroupIdNotFound));
            }

            var error = ValidateSync(group, request);
            if (error != ErrorCode.None)
            {
                return Task.FromResult(SyncError(version, error));
            }

            switch (group.State)
            {
                case ClassicGroupState.Empty:
                    return Task.FromResult(SyncError(version, ErrorCode.UnknownMemberId));
                case ClassicGroupState.PreparingRebalance:
                    return Task.FromResult(SyncError(version, ErrorCode.RebalanceInProgress));
                case ClassicGroupState.Stable:
                    {
                        RemovePendingSyncMember(group, request.MemberId);
                        var member = group.Member(request.MemberId)!;
                        return Task.FromResult(ShapeSync(
                            new SyncGroupResponse { ProtocolType = group.ProtocolType, ProtocolName = group.ProtocolName, Assignment = member.Assignment },
                            version));
                    }

                case ClassicGroupState.CompletingRebalance:
                    {
                        var member = group.Member(request.MemberId)!;
                        var waiter = new TaskCompletionSource<SyncGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
                        ClassicGroup.CompleteSync(member, SyncError(member.SyncVersion, ErrorCode.RebalanceInProgress));
                        member.SyncWaiter = waiter;
                        member.SyncVersion = version;
                        RemovePendingSyncMember(group, request.MemberId);
                        if (group.IsLeader(request.MemberId))
                        {
                            StoreLeaderAssignment(group, request);
                        }

                        return waiter.Task;
                    }

                default:
                    return Task.FromResult(SyncError(version, ErrorCode.CoordinatorNotAvailable));
            }
        }
    }

    private void StoreLeaderAssignment(ClassicGroup group, SyncGroupRequest request)
    {
        var assignment = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in request.Assignments)
        {
            assignment[entry.MemberId] = entry.Assignment;
        }

        foreach (var member in group.Members)
        {
            assignment.TryAdd(member.MemberId, []);
        }

        var generation = request.GenerationId;
        var write = Append([CoordinatorRecords.GroupMetadata(group, assignment)]);
        _ = AfterWriteAsync(write, (error, _) =>
        {
            // Another member may have joined meanwhile: only the generation that was written may stabilise.
            if (group.State != ClassicGroupState.CompletingRebalance || group.GenerationId != generation)
            {
                return;
            }

            if (error != ErrorCode.None)
            {
                ResetAndPropagateAssignmentWithError(group, MapAppendError(error));
                MaybePrepareRebalanceOrCompleteJoin(group, $"error {error} storing the assignment");
                return;
            }

            SetAndPropagateAssignment(group, assignment);
            group.TransitionTo(ClassicGroupState.Stable, NowMs);
        });
    }

    private static ErrorCode ValidateSync(ClassicGroup group, SyncGroupRequest request)
    {
        if (group.State == ClassicGroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        var error = ValidateMember(group, request.MemberId, request.GroupInstanceId);
        if (error != ErrorCode.None)
        {
            return error;
        }

        if (request.GenerationId != group.GenerationId)
        {
            return ErrorCode.IllegalGeneration;
        }

        return IsInconsistent(request.ProtocolType, group.ProtocolType) || IsInconsistent(request.ProtocolName, group.ProtocolName)
            ? ErrorCode.InconsistentGroupProtocol
            : ErrorCode.None;
    }

    private static bool IsInconsistent(string? requested, string? actual) => requested is not null && actual is not null && requested != actual;

    private static void RemovePendingSyncMember(ClassicGroup group, string memberId)
    {
        group.RemovePendingSyncMember(memberId);
        if (group.PendingSyncMembers.Count == 0)
        {
            group.SyncTimer?.Cancel();
        }
    }

    public HeartbeatResponse Heartbeat(CoordinatorRequestContext context, HeartbeatRequest request)
    {
        lock (_lock)
        {
            if (Unavailable is { } unavailable)
            {
                // Kafka answers heartbeats blindly while the partition loads.
                return new HeartbeatResponse { ErrorCode = (short)(unavailable == ErrorCode.CoordinatorLoadInProgress ? ErrorCode.None : unavailable) };
            }

            if (FindGroup(request.GroupId) is not ClassicGroup group)
            {
                return new HeartbeatResponse { ErrorCode = (short)(FindGroup(request.GroupId) is null ? ErrorCode.UnknownMemberId : ErrorCode.GroupIdNotFound) };
            }

            if (group.State == ClassicGroupState.Dead)
            {
                return new HeartbeatResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
            }

            var error = ValidateMember(group, request.MemberId, request.GroupInstanceId);
            if (error == ErrorCode.None && request.GenerationId != group.GenerationId)
            {
                error = ErrorCode.IllegalGeneration;
            }

            if (error != ErrorCode.None)
            {
                return new HeartbeatResponse { ErrorCode = (short)error };
            }

            var member = group.Member(request.MemberId)!;
            switch (group.State)
            {
                case ClassicGroupState.Empty:
                    return new HeartbeatResponse { ErrorCode = (short)ErrorCode.UnknownMemberId };
                case ClassicGroupState.PreparingRebalance:
                    RescheduleSession(group, member, member.SessionTimeoutMs);
                    return new HeartbeatResponse { ErrorCode = (short)ErrorCode.RebalanceInProgress };
                default:
                    RescheduleSession(group, member, member.SessionTimeoutMs);
                    return new HeartbeatResponse();
            }
        }
    }

    public LeaveGroupResponse LeaveGroup(CoordinatorRequestContext context, LeaveGroupRequest request)
    {
        var identities = context.ApiVersion >= 3
            ? request.Members
            : [new LeaveGroupRequest.MemberIdentity { MemberId = request.MemberId }];
        lock (_lock)
        {
            if (Unavailable is { } unavailable)
            {
                return new LeaveGroupResponse { ErrorCode = (short)unavailable };
            }

            var found = FindGroup(request.GroupId);
            if (found is not ClassicGroup group)
            {
                var error = found is null ? ErrorCode.UnknownMemberId : ErrorCode.GroupIdNotFound;
                return context.ApiVersion >= 3
                    ? new LeaveGroupResponse { Members = identities.Select(m => MemberResponse(m, error)).ToList() }
                    : new LeaveGroupResponse { ErrorCode = (short)error };
            }

            if (group.State == ClassicGroupState.Dead)
            {
                return new LeaveGroupResponse { ErrorCode = (short)ErrorCode.CoordinatorNotAvailable };
            }

            var responses = new List<LeaveGroupResponse.MemberResponse>(identities.Count);
            var anyLeft = false;
            foreach (var identity in identities)
            {
                var error = LeaveOne(group, identity);
                anyLeft |= error == ErrorCode.None;
                responses.Add(MemberResponse(identity, error));
            }

            if (anyLeft)
            {
                if (group.State is ClassicGroupState.Stable or ClassicGroupState.CompletingRebalance)
                {
                    MaybePrepareRebalanceOrCompleteJoin(group, "members left");
                }
                else if (group.State == ClassicGroupState.PreparingRebalance)
                {
                    MaybeCompleteJoinPhase(group);
                }
            }

            if (context.ApiVersion >= 3)
            {
                return new LeaveGroupResponse { Members = responses };
            }

            return new LeaveGroupResponse { ErrorCode = responses[0].ErrorCode };
        }
    }

    private static LeaveGroupResponse.MemberResponse MemberResponse(LeaveGroupRequest.MemberIdentity identity, ErrorCode error) =>
        new() { MemberId = identity.MemberId, GroupInstanceId = identity.GroupInstanceId, ErrorCode = (short)error };

    private static ErrorCode LeaveOne(ClassicGroup group, LeaveGroupRequest.MemberIdentity identity)
    {
        if (identity.MemberId.Length == 0)
        {
            // KIP-345: an administrator removes a static member by its instance id alone.
            if (identity.GroupInstanceId is { } instanceId && group.StaticMemberId(instanceId) is { } staticMemberId)
            {
                RemoveCurrentMember(group, staticMemberId);
                return ErrorCode.None;
            }

            return ErrorCode.UnknownMemberId;
        }

        if (group.IsPendingMember(identity.MemberId))
        {
            group.RemovePendingMember(identity.MemberId);
            if (group.PendingMemberTimers.Remove(identity.MemberId, out var timer))
            {
                timer.Dispose();
            }

            return ErrorCode.None;
        }

        var error = ValidateMember(group, identity.MemberId, identity.GroupInstanceId);
        if (error != ErrorCode.None)
        {
            return error;
        }

        RemoveCurrentMember(group, identity.MemberId);
        return ErrorCode.None;
    }

    private static void RemoveCurrentMember(ClassicGroup group, string memberId)
    {
        var member = group.Member(memberId)!;
        member.SessionTimer?.Dispose();
        group.CompleteJoin(member, JoinError(member.JoinVersion, ErrorCode.UnknownMemberId, UnknownMemberId));
        ClassicGroup.CompleteSync(member, SyncError(member.SyncVersion, ErrorCode.UnknownMemberId));
        group.Remove(memberId);
    }

    private void OnClassicGroupLoaded(ClassicGroup group)
    {
        foreach (var member in group.Members)
        {
            RescheduleSession(group, member, member.SessionTimeoutMs);
        }

        if (group.Size > Config.GroupMaxSize)
        {
            PrepareRebalance(group, "loaded group is over group.max.size");
        }
    }

    private static void FailClassicWaiters(ClassicGroup group, ErrorCode error)
    {
        foreach (var member in group.Members)
        {
            group.CompleteJoin(member, JoinError(member.JoinVersion, error, member.MemberId));
            ClassicGroup.CompleteSync(member, SyncError(member.SyncVersion, error));
        }
    }

    private static void DisposeClassicTimers(ClassicGroup group)
    {
        group.JoinTimer?.Dispose();
        group.SyncTimer?.Dispose();
        foreach (var member in group.Members)
        {
            member.SessionTimer?.Dispose();
        }

        foreach (var timer in group.PendingMemberTimers.Values)
        {
            timer.Dispose();
        }

        group.PendingMemberTimers.Clear();
    }

    private static JoinGroupResponse CurrentGenerationJoinResponse(ClassicGroup group, ClassicGroupMember member, short version, bool includeMembers, bool skipAssignment) =>
        JoinResponse(
            version,
            ErrorCode.None,
            member.MemberId,
            group.GenerationId,
            group.ProtocolType,
            group.ProtocolName,
            group.LeaderId,
            skipAssignment,
            includeMembers ? group.CurrentMembersForJoin() : []);

    internal static JoinGroupResponse JoinError(short version, ErrorCode error, string memberId) =>
        JoinResponse(version, error, memberId, -1, null, null, "", false, []);

    /// <summary>A JoinGroup response valid at <paramref name="version"/> (names that older versions cannot carry as null become "").</summary>
    private static JoinGroupResponse JoinResponse(
        short version,
        ErrorCode error,
        string memberId,
        int generation,
        string? protocolType,
        string? protocolName,
        string? leader,
        bool skipAssignment,
        List<JoinGroupResponse.JoinGroupResponseMember> members) =>
        new()
        {
            ErrorCode = (short)error,
            GenerationId = generation,
            ProtocolType = protocolType,
            ProtocolName = version >= 7 ? protocolName : protocolName ?? "",
            Leader = leader ?? "",
            SkipAssignment = version >= 9 && skipAssignment,
            MemberId = memberId,
            Members = members,
        };

    internal static SyncGroupResponse SyncError(short version, ErrorCode error) =>
        ShapeSync(new SyncGroupResponse { ErrorCode = (short)error, Assignment = [] }, version);

    private static SyncGroupResponse ShapeSync(SyncGroupResponse response, short version)
    {
        if (version < 5)
        {
            response.ProtocolType = null;
            response.ProtocolName = null;
        }

        return response;
    }
}
