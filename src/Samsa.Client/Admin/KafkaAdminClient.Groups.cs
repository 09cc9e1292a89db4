using Samsa.Client.Errors;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Admin;

public sealed partial class KafkaAdminClient
{
    /// <summary>Every group of every broker (ListGroups to each), optionally only in the given states (v4+) or of the given types (v5+).</summary>
    public Task<IReadOnlyList<GroupListing>> ListGroupsAsync(
        IReadOnlyCollection<string>? states = null, IReadOnlyCollection<string>? types = null, CancellationToken ct = default) =>
        RetryAsync<IReadOnlyList<GroupListing>>(
            async token =>
            {
                var metadata = await _metadata.RefreshAsync([], token).ConfigureAwait(false);
                var groups = new List<GroupListing>();
                foreach (var broker in metadata.Brokers.Keys.Order())
                {
                    var connection = await _pool.GetAsync(broker, token).ConfigureAwait(false);
                    var minVersion = (short)(types is { Count: > 0 } ? 5 : states is { Count: > 0 } ? 4 : 0);
                    var response = await ConnectionPool.SendAsync<ListGroupsResponse>(
                        connection,
                        ApiKey.ListGroups,
                        _ => new ListGroupsRequest { StatesFilter = states?.ToList() ?? [], TypesFilter = types?.ToList() ?? [] },
                        token,
                        minVersion: minVersion).ConfigureAwait(false);
                    KafkaBrokerException.ThrowIfError(response.ErrorCode, null, $"ListGroups on broker {broker}");
                    groups.AddRange(response.Groups.Select(g => new GroupListing(
                        g.GroupId, g.ProtocolType, string.IsNullOrEmpty(g.GroupState) ? null : g.GroupState, string.IsNullOrEmpty(g.GroupType) ? null : g.GroupType, broker)));
                }

                return [.. groups.OrderBy(g => g.GroupId, StringComparer.Ordinal)];
            },
            ct);

    /// <summary>Classic groups (DescribeGroups), with consumer members' subscriptions and assignments decoded.</summary>
    public async Task<IReadOnlyList<GroupDescription>> DescribeGroupsAsync(IEnumerable<string> groupIds, CancellationToken ct = default)
    {
        var results = new List<GroupDescription>();
        foreach (var groupId in groupIds)
        {
            results.Add(await WithCoordinatorAsync(
                groupId,
                async (connection, coordinator, token) =>
                {
                    var response = await ConnectionPool.SendAsync<DescribeGroupsResponse>(
                        connection, ApiKey.DescribeGroups, _ => new DescribeGroupsRequest { Groups = [groupId] }, token).ConfigureAwait(false);
                    var group = response.Groups.Single(g => g.GroupId == groupId);
                    ThrowIfCoordinatorMoved(group.ErrorCode, groupId);
                    var members = group.Members.Select(m => DecodeMember(group.ProtocolType, m)).ToList();
                    return new GroupDescription(
                        group.GroupId, group.GroupState, group.ProtocolType, group.ProtocolData, members, coordinator,
                        KafkaBrokerException.FromCode(group.ErrorCode, null, $"group {groupId}"));
                },
                ct).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>KIP-848 consumer groups (ConsumerGroupDescribe); a classic group answers GROUP_ID_NOT_FOUND here.</summary>
    public async Task<IReadOnlyList<ConsumerGroupDescription>> DescribeConsumerGroupsAsync(IEnumerable<string> groupIds, CancellationToken ct = default)
    {
        var results = new List<ConsumerGroupDescription>();
        foreach (var groupId in groupIds)
        {
            results.Add(await WithCoordinatorAsync(
                groupId,
                async (connection, coordinator, token) =>
                {
                    var response = await ConnectionPool.SendAsync<ConsumerGroupDescribeResponse>(
                        connection, ApiKey.ConsumerGroupDescribe, _ => new ConsumerGroupDescribeRequest { GroupIds = [groupId] }, token).ConfigureAwait(false);
                    var group = response.Groups.Single(g => g.GroupId == groupId);
                    ThrowIfCoordinatorMoved(group.ErrorCode, groupId);
                    var members = group.Members.Select(m => new ConsumerGroupMember(
                        m.MemberId, m.InstanceId, m.RackId, m.MemberEpoch, m.ClientId, m.ClientHost, m.SubscribedTopicNames, m.SubscribedTopicRegex,
                        Flatten(m.Assignment), Flatten(m.TargetAssignment))).ToList();
                    return new ConsumerGroupDescription(
                        group.GroupId, group.GroupState, group.GroupEpoch, group.AssignmentEpoch, group.AssignorName, members, coordinator,
                        KafkaBrokerException.FromCode(group.ErrorCode, group.ErrorMessage, $"group {groupId}"));
                },
                ct).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Deletes empty groups (DeleteGroups to each group's coordinator).</summary>
    public async Task<IReadOnlyList<GroupResult>> DeleteGroupsAsync(IEnumerable<string> groupIds, CancellationToken ct = default)
    {
        var results = new List<GroupResult>();
        foreach (var groupId in groupIds)
        {
            results.Add(await WithCoordinatorAsync(
                groupId,
                async (connection, _, token) =>
                {
                    var response = await ConnectionPool.SendAsync<DeleteGroupsResponse>(
                        connection, ApiKey.DeleteGroups, _ => new DeleteGroupsRequest { GroupsNames = [groupId] }, token).ConfigureAwait(false);
                    var result = response.Results.Single(r => r.GroupId == groupId);
                    ThrowIfCoordinatorMoved(result.ErrorCode, groupId);
                    return new GroupResult(groupId, KafkaBrokerException.FromCode(result.ErrorCode, null, $"group {groupId}"));
                },
                ct).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>A group's committed offsets (OffsetFetch): for the given partitions, or every partition it has offsets for.</summary>
    public Task<IReadOnlyDictionary<TopicPartition, CommittedOffset>> ListConsumerGroupOffsetsAsync(
        string groupId, IEnumerable<TopicPartition>? partitions = null, CancellationToken ct = default)
    {
        var wanted = partitions?.ToList();
        return WithCoordinatorAsync<IReadOnlyDictionary<TopicPartition, CommittedOffset>>(
            groupId,
            async (connection, _, token) =>
            {
                var version = connection.Versions.Pick(ApiKey.OffsetFetch, connection.Name, minWanted: (short)(wanted is null ? 2 : 1));
                var request = version >= 8
                    ? new OffsetFetchRequest
                    {
                        Groups =
                        [
                            new OffsetFetchRequest.OffsetFetchRequestGroup
                            {
                                GroupId = groupId,
                                Topics = wanted?.GroupBy(p => p.Topic).Select(g => new OffsetFetchRequest.OffsetFetchRequestTopics { Name = g.Key, PartitionIndexes = [.. g.Select(p => p.Partition)] }).ToList(),
                            },
                        ],
                    }
                    : new OffsetFetchRequest
                    {
                        GroupId = groupId,
                        Topics = wanted?.GroupBy(p => p.Topic).Select(g => new OffsetFetchRequest.OffsetFetchRequestTopic { Name = g.Key, PartitionIndexes = [.. g.Select(p => p.Partition)] }).ToList(),
                    };
                var response = await connection.SendAsync<OffsetFetchResponse>(request, version, token).ConfigureAwait(false);
                var result = new Dictionary<TopicPartition, CommittedOffset>();
                if (version >= 8)
                {
                    var group = response.Groups.Single(g => g.GroupId == groupId);
                    ThrowIfCoordinatorMoved(group.ErrorCode, groupId);
                    KafkaBrokerException.ThrowIfError(group.ErrorCode, null, $"group {groupId}");
                    foreach (var topic in group.Topics)
                    {
                        foreach (var p in topic.Partitions)
                        {
                            var tp = new TopicPartition(topic.Name, p.PartitionIndex);
                            result[tp] = new CommittedOffset(p.CommittedOffset, p.CommittedLeaderEpoch, p.Metadata, KafkaBrokerException.FromCode(p.ErrorCode, null, tp.ToString()));
                        }
                    }
                }
                else
                {
                    ThrowIfCoordinatorMoved(response.ErrorCode, groupId);
                    KafkaBrokerException.ThrowIfError(response.ErrorCode, null, $"group {groupId}");
                    foreach (var topic in response.Topics)
                    {
                        foreach (var p in topic.Partitions)
                        {
                            var tp = new TopicPartition(topic.Name, p.PartitionIndex);
                            result[tp] = new CommittedOffset(p.CommittedOffset, p.CommittedLeaderEpoch, p.Metadata, KafkaBrokerException.FromCode(p.ErrorCode, null, tp.ToString()));
                        }
                    }
                }

                return result;
            },
            ct);
    }

    /// <summary>Commits offsets for a group that has no active members (what reset-offsets does), as an admin commit (generation -1, no member id).</summary>
    public Task<IReadOnlyList<PartitionResult>> AlterConsumerGroupOffsetsAsync(
        string groupId, IReadOnlyDictionary<TopicPartition, long> offsets, CancellationToken ct = default) =>
        WithCoordinatorAsync<IReadOnlyList<PartitionResult>>(
            groupId,
            async (connection, _, token) =>
            {
                var response = await ConnectionPool.SendAsync<OffsetCommitResponse>(
                    connection,
                    ApiKey.OffsetCommit,
                    _ => new OffsetCommitRequest
                    {
                        GroupId = groupId,
                        GenerationIdOrMemberEpoch = -1,
                        MemberId = string.Empty,
                        Topics = [.. offsets.GroupBy(o => o.Key.Topic).Select(g => new OffsetCommitRequest.OffsetCommitRequestTopic
                        {
                            Name = g.Key,
                            Partitions = [.. g.Select(o => new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = o.Key.Partition, CommittedOffset = o.Value })],
                        })],
                    },
                    token,
                    maxVersion: 8).ConfigureAwait(false);
                return PartitionResults(groupId, response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex, p.ErrorCode))));
            },
            ct);

    /// <summary>Removes a group's committed offsets for partitions it no longer consumes (OffsetDelete, KIP-496).</summary>
    public Task<IReadOnlyList<PartitionResult>> DeleteConsumerGroupOffsetsAsync(
        string groupId, IEnumerable<TopicPartition> partitions, CancellationToken ct = default)
    {
        var list = partitions.ToList();
        return WithCoordinatorAsync<IReadOnlyList<PartitionResult>>(
            groupId,
            async (connection, _, token) =>
            {
                var response = await ConnectionPool.SendAsync<OffsetDeleteResponse>(
                    connection,
                    ApiKey.OffsetDelete,
                    _ => new OffsetDeleteRequest
                    {
                        GroupId = groupId,
                        Topics = [.. list.GroupBy(p => p.Topic).Select(g => new OffsetDeleteRequest.OffsetDeleteRequestTopic
                        {
                            Name = g.Key,
                            Partitions = [.. g.Select(p => new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = p.Partition })],
                        })],
                    },
                    token).ConfigureAwait(false);
                ThrowIfCoordinatorMoved(response.ErrorCode, groupId);
                KafkaBrokerException.ThrowIfError(response.ErrorCode, null, $"group {groupId}");
                return PartitionResults(groupId, response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex, p.ErrorCode))));
            },
            ct);
    }

    /// <summary>Decodes a consumer-protocol subscription (int16 version, then the struct), or null for other bytes.</summary>
    public static ConsumerProtocolSubscription? DecodeSubscription(byte[] bytes) => DecodeVersioned(bytes, ConsumerProtocolSubscription.Read);

    /// <summary>Decodes a consumer-protocol assignment (int16 version, then the struct), or null for other bytes.</summary>
    public static ConsumerProtocolAssignment? DecodeAssignment(byte[] bytes) => DecodeVersioned(bytes, ConsumerProtocolAssignment.Read);

    private delegate T VersionedReader<T>(ref ProtocolReader reader, short version);

    private static T? DecodeVersioned<T>(byte[] bytes, VersionedReader<T> read)
        where T : class
    {
        if (bytes.Length < 2)
        {
            return null;
        }

        try
        {
            var reader = new ProtocolReader(bytes);
            var version = reader.ReadInt16();

            // Newer versions only add fields at the end: read what this client knows.
            return read(ref reader, Math.Clamp(version, (short)0, (short)3));
        }
        catch (ProtocolDecodeException)
        {
            return null;
        }
    }

    private static GroupMemberDescription DecodeMember(string protocolType, DescribeGroupsResponse.DescribedGroupMember member)
    {
        IReadOnlyList<string> topics = [];
        IReadOnlyList<TopicPartition> assignment = [];
        if (protocolType == "consumer")
        {
            if (DecodeSubscription(member.MemberMetadata) is { } subscription)
            {
                topics = subscription.Topics;
            }

            if (DecodeAssignment(member.MemberAssignment) is { } assigned)
            {
                assignment = [.. assigned.AssignedPartitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p)))];
            }
        }

        return new GroupMemberDescription(member.MemberId, member.GroupInstanceId, member.ClientId, member.ClientHost, topics, assignment)
        {
            RawMetadata = member.MemberMetadata,
            RawAssignment = member.MemberAssignment,
        };
    }

    private static List<TopicPartition> Flatten(ConsumerGroupDescribeResponse.Assignment assignment) =>
        [.. assignment.TopicPartitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.TopicName, p)))];

    private List<PartitionResult> PartitionResults(string groupId, IEnumerable<(string Topic, int Partition, short Code)> answers)
    {
        var results = new List<PartitionResult>();
        foreach (var (topic, partition, code) in answers)
        {
            ThrowIfCoordinatorMoved(code, groupId);
            var tp = new TopicPartition(topic, partition);
            results.Add(new PartitionResult(tp, KafkaBrokerException.FromCode(code, null, tp.ToString())));
        }

        return results;
    }

    /// <summary>NOT_COORDINATOR and friends: forget the coordinator and let the retry loop find it again.</summary>
    private void ThrowIfCoordinatorMoved(short code, string groupId)
    {
        if (code is (short)ErrorCode.NotCoordinator or (short)ErrorCode.CoordinatorNotAvailable or (short)ErrorCode.CoordinatorLoadInProgress)
        {
            lock (_lock)
            {
                _coordinators.Remove(groupId);
            }

            throw new KafkaBrokerException((ErrorCode)code, null, $"group {groupId}");
        }
    }

    /// <summary>Runs <paramref name="operation"/> on the group's coordinator (found with FindCoordinator, cached), with retries.</summary>
    private Task<T> WithCoordinatorAsync<T>(string groupId, Func<BrokerConnection, int, CancellationToken, Task<T>> operation, CancellationToken ct) =>
        RetryAsync(
            async token =>
            {
                var coordinator = await FindCoordinatorAsync(groupId, token).ConfigureAwait(false);
                var connection = await _pool.GetAsync(coordinator, token).ConfigureAwait(false);
                return await operation(connection, coordinator, token).ConfigureAwait(false);
            },
            ct);

    private async Task<int> FindCoordinatorAsync(string groupId, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_coordinators.TryGetValue(groupId, out var known))
            {
                return known;
            }
        }

        await EnsureMetadataAsync(ct).ConfigureAwait(false);
        var connection = await _pool.GetAnyAsync(ct).ConfigureAwait(false);
        var version = connection.Versions.Pick(ApiKey.FindCoordinator, connection.Name);
        var request = version >= 4
            ? new FindCoordinatorRequest { KeyType = 0, CoordinatorKeys = [groupId] }
            : new FindCoordinatorRequest { KeyType = 0, Key = groupId };
        var response = await connection.SendAsync<FindCoordinatorResponse>(request, version, ct).ConfigureAwait(false);
        int nodeId;
        string host;
        int port;
        if (version >= 4)
        {
            var coordinator = response.Coordinators.Single(c => c.Key == groupId);
            KafkaBrokerException.ThrowIfError(coordinator.ErrorCode, coordinator.ErrorMessage, $"coordinator of group {groupId}");
            (nodeId, host, port) = (coordinator.NodeId, coordinator.Host, coordinator.Port);
        }
        else
        {
            KafkaBrokerException.ThrowIfError(response.ErrorCode, response.ErrorMessage, $"coordinator of group {groupId}");
            (nodeId, host, port) = (response.NodeId, response.Host, response.Port);
        }

        _pool.UpdateAddresses([new(nodeId, new Configuration.BrokerAddress(host, port))]);
        lock (_lock)
        {
            _coordinators[groupId] = nodeId;
        }

        return nodeId;
    }
}
