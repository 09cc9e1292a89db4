using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator;

/// <summary>
/// The group coordinator of one broker: consumer groups (classic and KIP-848) and committed offsets of the
/// <c>__consumer_offsets</c> partitions this broker leads. One method per Kafka API; each takes the decoded request
/// and its version (in <see cref="CoordinatorRequestContext"/>) and returns the response body shaped for that version.
/// It knows nothing of sockets or the replica manager: the broker gives it an <see cref="ICoordinatorLog"/>, an
/// <see cref="ITopicMetadata"/>, and calls <see cref="BeginLoad"/>/<see cref="Resign"/> as leadership moves.
/// </summary>
public sealed class GroupCoordinator : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, GroupCoordinatorShard> _shards = [];
    private readonly ICoordinatorLog _log;
    private readonly ITopicMetadata _topics;
    private readonly ITransactionalOffsetsView? _transactionalOffsets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public GroupCoordinator(
        GroupCoordinatorConfig config,
        ICoordinatorLog log,
        ITopicMetadata topics,
        TimeProvider? time = null,
        ILogger<GroupCoordinator>? logger = null,
        ITransactionalOffsetsView? transactionalOffsets = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(config.OffsetsTopicPartitions);
        if (config.ConsumerGroupAssignors.Count == 0)
        {
            throw new ArgumentException("group.consumer.assignors must name at least one assignor", nameof(config));
        }

        Config = config;
        _log = log;
        _topics = topics;
        _transactionalOffsets = transactionalOffsets;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public GroupCoordinatorConfig Config { get; }

    /// <summary>The <c>__consumer_offsets</c> partition that owns <paramref name="groupId"/>.</summary>
    public int PartitionFor(string groupId) => CoordinatorPartitioner.PartitionFor(groupId, Config.OffsetsTopicPartitions);

    /// <summary>The partitions this coordinator serves or loads.</summary>
    public IReadOnlyList<int> Partitions
    {
        get
        {
            lock (_lock)
            {
                return [.. _shards.Keys.Order()];
            }
        }
    }

    /// <summary>
    /// This broker became leader of <paramref name="partition"/> in <paramref name="leaderEpoch"/>: feed the partition's
    /// log to the returned loader, then call its <c>Complete</c>. A previous shard of the partition is closed.
    /// </summary>
    public CoordinatorPartitionLoader BeginLoad(int partition, int leaderEpoch)
    {
        var shard = new GroupCoordinatorShard(partition, leaderEpoch, Config, _log, _topics, _transactionalOffsets, _time, _logger);
        GroupCoordinatorShard? previous;
        lock (_lock)
        {
            _shards.TryGetValue(partition, out previous);
            _shards[partition] = shard;
        }

        previous?.Close();
        return new CoordinatorPartitionLoader(shard, _logger);
    }

    /// <summary>This broker stopped leading <paramref name="partition"/>: its groups are dropped (waiters get NOT_COORDINATOR).</summary>
    public void Resign(int partition, int leaderEpoch)
    {
        GroupCoordinatorShard? shard;
        lock (_lock)
        {
            if (!_shards.TryGetValue(partition, out shard) || shard.LeaderEpoch > leaderEpoch)
            {
                return;
            }

            _shards.Remove(partition);
        }

        shard.Close();
    }

    public void Dispose()
    {
        List<GroupCoordinatorShard> shards;
        lock (_lock)
        {
            shards = [.. _shards.Values];
            _shards.Clear();
        }

        foreach (var shard in shards)
        {
            shard.Close();
        }
    }

    internal GroupCoordinatorShard? ShardFor(string groupId)
    {
        lock (_lock)
        {
            return _shards.GetValueOrDefault(PartitionFor(groupId));
        }
    }

    // ---- JoinGroup (11), SyncGroup (14), Heartbeat (12), LeaveGroup (13) ----

    public async ValueTask<JoinGroupResponse> JoinGroupAsync(CoordinatorRequestContext context, JoinGroupRequest request)
    {
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return GroupCoordinatorShard.JoinError(context.ApiVersion, ErrorCode.InvalidGroupId, request.MemberId);
        }

        if (ShardFor(request.GroupId) is not { } shard)
        {
            return GroupCoordinatorShard.JoinError(context.ApiVersion, ErrorCode.NotCoordinator, request.MemberId);
        }

        return await shard.JoinGroupAsync(context, request).ConfigureAwait(false);
    }

    public async ValueTask<SyncGroupResponse> SyncGroupAsync(CoordinatorRequestContext context, SyncGroupRequest request)
    {
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return GroupCoordinatorShard.SyncError(context.ApiVersion, ErrorCode.InvalidGroupId);
        }

        if (ShardFor(request.GroupId) is not { } shard)
        {
            return GroupCoordinatorShard.SyncError(context.ApiVersion, ErrorCode.NotCoordinator);
        }

        return await shard.SyncGroupAsync(context, request).ConfigureAwait(false);
    }

    public HeartbeatResponse Heartbeat(CoordinatorRequestContext context, HeartbeatRequest request)
    {
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return new HeartbeatResponse { ErrorCode = (short)ErrorCode.InvalidGroupId };
        }

        return ShardFor(request.GroupId) is { } shard
            ? shard.Heartbeat(context, request)
            : new HeartbeatResponse { ErrorCode = (short)ErrorCode.NotCoordinator };
    }

    public LeaveGroupResponse LeaveGroup(CoordinatorRequestContext context, LeaveGroupRequest request)
    {
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return new LeaveGroupResponse { ErrorCode = (short)ErrorCode.InvalidGroupId };
        }

        return ShardFor(request.GroupId) is { } shard
            ? shard.LeaveGroup(context, request)
            : new LeaveGroupResponse { ErrorCode = (short)ErrorCode.NotCoordinator };
    }

    // ---- OffsetCommit (8), OffsetFetch (9), OffsetDelete (47) ----

    public async ValueTask<OffsetCommitResponse> OffsetCommitAsync(CoordinatorRequestContext context, OffsetCommitRequest request)
    {
        if (ShardFor(request.GroupId ?? "") is { } shard && !string.IsNullOrEmpty(request.GroupId))
        {
            return await shard.CommitOffsetsAsync(context, request).ConfigureAwait(false);
        }

        var error = string.IsNullOrEmpty(request.GroupId) ? ErrorCode.InvalidGroupId : ErrorCode.NotCoordinator;
        return new OffsetCommitResponse
        {
            Topics = request.Topics.Select(t => new OffsetCommitResponse.OffsetCommitResponseTopic
            {
                Name = t.Name,
                Partitions = t.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error }).ToList(),
            }).ToList(),
        };
    }

    public OffsetFetchResponse OffsetFetch(CoordinatorRequestContext context, OffsetFetchRequest request)
    {
        var version = context.ApiVersion;
        var requireStable = version >= 7 && request.RequireStable;
        if (version >= 8)
        {
            var response = new OffsetFetchResponse { Groups = [] };
            foreach (var group in request.Groups)
            {
                var topics = group.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
                var result = FetchGroup(group.GroupId, group.MemberId, group.MemberEpoch, topics, requireStable);
                response.Groups.Add(new OffsetFetchResponse.OffsetFetchResponseGroup
                {
                    GroupId = group.GroupId,
                    ErrorCode = (short)result.Error,
                    Topics = result.Partitions.GroupBy(p => p.Topic).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopics
                    {
                        Name = t.Key,
                        Partitions = t.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartitions
                        {
                            PartitionIndex = p.Partition,
                            CommittedOffset = p.Offset,
                            CommittedLeaderEpoch = p.LeaderEpoch,
                            Metadata = p.Metadata,
                            ErrorCode = (short)p.Error,
                        }).ToList(),
                    }).ToList(),
                });
            }

            return response;
        }

        var single = FetchGroup(request.GroupId, null, -1, request.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList(), requireStable);
        var legacy = new OffsetFetchResponse { ErrorCode = (short)single.Error, Topics = [] };
        var partitions = single.Partitions;
        if (single.Error != ErrorCode.None && version < 2 && request.Topics is not null)
        {
            // Versions 0-1 have no top-level error: every partition carries it.
            partitions = request.Topics.SelectMany(t => t.PartitionIndexes.Select(p => new FetchedOffset(t.Name, p, -1, -1, "", single.Error))).ToList();
        }

        foreach (var topic in partitions.GroupBy(p => p.Topic))
        {
            legacy.Topics.Add(new OffsetFetchResponse.OffsetFetchResponseTopic
            {
                Name = topic.Key,
                Partitions = topic.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition
                {
                    PartitionIndex = p.Partition,
                    CommittedOffset = p.Offset,
                    CommittedLeaderEpoch = p.LeaderEpoch,
                    Metadata = p.Metadata,
                    ErrorCode = (short)p.Error,
                }).ToList(),
            });
        }

        return legacy;
    }

    private GroupOffsets FetchGroup(string groupId, string? memberId, int memberEpoch, IReadOnlyList<(string, IReadOnlyList<int>)>? topics, bool requireStable)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return new GroupOffsets(ErrorCode.InvalidGroupId, []);
        }

        return ShardFor(groupId) is { } shard
            ? shard.FetchOffsets(groupId, memberId, memberEpoch, topics, requireStable)
            : new GroupOffsets(ErrorCode.NotCoordinator, []);
    }

    public async ValueTask<OffsetDeleteResponse> OffsetDeleteAsync(CoordinatorRequestContext context, OffsetDeleteRequest request)
    {
        if (ShardFor(request.GroupId ?? "") is { } shard && !string.IsNullOrEmpty(request.GroupId))
        {
            return await shard.DeleteOffsetsAsync(request).ConfigureAwait(false);
        }

        var error = string.IsNullOrEmpty(request.GroupId) ? ErrorCode.InvalidGroupId : ErrorCode.NotCoordinator;
        return new OffsetDeleteResponse { ErrorCode = (short)error, Topics = [] };
    }

    // ---- DescribeGroups (15), ListGroups (16), DeleteGroups (42) ----

    public DescribeGroupsResponse DescribeGroups(CoordinatorRequestContext context, DescribeGroupsRequest request)
    {
        var response = new DescribeGroupsResponse { Groups = [] };
        foreach (var groupId in request.Groups)
        {
            if (string.IsNullOrEmpty(groupId))
            {
                response.Groups.Add(new DescribeGroupsResponse.DescribedGroup { GroupId = groupId ?? "", ErrorCode = (short)ErrorCode.InvalidGroupId, GroupState = "", ProtocolType = "", ProtocolData = "", Members = [] });
            }
            else if (ShardFor(groupId) is { } shard)
            {
                response.Groups.Add(shard.DescribeGroup(groupId));
            }
            else
            {
                response.Groups.Add(new DescribeGroupsResponse.DescribedGroup { GroupId = groupId, ErrorCode = (short)ErrorCode.NotCoordinator, GroupState = "", ProtocolType = "", ProtocolData = "", Members = [] });
            }
        }

        return response;
    }

    /// <summary>The groups of every partition this broker leads (the broker asks no other broker, as in Kafka).</summary>
    public ListGroupsResponse ListGroups(CoordinatorRequestContext context, ListGroupsRequest request)
    {
        List<GroupCoordinatorShard> shards;
        lock (_lock)
        {
            shards = [.. _shards.Values];
        }

        var states = context.ApiVersion >= 4 ? request.StatesFilter : [];
        var types = context.ApiVersion >= 5 ? request.TypesFilter : [];
        var response = new ListGroupsResponse { Groups = [] };
        foreach (var shard in shards)
        {
            if (shard.Status == ShardStatus.Loading)
            {
                response.ErrorCode = (short)ErrorCode.CoordinatorLoadInProgress;
            }

            response.Groups.AddRange(shard.ListGroups(states, types));
        }

        return response;
    }

    public async ValueTask<DeleteGroupsResponse> DeleteGroupsAsync(CoordinatorRequestContext context, DeleteGroupsRequest request)
    {
        var byShard = new Dictionary<GroupCoordinatorShard, List<string>>();
        var response = new DeleteGroupsResponse { Results = [] };
        foreach (var groupId in request.GroupsNames)
        {
            if (string.IsNullOrEmpty(groupId))
            {
                response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = groupId ?? "", ErrorCode = (short)ErrorCode.InvalidGroupId });
            }
            else if (ShardFor(groupId) is { } shard)
            {
                if (!byShard.TryGetValue(shard, out var list))
                {
                    list = [];
                    byShard[shard] = list;
                }

                list.Add(groupId);
            }
            else
            {
                response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = groupId, ErrorCode = (short)ErrorCode.NotCoordinator });
            }
        }

        var pending = byShard.Select(entry => entry.Key.DeleteGroupsAsync(entry.Value)).ToList();
        foreach (var results in await Task.WhenAll(pending).ConfigureAwait(false))
        {
            foreach (var (groupId, error) in results)
            {
                response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = groupId, ErrorCode = (short)error });
            }
        }

        return response;
    }

    // ---- ConsumerGroupHeartbeat (68), ConsumerGroupDescribe (69) ----

    public async ValueTask<ConsumerGroupHeartbeatResponse> ConsumerGroupHeartbeatAsync(CoordinatorRequestContext context, ConsumerGroupHeartbeatRequest request)
    {
        if (!Config.ConsumerProtocolEnabled)
        {
            return GroupCoordinatorShard.HeartbeatError(ErrorCode.UnsupportedVersion, "The consumer group protocol is disabled (group.coordinator.rebalance.protocols).");
        }

        if (ValidateHeartbeat(context.ApiVersion, request) is { } invalid)
        {
            return invalid;
        }

        if (ShardFor(request.GroupId) is not { } shard)
        {
            return GroupCoordinatorShard.HeartbeatError(ErrorCode.NotCoordinator, null);
        }

        return await shard.ConsumerGroupHeartbeatAsync(context, request).ConfigureAwait(false);
    }

    /// <summary>Kafka's request checks for ConsumerGroupHeartbeat (INVALID_REQUEST, UNSUPPORTED_ASSIGNOR).</summary>
    private ConsumerGroupHeartbeatResponse? ValidateHeartbeat(short version, ConsumerGroupHeartbeatRequest request)
    {
        static ConsumerGroupHeartbeatResponse Invalid(string message) => GroupCoordinatorShard.HeartbeatError(ErrorCode.InvalidRequest, message);

        if ((version >= 1 || request.MemberEpoch > 0 || request.MemberEpoch == -1) && request.MemberId.Length == 0)
        {
            return Invalid("MemberId can't be empty.");
        }

        if (string.IsNullOrEmpty(request.GroupId))
        {
            return Invalid("GroupId can't be empty.");
        }

        if (request.InstanceId is { Length: 0 })
        {
            return Invalid("InstanceId can't be empty.");
        }

        if (request.RackId is { Length: 0 })
        {
            return Invalid("RackId can't be empty.");
        }

        if (request.MemberEpoch == 0)
        {
            if (request.RebalanceTimeoutMs == -1)
            {
                return Invalid("RebalanceTimeoutMs must be provided in first request.");
            }

            if (request.TopicPartitions is null || request.TopicPartitions.Count > 0)
            {
                return Invalid("TopicPartitions must be empty when (re-)joining.");
            }

            if (request.SubscribedTopicNames is null && request.SubscribedTopicRegex is null)
            {
                return Invalid("Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
            }
        }
        else if (request.MemberEpoch == -2 && request.InstanceId is null)
        {
            return Invalid("InstanceId can't be null.");
        }
        else if (request.MemberEpoch < -2)
        {
            return Invalid("MemberEpoch is invalid.");
        }

        if (request.ServerAssignor is not null && !Config.ConsumerGroupAssignors.Contains(request.ServerAssignor))
        {
            return GroupCoordinatorShard.HeartbeatError(
                ErrorCode.UnsupportedAssignor,
                $"ServerAssignor {request.ServerAssignor} is not supported. Supported assignors: {string.Join(", ", Config.ConsumerGroupAssignors)}.");
        }

        return null;
    }

    public ConsumerGroupDescribeResponse ConsumerGroupDescribe(CoordinatorRequestContext context, ConsumerGroupDescribeRequest request)
    {
        var response = new ConsumerGroupDescribeResponse { Groups = [] };
        foreach (var groupId in request.GroupIds)
        {
            if (string.IsNullOrEmpty(groupId))
            {
                response.Groups.Add(new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = "", ErrorCode = (short)ErrorCode.InvalidGroupId, GroupState = "", AssignorName = "", Members = [] });
            }
            else if (ShardFor(groupId) is { } shard)
            {
                response.Groups.Add(shard.DescribeConsumerGroup(groupId));
            }
            else
            {
                response.Groups.Add(new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = groupId, ErrorCode = (short)ErrorCode.NotCoordinator, GroupState = "", AssignorName = "", Members = [] });
            }
        }

        return response;
    }

    // ---- FindCoordinator (10) ----

    public FindCoordinatorResponse FindCoordinator(CoordinatorRequestContext context, FindCoordinatorRequest request, IOffsetsTopicLeaders leaders) =>
        FindCoordinatorLogic.Handle(request, context.ApiVersion, Config.OffsetsTopicPartitions, leaders);
}
