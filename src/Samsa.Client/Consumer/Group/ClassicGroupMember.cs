using System.Diagnostics;
using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Metadata;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Consumer.Group;

/// <summary>
/// A member of a classic consumer group: joins (JoinGroup, SyncGroup; as leader it assigns with the range assignor),
/// heartbeats in the background, commits and fetches offsets with its generation, and leaves. The consumer drives it:
/// it rejoins when <see cref="NeedsRejoin"/> says the group is rebalancing.
/// </summary>
internal sealed partial class ClassicGroupMember : IAsyncDisposable
{
    private const string ProtocolType = "consumer";

    // The group APIs are capped at their last non-flexible versions, the ones librdkafka sends: every broker parses
    // those (librdkafka's mock closes the connection on flexible JoinGroup and SyncGroup), and nothing newer is needed.
    private readonly ConsumerConfig _config;
    private readonly ConnectionPool _pool;
    private readonly MetadataManager _metadata;
    private readonly Backoff _backoff;
    private int _coordinator = -1;
    private volatile bool _rejoin = true;

    public ClassicGroupMember(string groupId, ConsumerConfig config, ConnectionPool pool, MetadataManager metadata)
    {
        GroupId = groupId;
        _config = config;
        _pool = pool;
        _metadata = metadata;
        _backoff = new Backoff(config.RetryBackoffMs, config.RetryBackoffMaxMs);
    }

    public string GroupId { get; }

    public string MemberId { get; private set; } = string.Empty;

    public int GenerationId { get; private set; } = -1;

    /// <summary>True before the first join and after the coordinator said the group is rebalancing or forgot this member.</summary>
    public bool NeedsRejoin => _rejoin;

    /// <summary>Joins (or rejoins) the group subscribed to <paramref name="topics"/> and returns this member's assignment.</summary>
    public async Task<IReadOnlyList<TopicPartition>> JoinAsync(IReadOnlyList<string> topics, CancellationToken ct)
    {
        await StopHeartbeatAsync().ConfigureAwait(false);
        var deadline = Stopwatch.GetTimestamp() + ((_config.DefaultApiTimeoutMs + (long)_config.MaxPollIntervalMs) * Stopwatch.Frequency / 1000);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var assignment = await TryJoinAsync(topics, ct).ConfigureAwait(false);
                if (assignment is not null)
                {
                    _rejoin = false;
                    StartHeartbeat();
                    return assignment;
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new KafkaTimeoutException($"group {GroupId}: no stable generation before the join deadline");
                }
            }
            catch (KafkaClientException e) when (e.IsRetriable && Stopwatch.GetTimestamp() < deadline)
            {
                _coordinator = -1;
                await Task.Delay(_backoff.Delay(attempt), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One JoinGroup and SyncGroup round; null when the coordinator asked for another round.</summary>
    private async Task<IReadOnlyList<TopicPartition>?> TryJoinAsync(IReadOnlyList<string> topics, CancellationToken ct)
    {
        var connection = await CoordinatorAsync(ct).ConfigureAwait(false);
        var join = await SendJoinAsync(connection, topics, ct).ConfigureAwait(false);
        if (!Accept(join.ErrorCode, join.MemberId))
        {
            return null;
        }

        MemberId = join.MemberId;
        GenerationId = join.GenerationId;
        var assignments = join.Leader == MemberId ? await AssignAsync(join.Members, ct).ConfigureAwait(false) : [];
        SyncGroupResponse sync;
        try
        {
            sync = await SendSyncAsync(connection, join.ProtocolName ?? RangeAssignor.Name, assignments, ct).ConfigureAwait(false);
        }
        catch (KafkaProtocolException)
        {
            // Some brokers (librdkafka's mock) answer a SyncGroup that lost a race with a new rebalance with a null
            // assignment, which the schema forbids; the round is void either way. Joining again at once would start
            // yet another rebalance before the other members noticed this one, so wait a heartbeat first.
            await Task.Delay(_config.HeartbeatIntervalMs, ct).ConfigureAwait(false);
            return null;
        }

        if (!Accept(sync.ErrorCode, MemberId))
        {
            return null;
        }

        var decoded = KafkaAdminClient.DecodeAssignment(sync.Assignment);
        return decoded is null ? [] : [.. decoded.AssignedPartitions.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p)))];
    }

    /// <summary>True for success; false (after adjusting the member) when another round is due; throws otherwise.</summary>
    private bool Accept(short code, string memberId)
    {
        switch ((ErrorCode)code)
        {
            case ErrorCode.None:
                return true;
            case ErrorCode.MemberIdRequired:
                MemberId = memberId;
                return false;
            case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration:
                MemberId = string.Empty;
                GenerationId = -1;
                return false;
            case ErrorCode.RebalanceInProgress:
                return false;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                _coordinator = -1;
                throw new KafkaBrokerException((ErrorCode)code, null, $"group {GroupId}");
            default:
                throw new KafkaBrokerException((ErrorCode)code, null, $"group {GroupId}");
        }
    }

    private async Task<BrokerConnection> CoordinatorAsync(CancellationToken ct)
    {
        if (_coordinator < 0)
        {
            _coordinator = await GroupCoordinatorLocator.FindAsync(_pool, GroupId, ct).ConfigureAwait(false);
        }

        return await _pool.GetAsync(_coordinator, ct).ConfigureAwait(false);
    }

    private Task<JoinGroupResponse> SendJoinAsync(BrokerConnection connection, IReadOnlyList<string> topics, CancellationToken ct)
    {
        var version = connection.Versions.Pick(ApiKey.JoinGroup, connection.Name, maxWanted: 5, minWanted: 1);
        var request = new JoinGroupRequest
        {
            GroupId = GroupId,
            SessionTimeoutMs = _config.SessionTimeoutMs,
            RebalanceTimeoutMs = _config.MaxPollIntervalMs,
            MemberId = MemberId,
            GroupInstanceId = version >= 5 ? _config.GroupInstanceId : null,
            ProtocolType = ProtocolType,
            Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = RangeAssignor.Name, Metadata = ConsumerProtocol.Subscription(topics) }],
        };

        // The coordinator holds JoinGroup until every member has joined, up to the rebalance timeout.
        return connection.SendAsync<JoinGroupResponse>(request, version, ct, _config.MaxPollIntervalMs + _config.RequestTimeoutMs);
    }

    private Task<SyncGroupResponse> SendSyncAsync(BrokerConnection connection, string protocol, IReadOnlyList<SyncGroupRequest.SyncGroupRequestAssignment> assignments, CancellationToken ct)
    {
        var version = connection.Versions.Pick(ApiKey.SyncGroup, connection.Name, maxWanted: 3);
        var request = new SyncGroupRequest
        {
            GroupId = GroupId,
            GenerationId = GenerationId,
            MemberId = MemberId,
            GroupInstanceId = version >= 3 ? _config.GroupInstanceId : null,
            ProtocolType = version >= 5 ? ProtocolType : null,
            ProtocolName = version >= 5 ? protocol : null,
            Assignments = [.. assignments],
        };
        return connection.SendAsync<SyncGroupResponse>(request, version, ct, _config.MaxPollIntervalMs + _config.RequestTimeoutMs);
    }

    /// <summary>The leader's work: the range assignment of every member's subscription.</summary>
    private async Task<List<SyncGroupRequest.SyncGroupRequestAssignment>> AssignAsync(IEnumerable<JoinGroupResponse.JoinGroupResponseMember> members, CancellationToken ct)
    {
        var subscriptions = members.ToDictionary(
            m => m.MemberId,
            m => (IReadOnlyList<string>)(KafkaAdminClient.DecodeSubscription(m.Metadata)?.Topics ?? []),
            StringComparer.Ordinal);
        var topics = subscriptions.Values.SelectMany(t => t).Distinct(StringComparer.Ordinal).ToList();
        var metadata = await _metadata.RefreshAsync(topics, ct).ConfigureAwait(false);
        var counts = topics.Select(metadata.GetTopic).Where(t => t is not null && t.Error == ErrorCode.None)
            .ToDictionary(t => t!.Name, t => t!.Partitions.Count, StringComparer.Ordinal);
        return [.. RangeAssignor.Assign(subscriptions, counts).Select(a => new SyncGroupRequest.SyncGroupRequestAssignment
        {
            MemberId = a.Key,
            Assignment = ConsumerProtocol.Assignment(a.Value),
        })];
    }
}
