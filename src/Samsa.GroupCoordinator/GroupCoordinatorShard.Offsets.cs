using System.Text;
using Microsoft.Extensions.Logging;
using Samsa.GroupCoordinator.Classic;
using Samsa.GroupCoordinator.Consumer;
using Samsa.GroupCoordinator.Offsets;
using Samsa.GroupCoordinator.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator;

/// <summary>OffsetCommit, OffsetFetch, OffsetDelete and the expiry of committed offsets.</summary>
internal sealed partial class GroupCoordinatorShard
{
    public async Task<OffsetCommitResponse> CommitOffsetsAsync(CoordinatorRequestContext context, OffsetCommitRequest request)
    {
        var response = new OffsetCommitResponse { Topics = [] };
        var errors = new Dictionary<(string Topic, int Partition), ErrorCode>();
        var pending = new List<(TopicPartitionKey Key, CommittedOffset Offset)>();
        Task<long>? write = null;
        lock (_lock)
        {
            var error = Unavailable ?? ValidateOffsetCommit(context, request);
            if (error == ErrorCode.None)
            {
                var now = NowMs;
                var records = new List<CoordinatorRecord>();
                foreach (var topic in request.Topics)
                {
                    foreach (var partition in topic.Partitions)
                    {
                        var metadata = partition.CommittedMetadata ?? "";
                        if (Encoding.UTF8.GetByteCount(metadata) > Config.OffsetMetadataMaxBytes)
                        {
                            errors[(topic.Name, partition.PartitionIndex)] = ErrorCode.OffsetMetadataTooLarge;
                            continue;
                        }

                        var commitTimestamp = context.ApiVersion == 1 && partition.CommitTimestamp != -1 ? partition.CommitTimestamp : now;
                        var expireTimestamp = context.ApiVersion is >= 2 and <= 4 && request.RetentionTimeMs != -1
                            ? commitTimestamp + request.RetentionTimeMs
                            : -1;
                        var offset = new CommittedOffset(partition.CommittedOffset, partition.CommittedLeaderEpoch, metadata, commitTimestamp, expireTimestamp, -1);
                        records.Add(CoordinatorRecords.OffsetCommit(request.GroupId, topic.Name, partition.PartitionIndex, offset));
                        pending.Add((new TopicPartitionKey(topic.Name, partition.PartitionIndex), offset));
                    }
                }

                if (records.Count > 0)
                {
                    if (FindGroup(request.GroupId) is null)
                    {
                        // A commit of a group without members creates it (a "simple" group), as in Kafka.
                        _groups[request.GroupId] = new ClassicGroup(request.GroupId, ClassicGroupState.Empty, now);
                    }

                    write = Append(records);
                }
            }
            else
            {
                foreach (var topic in request.Topics)
                {
                    foreach (var partition in topic.Partitions)
                    {
                        errors[(topic.Name, partition.PartitionIndex)] = error;
                    }
                }
            }
        }

        if (write is not null)
        {
            var writeError = ErrorCode.None;
            await AfterWriteAsync(write, (error, recordOffset) =>
            {
                writeError = error;
                if (error == ErrorCode.None)
                {
                    foreach (var (key, offset) in pending)
                    {
                        ApplyOffset(request.GroupId, key, offset with { RecordOffset = recordOffset });
                    }
                }
            }).ConfigureAwait(false);

            if (writeError != ErrorCode.None)
            {
                var mapped = MapOffsetCommitError(writeError);
                foreach (var (key, _) in pending)
                {
                    errors[(key.Topic, key.Partition)] = mapped;
                }
            }
        }

        foreach (var topic in request.Topics)
        {
            var topicResponse = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = topic.Name, Partitions = [] };
            foreach (var partition in topic.Partitions)
            {
                topicResponse.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)errors.GetValueOrDefault((topic.Name, partition.PartitionIndex)),
                });
            }

            response.Topics.Add(topicResponse);
        }

        return response;
    }

    private static ErrorCode MapOffsetCommitError(ErrorCode error) => error switch
    {
        ErrorCode.MessageTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidFetchSize => ErrorCode.InvalidCommitOffsetSize,
        _ => MapAppendError(error),
    };

    /// <summary>Kafka's checks of who may commit: members of the current generation, or anyone while the group is empty.</summary>
    private ErrorCode ValidateOffsetCommit(CoordinatorRequestContext context, OffsetCommitRequest request)
    {
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return ErrorCode.InvalidGroupId;
        }

        var generation = request.GenerationIdOrMemberEpoch;
        switch (FindGroup(request.GroupId))
        {
            case null:
                if (generation >= 0)
                {
                    return context.ApiVersion >= 9 ? ErrorCode.GroupIdNotFound : ErrorCode.IllegalGeneration;
                }

                return ErrorCode.None;
            case ClassicGroup group:
                if (group.State == ClassicGroupState.Dead)
                {
                    return ErrorCode.CoordinatorNotAvailable;
                }

                if (generation < 0 && group.State == ClassicGroupState.Empty)
                {
                    return ErrorCode.None;
                }

                if (generation >= 0 || request.MemberId.Length > 0 || request.GroupInstanceId is not null)
                {
                    var error = ValidateMember(group, request.MemberId, request.GroupInstanceId);
                    if (error != ErrorCode.None)
                    {
                        return error;
                    }

                    if (generation != group.GenerationId)
                    {
                        return ErrorCode.IllegalGeneration;
                    }
                }
                else if (group.State != ClassicGroupState.Empty)
                {
                    return ErrorCode.UnknownMemberId;
                }

                return group.State == ClassicGroupState.CompletingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
            case ConsumerGroup consumerGroup:
                if (generation < 0 && consumerGroup.Members.Count == 0)
                {
                    return ErrorCode.None;
                }

                if (consumerGroup.Member(request.MemberId) is not { } member)
                {
                    return ErrorCode.UnknownMemberId;
                }

                if (context.ApiVersion < 9)
                {
                    return ErrorCode.UnsupportedVersion;
                }

                return generation > member.MemberEpoch ? ErrorCode.FencedMemberEpoch
                    : generation < member.MemberEpoch ? ErrorCode.StaleMemberEpoch
                    : ErrorCode.None;
            default:
                return ErrorCode.GroupIdNotFound;
        }
    }

    /// <summary>Applies a durable commit unless a later record of the same partition is already applied.</summary>
    private void ApplyOffset(string groupId, TopicPartitionKey key, CommittedOffset offset)
    {
        if (!_offsets.TryGetValue(groupId, out var offsets))
        {
            offsets = [];
            _offsets[groupId] = offsets;
        }

        if (offsets.TryGetValue(key, out var existing) && existing.RecordOffset > offset.RecordOffset)
        {
            return;
        }

        offsets[key] = offset;
    }

    private void RemoveOffset(string groupId, TopicPartitionKey key, long recordOffset)
    {
        if (_offsets.TryGetValue(groupId, out var offsets) && offsets.TryGetValue(key, out var existing) && existing.RecordOffset < recordOffset)
        {
            offsets.Remove(key);
            if (offsets.Count == 0)
            {
                _offsets.Remove(groupId);
            }
        }
    }

    /// <summary>
    /// The committed offsets of one group. <paramref name="topics"/> null asks for all of them. Partitions without a
    /// commit get offset -1; with <paramref name="requireStable"/>, partitions with a pending transactional commit
    /// get UNSTABLE_OFFSET_COMMIT.
    /// </summary>
    public GroupOffsets FetchOffsets(string groupId, string? memberId, int memberEpoch, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? topics, bool requireStable)
    {
        lock (_lock)
        {
            if (Unavailable is { } unavailable)
            {
                return new GroupOffsets(unavailable, []);
            }

            var group = FindGroup(groupId);
            if (group is ConsumerGroup consumerGroup && (memberId is not null || memberEpoch >= 0))
            {
                // KIP-848 members fetch with their epoch (OffsetFetch v9).
                if (memberId is null || consumerGroup.Member(memberId) is not { } member)
                {
                    return new GroupOffsets(ErrorCode.UnknownMemberId, []);
                }

                if (member.MemberEpoch != memberEpoch)
                {
                    return new GroupOffsets(ErrorCode.StaleMemberEpoch, []);
                }
            }

            var committed = _offsets.GetValueOrDefault(groupId);
            var result = new List<FetchedOffset>();
            if (topics is null)
            {
                if (committed is not null)
                {
                    foreach (var (key, offset) in committed.OrderBy(e => e.Key.Topic, StringComparer.Ordinal).ThenBy(e => e.Key.Partition))
                    {
                        result.Add(Fetched(groupId, key, offset, requireStable));
                    }
                }

                return new GroupOffsets(ErrorCode.None, result);
            }

            foreach (var (topic, partitions) in topics)
            {
                foreach (var partition in partitions)
                {
                    var key = new TopicPartitionKey(topic, partition);
                    result.Add(Fetched(groupId, key, committed?.GetValueOrDefault(key), requireStable));
                }
            }

            return new GroupOffsets(ErrorCode.None, result);
        }
    }

    private FetchedOffset Fetched(string groupId, TopicPartitionKey key, CommittedOffset? offset, bool requireStable)
    {
        if (requireStable && _transactionalOffsets is not null && _transactionalOffsets.HasPendingOffset(groupId, key.Topic, key.Partition))
        {
            return new FetchedOffset(key.Topic, key.Partition, -1, -1, "", ErrorCode.UnstableOffsetCommit);
        }

        return offset is null
            ? new FetchedOffset(key.Topic, key.Partition, -1, -1, "", ErrorCode.None)
            : new FetchedOffset(key.Topic, key.Partition, offset.Offset, offset.LeaderEpoch, offset.Metadata, ErrorCode.None);
    }

    public async Task<OffsetDeleteResponse> DeleteOffsetsAsync(OffsetDeleteRequest request)
    {
        var errors = new Dictionary<(string, int), ErrorCode>();
        var toDelete = new List<TopicPartitionKey>();
        Task<long>? write = null;
        ErrorCode topLevel;
        lock (_lock)
        {
            topLevel = Unavailable ?? ValidateOffsetDelete(request.GroupId);
            if (topLevel == ErrorCode.None)
            {
                var group = FindGroup(request.GroupId);
                var committed = _offsets.GetValueOrDefault(request.GroupId);
                var records = new List<CoordinatorRecord>();
                foreach (var topic in request.Topics)
                {
                    var subscribed = group?.IsSubscribedToTopic(topic.Name) ?? false;
                    foreach (var partition in topic.Partitions)
                    {
                        if (subscribed)
                        {
                            errors[(topic.Name, partition.PartitionIndex)] = ErrorCode.GroupSubscribedToTopic;
                            continue;
                        }

                        var key = new TopicPartitionKey(topic.Name, partition.PartitionIndex);
                        if (committed is not null && committed.ContainsKey(key))
                        {
                            records.Add(CoordinatorRecords.OffsetCommitTombstone(request.GroupId, topic.Name, partition.PartitionIndex));
                            toDelete.Add(key);
                        }
                    }
                }

                if (records.Count > 0)
                {
                    write = Append(records);
                }
            }
        }

        if (write is not null)
        {
            await AfterWriteAsync(write, (error, recordOffset) =>
            {
                if (error != ErrorCode.None)
                {
                    topLevel = MapAppendError(error);
                    return;
                }

                foreach (var key in toDelete)
                {
                    RemoveOffset(request.GroupId, key, recordOffset);
                }
            }).ConfigureAwait(false);
        }

        var response = new OffsetDeleteResponse { ErrorCode = (short)topLevel, Topics = [] };
        if (topLevel != ErrorCode.None)
        {
            return response;
        }

        foreach (var topic in request.Topics)
        {
            var topicResponse = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Name, Partitions = [] };
            foreach (var partition in topic.Partitions)
            {
                topicResponse.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)errors.GetValueOrDefault((topic.Name, partition.PartitionIndex)),
                });
            }

            response.Topics.Add(topicResponse);
        }

        return response;
    }

    private ErrorCode ValidateOffsetDelete(string groupId)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return ErrorCode.InvalidGroupId;
        }

        return FindGroup(groupId) switch
        {
            null => _offsets.ContainsKey(groupId) ? ErrorCode.None : ErrorCode.GroupIdNotFound,
            ClassicGroup { State: ClassicGroupState.Dead } => ErrorCode.GroupIdNotFound,
            ClassicGroup { State: not ClassicGroupState.Empty, UsesConsumerProtocol: false } => ErrorCode.NonEmptyGroup,
            _ => ErrorCode.None,
        };
    }

    private void ScheduleOffsetExpiry() =>
        _expiryTimer.Schedule(Config.OffsetsRetentionCheckIntervalMs, () =>
        {
            ExpireOffsets();
            ScheduleOffsetExpiry();
        });

    /// <summary>
    /// Kafka 2.1+ retention (KIP-211): offsets of an empty group expire <c>offsets.retention.minutes</c> after the group
    /// became empty; offsets of a group without a protocol (standalone commits) and offsets of topics a stable
    /// consumer group no longer subscribes to expire that long after their commit; an explicit expire timestamp (v2-v4
    /// retention time) wins. A group left with no offsets and no members is deleted.
    /// </summary>
    internal void ExpireOffsets()
    {
        var now = NowMs;
        var records = new List<CoordinatorRecord>();
        var expired = new List<(string GroupId, TopicPartitionKey Key)>();
        var deletedGroups = new List<string>();
        foreach (var (groupId, offsets) in _offsets)
        {
            var group = FindGroup(groupId);
            if (!TryGetExpirationBase(group, out var baseFromGroup))
            {
                continue;
            }

            var before = expired.Count;
            foreach (var (key, offset) in offsets)
            {
                if (group is not null && group.IsSubscribedToTopic(key.Topic) && !group.IsEmpty)
                {
                    continue;
                }

                if (_transactionalOffsets?.HasPendingOffset(groupId, key.Topic, key.Partition) == true)
                {
                    continue;
                }

                var isExpired = offset.ExpireTimestamp >= 0
                    ? now >= offset.ExpireTimestamp
                    : now - (baseFromGroup ?? offset.CommitTimestamp) >= Config.OffsetsRetentionMs;
                if (isExpired)
                {
                    expired.Add((groupId, key));
                    records.Add(CoordinatorRecords.OffsetCommitTombstone(groupId, key.Topic, key.Partition));
                }
            }

            if (expired.Count - before == offsets.Count && (group is null || group.IsEmpty))
            {
                deletedGroups.Add(groupId);
                records.AddRange(GroupTombstones(group, groupId));
            }
        }

        if (records.Count == 0)
        {
            return;
        }

        _logger.LogInformation("Expiring {Offsets} offsets and {Groups} groups on __consumer_offsets-{Partition}", expired.Count, deletedGroups.Count, Partition);
        var write = Append(records);
        _ = AfterWriteAsync(write, (error, recordOffset) =>
        {
            if (error != ErrorCode.None)
            {
                _logger.LogWarning("Failed to write expired offsets: {Error}", error);
                return;
            }

            foreach (var (groupId, key) in expired)
            {
                RemoveOffset(groupId, key, recordOffset);
            }

            foreach (var groupId in deletedGroups)
            {
                if (FindGroup(groupId) is not { IsEmpty: false } && !_offsets.ContainsKey(groupId))
                {
                    RemoveGroup(groupId);
                }
            }
        });
    }

    /// <summary>Which timestamp offsets of this group expire from (null: their commit time); false if none may expire.</summary>
    private static bool TryGetExpirationBase(Group? group, out long? baseTimestamp)
    {
        baseTimestamp = null;
        switch (group)
        {
            case null:
                return true;
            case ClassicGroup classic when classic.ProtocolType is null or "":
                return true;
            case ClassicGroup { State: ClassicGroupState.Empty } classic:
                baseTimestamp = classic.CurrentStateTimestamp >= 0 ? classic.CurrentStateTimestamp : null;
                return true;
            case ClassicGroup { State: ClassicGroupState.Stable, UsesConsumerProtocol: true, SubscribedTopics: not null }:
                return true;
            case ClassicGroup:
                return false;
            case ConsumerGroup:
                return true;
            default:
                return false;
        }
    }
}

/// <summary>One partition's answer to OffsetFetch.</summary>
internal readonly record struct FetchedOffset(string Topic, int Partition, long Offset, int LeaderEpoch, string Metadata, ErrorCode Error);

/// <summary>One group's answer to OffsetFetch: a group-level error or the partitions.</summary>
internal readonly record struct GroupOffsets(ErrorCode Error, List<FetchedOffset> Partitions);
