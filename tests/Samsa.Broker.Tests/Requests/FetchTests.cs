using System.Diagnostics;
using Samsa.Broker.Fetch;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Tests.Requests;

public sealed class FetchTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private Uuid _topicId;

    public async Task InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        _topicId = (await _broker.CreateTopicAsync("f", 2)).Topics[0].TopicId;
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task An_offset_outside_the_log_is_OFFSET_OUT_OF_RANGE_with_the_log_bounds()
    {
        using var connection = await _broker.ConnectAsync();
        await ProduceAsync(connection, 0, 5);

        var partition = (await connection.SendAsync<FetchResponse>(Batches.Fetch("f", 0, 50), 11)).Responses[0].Partitions[0];

        Assert.Equal((ErrorCode.OffsetOutOfRange, 5L, 0L), ((ErrorCode)partition.ErrorCode, partition.HighWatermark, partition.LogStartOffset));
    }

    [Fact]
    public async Task The_first_batch_comes_whole_even_when_larger_than_the_limits_and_later_ones_respect_them()
    {
        using var connection = await _broker.ConnectAsync();
        var big = await ProduceAsync(connection, 0, 10, valueSize: 1000);
        await ProduceAsync(connection, 1, 10, valueSize: 1000);
        await ProduceAsync(connection, 0, 10, valueSize: 1000);

        var small = (await connection.SendAsync<FetchResponse>(Batches.Fetch("f", 0, 0, partitionMaxBytes: 10), 11)).Responses[0].Partitions[0];
        Assert.Equal(big, Batches.RecordsOf(small).Length);

        var request = Batches.Fetch("f", 0, 0, maxBytes: 100);
        request.Topics[0].Partitions.Add(new FetchRequest.FetchPartition { Partition = 1, FetchOffset = 0, PartitionMaxBytes = 1 << 20, CurrentLeaderEpoch = -1, LogStartOffset = -1 });
        var response = await connection.SendAsync<FetchResponse>(request, 11);
        var partitions = response.Responses.SelectMany(t => t.Partitions).ToList();
        Assert.Equal(big, Batches.RecordsOf(partitions[0]).Length);
        Assert.Empty(Batches.RecordsOf(partitions[1]));
        Assert.Equal(10, partitions[1].HighWatermark);
    }

    [Fact]
    public async Task A_long_poll_is_woken_by_an_append()
    {
        using var consumer = await _broker.ConnectAsync();
        using var producer = await _broker.ConnectAsync();
        var watch = Stopwatch.StartNew();

        var fetch = consumer.SendAsync<FetchResponse>(Batches.Fetch("f", 1, 0, maxWaitMs: 20_000), 11);
        await Task.Delay(300);
        Assert.False(fetch.IsCompleted);
        await ProduceAsync(producer, 1, 3);
        var partition = (await fetch).Responses[0].Partitions[0];

        Assert.Equal(3, partition.HighWatermark);
        Assert.NotEmpty(Batches.RecordsOf(partition));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"woke after {watch.Elapsed}");
    }

    [Fact]
    public async Task A_long_poll_without_data_answers_empty_at_max_wait()
    {
        using var connection = await _broker.ConnectAsync();
        var watch = Stopwatch.StartNew();

        var partition = (await connection.SendAsync<FetchResponse>(Batches.Fetch("f", 0, 0, maxWaitMs: 400), 11)).Responses[0].Partitions[0];

        Assert.True(watch.ElapsedMilliseconds >= 350, $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(0, partition.ErrorCode);
        Assert.Empty(Batches.RecordsOf(partition));
    }

    [Fact]
    public async Task Topic_ids_name_topics_from_v13_and_an_unknown_id_is_UNKNOWN_TOPIC_ID()
    {
        using var connection = await _broker.ConnectAsync();
        await ProduceAsync(connection, 0, 2);

        var known = await connection.SendAsync<FetchResponse>(Batches.Fetch("", 0, 0, topicId: _topicId), 16);
        var unknown = await connection.SendAsync<FetchResponse>(Batches.Fetch("", 0, 0, topicId: Uuid.Random()), 16);

        Assert.Equal(_topicId, known.Responses[0].TopicId);
        Assert.NotEmpty(Batches.RecordsOf(known.Responses[0].Partitions[0]));
        Assert.Equal(ErrorCode.UnknownTopicId, (ErrorCode)unknown.Responses[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task A_stale_or_future_leader_epoch_is_fenced()
    {
        await _broker.RestartAsync();
        using var connection = await _broker.ConnectAsync();
        var epoch = _broker.Services.Image.Topics.Get("f")!.Partition(0)!.LeaderEpoch;

        var stale = Batches.Fetch("f", 0, 0);
        stale.Topics[0].Partitions[0].CurrentLeaderEpoch = epoch - 1;
        var future = Batches.Fetch("f", 0, 0);
        future.Topics[0].Partitions[0].CurrentLeaderEpoch = epoch + 1;

        Assert.Equal(ErrorCode.FencedLeaderEpoch, (ErrorCode)(await connection.SendAsync<FetchResponse>(stale, 11)).Responses[0].Partitions[0].ErrorCode);
        Assert.Equal(ErrorCode.UnknownLeaderEpoch, (ErrorCode)(await connection.SendAsync<FetchResponse>(future, 11)).Responses[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task An_incremental_session_sends_only_partitions_that_changed()
    {
        using var connection = await _broker.ConnectAsync();
        await ProduceAsync(connection, 0, 2);
        var full = Batches.Fetch("f", 0, 0);
        full.Topics[0].Partitions.Add(new FetchRequest.FetchPartition { Partition = 1, FetchOffset = 0, PartitionMaxBytes = 1 << 20, CurrentLeaderEpoch = -1, LogStartOffset = -1 });
        full.SessionEpoch = FetchSessionCache.InitialEpoch;

        var first = await connection.SendAsync<FetchResponse>(full, 12);
        Assert.NotEqual(0, first.SessionId);
        Assert.Equal(2, first.Responses.SelectMany(t => t.Partitions).Count());

        var next = Incremental(first.SessionId, 1);
        next.Topics = [new FetchRequest.FetchTopic { Topic = "f", Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 2, PartitionMaxBytes = 1 << 20, CurrentLeaderEpoch = -1, LogStartOffset = -1 }] }];
        var unchanged = await connection.SendAsync<FetchResponse>(next, 12);
        Assert.Equal(first.SessionId, unchanged.SessionId);
        Assert.Empty(unchanged.Responses);

        await ProduceAsync(connection, 1, 4);
        var changed = await connection.SendAsync<FetchResponse>(Incremental(first.SessionId, 2), 12);
        var only = Assert.Single(changed.Responses.SelectMany(t => t.Partitions));
        Assert.Equal((1, 4L), (only.PartitionIndex, only.HighWatermark));

        var forget = Incremental(first.SessionId, 3);
        forget.ForgottenTopicsData = [new FetchRequest.ForgottenTopic { Topic = "f", Partitions = [1] }];
        await connection.SendAsync<FetchResponse>(forget, 12);
        Assert.Equal(1, _broker.Services.FetchSessions.Get(first.SessionId)!.PartitionCount);
    }

    [Fact]
    public async Task Session_errors_are_answered_at_the_top_level()
    {
        using var connection = await _broker.ConnectAsync();
        var full = Batches.Fetch("f", 0, 0);
        full.SessionEpoch = FetchSessionCache.InitialEpoch;
        var session = (await connection.SendAsync<FetchResponse>(full, 12)).SessionId;

        var wrongEpoch = await connection.SendAsync<FetchResponse>(Incremental(session, 5), 12);
        var unknown = await connection.SendAsync<FetchResponse>(Incremental(session + 1, 1), 12);
        var switchedToIds = await connection.SendAsync<FetchResponse>(Incremental(session, 1), 13);

        Assert.Equal(ErrorCode.InvalidFetchSessionEpoch, (ErrorCode)wrongEpoch.ErrorCode);
        Assert.Equal(ErrorCode.FetchSessionIdNotFound, (ErrorCode)unknown.ErrorCode);
        Assert.Equal(ErrorCode.FetchSessionTopicIdError, (ErrorCode)switchedToIds.ErrorCode);

        var close = Incremental(session, FetchSessionCache.FinalEpoch);
        Assert.Equal(0, (await connection.SendAsync<FetchResponse>(close, 12)).SessionId);
        Assert.Null(_broker.Services.FetchSessions.Get(session));
    }

    [Fact]
    public async Task Read_committed_reads_to_the_last_stable_offset()
    {
        using var connection = await _broker.ConnectAsync();
        await ProduceAsync(connection, 0, 3);
        var request = Batches.Fetch("f", 0, 0);
        request.IsolationLevel = 1;

        var partition = (await connection.SendAsync<FetchResponse>(request, 11)).Responses[0].Partitions[0];

        Assert.Equal((3L, 3L), (partition.HighWatermark, partition.LastStableOffset));
        Assert.NotNull(partition.AbortedTransactions);
        Assert.NotEmpty(Batches.RecordsOf(partition));
    }

    private static FetchRequest Incremental(int sessionId, int epoch) => new()
    {
        ReplicaId = -1,
        MaxWaitMs = 0,
        MinBytes = 1,
        MaxBytes = 50 << 20,
        SessionId = sessionId,
        SessionEpoch = epoch,
    };

    private static async Task<int> ProduceAsync(KafkaConnection connection, int partition, int records, int valueSize = 10)
    {
        var batch = Batches.Of(records, valueSize);
        var response = await connection.SendAsync<ProduceResponse>(Batches.Produce("f", partition, batch), 11);
        Assert.Equal(0, response.Responses[0].PartitionResponses[0].ErrorCode);
        return batch.Length;
    }
}
