using Samsa.Broker.Configuration;
using Samsa.Broker.Fetch;
using Samsa.Broker.Partitions;
using Samsa.Broker.Requests;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Storage;

namespace Samsa.Broker.Handlers;

/// <summary>
/// Fetch (v4-17; Kafka 4 removed v0-3). Reads each partition's log as file ranges that go into the response as file
/// regions, never decoded or copied: up to the high watermark (read_uncommitted) or the last stable offset
/// (read_committed), within the partition and response byte limits, the first batch whole even when larger (as
/// Kafka does so a consumer always progresses). With too few bytes it waits, without holding a thread, until an
/// append, max.wait.ms, the connection closing or the server stopping. Incremental fetch sessions (KIP-227) send only
/// the partitions that changed; topics are named by id from v13.
/// </summary>
public sealed class FetchHandler(BrokerServices services) : ApiHandler<FetchRequest, FetchResponse>
{
    public override ApiKey ApiKey => ApiKey.Fetch;

    public override short MinVersion => 4;

    public override async ValueTask<FetchResponse?> HandleAsync(ApiRequest<FetchRequest> request)
    {
        var body = request.Body;
        var version = request.Version;
        var usesTopicIds = version >= 13;
        var context = CreateContext(body, version, usesTopicIds);
        if (context.Error != ErrorCode.None)
        {
            return new FetchResponse { ErrorCode = (short)context.Error, SessionId = FetchSessionCache.NoSession };
        }

        var replicaId = version >= 15 ? body.ReplicaState.ReplicaId : body.ReplicaId;
        var isolation = replicaId >= 0 ? FetchIsolation.LogEnd : body.IsolationLevel == 1 ? FetchIsolation.TransactionCommitted : FetchIsolation.HighWatermark;
        var deadline = services.Time.GetUtcNow().AddMilliseconds(Math.Max(0, body.MaxWaitMs));

        // The response limit is the request's, capped by the broker's fetch.max.bytes (replica.fetch.response.max.bytes for followers).
        var maxBytes = Math.Min(body.MaxBytes, services.Config.Get(replicaId >= 0 ? BrokerConfigs.ReplicaFetchResponseMaxBytes : BrokerConfigs.FetchMaxBytes));
        while (true)
        {
            var image = services.Image;
            var signals = Signals(context, image, usesTopicIds);
            var reads = ReadAll(context, image, usesTopicIds, replicaId, isolation, maxBytes);
            var remaining = deadline - services.Time.GetUtcNow();
            if (Complete(reads, body.MinBytes) || remaining <= TimeSpan.Zero || request.ServerStopping.IsCancellationRequested)
            {
                return Respond(context, reads, usesTopicIds, body.IsolationLevel);
            }

            Release(reads);
            await WaitAsync(signals, remaining, request.CancellationToken, request.ServerStopping).ConfigureAwait(false);
        }
    }

    public override FetchResponse ErrorResponse(FetchRequest request, short version, ErrorCode error, string? message)
    {
        var response = new FetchResponse { SessionId = FetchSessionCache.NoSession };
        foreach (var topic in request.Topics)
        {
            response.Responses.Add(new FetchResponse.FetchableTopicResponse
            {
                Topic = topic.Topic,
                TopicId = topic.TopicId,
                Partitions = [.. topic.Partitions.Select(p => Partition(p.Partition, PartitionReadResult.Failed(error), null, request.IsolationLevel))],
            });
        }

        return response;
    }

    protected override void Release(FetchResponse response)
    {
        foreach (var topic in response.Responses)
        {
            foreach (var partition in topic.Partitions)
            {
                (partition.Records as FileRecordsPayload)?.Dispose();
            }
        }
    }

    private static FetchResponse.PartitionData Partition(int index, PartitionReadResult read, RecordsPayload? records, sbyte isolationLevel) => new()
    {
        PartitionIndex = index,
        ErrorCode = (short)read.Error,
        HighWatermark = read.HighWatermark,
        LastStableOffset = read.LastStableOffset,
        LogStartOffset = read.LogStartOffset,
        AbortedTransactions = isolationLevel == 1 ? [] : null,
        PreferredReadReplica = -1,
        Records = records ?? MemoryRecords.Empty,
    };

    private static bool Complete(List<Read> reads, int minBytes)
    {
        if (reads.Count == 0)
        {
            return true;
        }

        long bytes = 0;
        foreach (var read in reads)
        {
            if (read.Result.Error != ErrorCode.None)
            {
                return true;
            }

            bytes += read.Result.Bytes;
        }

        return bytes >= minBytes;
    }

    private static void Release(List<Read> reads)
    {
        foreach (var read in reads)
        {
            if (read.Result.Ranges is { } ranges)
            {
                foreach (var range in ranges)
                {
                    range.Release();
                }

                ranges.Clear();
            }
        }
    }

    private static async Task WaitAsync(List<Task> signals, TimeSpan remaining, CancellationToken connection, CancellationToken stopping)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(connection, stopping);
        signals.Add(Task.Delay(remaining, wake.Token));
        await Task.WhenAny(signals).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        connection.ThrowIfCancellationRequested();
    }

    private static FetchPartitionKey Key(FetchRequest.FetchTopic topic, int partition, bool usesTopicIds) =>
        usesTopicIds ? new FetchPartitionKey(topic.TopicId, null, partition) : new FetchPartitionKey(Uuid.Zero, topic.Topic, partition);

    private FetchContext CreateContext(FetchRequest body, short version, bool usesTopicIds)
    {
        var requested = new List<FetchPartitionState>();
        foreach (var topic in body.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                requested.Add(new FetchPartitionState(Key(topic, partition.Partition, usesTopicIds))
                {
                    FetchOffset = partition.FetchOffset,
                    MaxBytes = partition.PartitionMaxBytes,
                    CurrentLeaderEpoch = version >= 9 ? partition.CurrentLeaderEpoch : -1,
                    LogStartOffset = partition.LogStartOffset,
                });
            }
        }

        if (version < 7)
        {
            return FetchContext.Sessionless(requested);
        }

        var forgotten = new List<FetchPartitionKey>();
        foreach (var topic in body.ForgottenTopicsData)
        {
            foreach (var partition in topic.Partitions)
            {
                forgotten.Add(usesTopicIds ? new FetchPartitionKey(topic.TopicId, null, partition) : new FetchPartitionKey(Uuid.Zero, topic.Topic, partition));
            }
        }

        return services.FetchSessions.NewContext(body.SessionId, body.SessionEpoch, usesTopicIds, requested, forgotten);
    }

    /// <summary>The change signals of the hosted partitions, taken before reading so no append in between is missed.</summary>
    private List<Task> Signals(FetchContext context, MetadataImage image, bool usesTopicIds)
    {
        var signals = new List<Task>(context.Partitions.Count + 1);
        foreach (var state in context.Partitions)
        {
            var name = usesTopicIds ? image.Topics.Get(state.Key.TopicId)?.Name : state.Key.TopicName;
            if (name is not null && services.Replicas.Get(new TopicPartition(name, state.Key.Partition)) is { } partition)
            {
                signals.Add(partition.Changes.Next());
            }
        }

        return signals;
    }

    private List<Read> ReadAll(FetchContext context, MetadataImage image, bool usesTopicIds, int replicaId, FetchIsolation isolation, int maxBytes)
    {
        var reads = new List<Read>(context.Partitions.Count);
        var remaining = maxBytes;
        var minOneBatch = true;
        try
        {
            foreach (var state in context.Partitions)
            {
                var topic = usesTopicIds ? image.Topics.Get(state.Key.TopicId) : image.Topics.Get(state.Key.TopicName!);
                var result = ReadPartition(topic, state, usesTopicIds, replicaId, isolation, Math.Min(state.MaxBytes, remaining), minOneBatch);
                if (result.Bytes > 0)
                {
                    minOneBatch = false;
                    remaining = Math.Max(0, remaining - result.Bytes);
                }

                reads.Add(new Read(state, topic?.Name ?? state.Key.TopicName, result));
            }
        }
        catch
        {
            Release(reads);
            throw;
        }

        return reads;
    }

    private PartitionReadResult ReadPartition(TopicImage? topic, FetchPartitionState state, bool usesTopicIds, int replicaId, FetchIsolation isolation, int maxBytes, bool minOneBatch)
    {
        if (topic is null)
        {
            return PartitionReadResult.Failed(usesTopicIds ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition);
        }

        if (topic.Partition(state.Key.Partition) is null)
        {
            return PartitionReadResult.Failed(ErrorCode.UnknownTopicOrPartition);
        }

        var partition = services.Replicas.Get(new TopicPartition(topic.Name, state.Key.Partition));
        if (partition is null || partition.TopicId != topic.Id || (replicaId >= 0 && !partition.Leadership.Replicas.Contains(replicaId)))
        {
            return PartitionReadResult.Failed(ErrorCode.NotLeaderOrFollower);
        }

        return partition.Read(state.FetchOffset, maxBytes, minOneBatch, isolation, state.CurrentLeaderEpoch);
    }

    private FetchResponse Respond(FetchContext context, List<Read> reads, bool usesTopicIds, sbyte isolationLevel)
    {
        var response = new FetchResponse();
        try
        {
            FetchResponse.FetchableTopicResponse? current = null;
            foreach (var read in reads)
            {
                var result = read.Result;
                var include = read.State.MustRespond((short)result.Error, result.HighWatermark, result.LastStableOffset, result.LogStartOffset, result.Bytes) || !context.IsIncremental;
                if (!include)
                {
                    Release([read]);
                    continue;
                }

                if (current is null || (usesTopicIds ? current.TopicId != read.State.Key.TopicId : current.Topic != read.State.Key.TopicName))
                {
                    current = new FetchResponse.FetchableTopicResponse { Topic = read.TopicName ?? string.Empty, TopicId = read.State.Key.TopicId };
                    response.Responses.Add(current);
                }

                var records = result.Ranges is { Count: > 0 } ranges ? new FileRecordsPayload(ranges, result.Bytes) : null;
                current.Partitions.Add(Partition(read.State.Key.Partition, result, records, isolationLevel));
            }

            response.SessionId = SessionFor(context, reads, usesTopicIds);
            return response;
        }
        catch
        {
            Release(response);
            Release(reads);
            throw;
        }
    }

    /// <summary>The session id the response carries; a full fetch with epoch 0 opens a session when there is room.</summary>
    private int SessionFor(FetchContext context, List<Read> reads, bool usesTopicIds)
    {
        if (context.Session is { } session)
        {
            lock (session.Gate)
            {
                foreach (var read in reads)
                {
                    if (read.Result.Bytes > 0)
                    {
                        session.MoveToBack(read.State.Key);
                    }
                }
            }

            return session.Id;
        }

        if (context.MayCreateSession)
        {
            return services.FetchSessions.TryCreate(usesTopicIds, context.Partitions)?.Id ?? FetchSessionCache.NoSession;
        }

        return FetchSessionCache.NoSession;
    }

    /// <summary>One partition's read in this fetch.</summary>
    private readonly record struct Read(FetchPartitionState State, string? TopicName, PartitionReadResult Result);
}
