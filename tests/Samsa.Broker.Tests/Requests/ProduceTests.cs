using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Tests.Requests;

public sealed class ProduceTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        await _broker.CreateTopicAsync("p", 2);
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Produced_batches_get_consecutive_offsets_and_come_back_byte_for_byte_apart_from_offset_and_epoch()
    {
        using var connection = await _broker.ConnectAsync();
        var first = Batches.Of(3);
        var second = Batches.Of(2, compression: CompressionType.Lz4);

        var a = await ProduceAsync(connection, "p", 0, first);
        var b = await ProduceAsync(connection, "p", 0, second);
        var fetched = await connection.SendAsync<FetchResponse>(Batches.Fetch("p", 0, 0), 11);

        Assert.Equal((0, 0L, 0L), (a.ErrorCode, a.BaseOffset, a.LogStartOffset));
        Assert.Equal((0, 3L), (b.ErrorCode, b.BaseOffset));
        var partition = fetched.Responses[0].Partitions[0];
        Assert.Equal(5, partition.HighWatermark);
        var records = Batches.RecordsOf(partition);
        Assert.Equal(first.Length + second.Length, records.Length);
        Assert.Equal(first[RecordBatchHeader.MagicOffset..], records[RecordBatchHeader.MagicOffset..first.Length]);
        Assert.Equal(3, RecordBatchHeader.Read(records.AsSpan(first.Length)).BaseOffset);
        Assert.Equal(second[RecordBatchHeader.MagicOffset..], records[(first.Length + RecordBatchHeader.MagicOffset)..]);
    }

    [Fact]
    public async Task Partition_errors_carry_Kafkas_codes()
    {
        using var connection = await _broker.ConnectAsync();
        var corrupt = Batches.Of(2);
        corrupt[^1] ^= 1;

        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (ErrorCode)(await ProduceAsync(connection, "missing", 0, Batches.Of(1))).ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (ErrorCode)(await ProduceAsync(connection, "p", 9, Batches.Of(1))).ErrorCode);
        Assert.Equal(ErrorCode.CorruptMessage, (ErrorCode)(await ProduceAsync(connection, "p", 0, corrupt)).ErrorCode);
        Assert.Equal(ErrorCode.MessageTooLarge, (ErrorCode)(await ProduceAsync(connection, "p", 0, Batches.Of(1, valueSize: 2_000_000))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidRequiredAcks, (ErrorCode)(await ProduceAsync(connection, "p", 0, Batches.Of(1), acks: 2)).ErrorCode);
        var idempotent = await ProduceAsync(connection, "p", 0, Batches.Of(1, producerId: 7));
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, (ErrorCode)idempotent.ErrorCode);
        Assert.Contains("not supported", idempotent.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, _broker.Services.Replicas.Get(new Storage.TopicPartition("p", 0))!.Log.LogEndOffset);
    }

    [Fact]
    public async Task A_compacted_topic_refuses_records_without_keys_naming_the_record()
    {
        await _broker.CreateTopicAsync("compacted", 1, ("cleanup.policy", "compact"));
        using var connection = await _broker.ConnectAsync();

        var result = await ProduceAsync(connection, "compacted", 0, Batches.Of(3, nullKeys: true));

        Assert.Equal(ErrorCode.InvalidRecord, (ErrorCode)result.ErrorCode);
        Assert.Equal(0, Assert.Single(result.RecordErrors).BatchIndex);
    }

    [Fact]
    public async Task Timestamps_outside_the_topics_window_are_INVALID_TIMESTAMP()
    {
        await _broker.CreateTopicAsync("window", 1, ("message.timestamp.before.max.ms", "60000"));
        using var connection = await _broker.ConnectAsync();

        var old = await ProduceAsync(connection, "window", 0, Batches.Of(1, timestamp: DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds()));
        var future = await ProduceAsync(connection, "p", 0, Batches.Of(1, timestamp: DateTimeOffset.UtcNow.AddHours(3).ToUnixTimeMilliseconds()));

        Assert.Equal(ErrorCode.InvalidTimestamp, (ErrorCode)old.ErrorCode);
        Assert.Equal(ErrorCode.InvalidTimestamp, (ErrorCode)future.ErrorCode);
    }

    [Fact]
    public async Task LogAppendTime_topics_stamp_the_broker_time()
    {
        await _broker.CreateTopicAsync("appendtime", 1, ("message.timestamp.type", "LogAppendTime"));
        using var connection = await _broker.ConnectAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var result = await ProduceAsync(connection, "appendtime", 0, Batches.Of(2, timestamp: 1000));

        Assert.InRange(result.LogAppendTimeMs, before, before + 60_000);
    }

    [Fact]
    public async Task A_topic_with_another_compression_type_gets_the_batch_recompressed()
    {
        await _broker.CreateTopicAsync("zstd", 1, ("compression.type", "zstd"));
        using var connection = await _broker.ConnectAsync();

        Assert.Equal(0, (await ProduceAsync(connection, "zstd", 0, Batches.Of(20, valueSize: 100))).ErrorCode);
        var fetched = await connection.SendAsync<FetchResponse>(Batches.Fetch("zstd", 0, 0), 11);

        var records = Batches.RecordsOf(fetched.Responses[0].Partitions[0]);
        var header = RecordBatchHeader.Read(records);
        Assert.Equal(CompressionType.Zstd, header.Compression);
        Assert.Equal(20, header.RecordsCount);
        using var reader = new RecordBatchReader();
        var enumerator = reader.Read(records);
        var count = 0;
        while (enumerator.MoveNext())
        {
            Assert.Equal($"key-{count}", System.Text.Encoding.UTF8.GetString(enumerator.Current.Key.Span));
            count++;
        }

        Assert.Equal(20, count);
    }

    [Fact]
    public async Task Acks_all_needs_min_insync_replicas()
    {
        await _broker.CreateTopicAsync("minisr", 1, ("min.insync.replicas", "2"));
        using var connection = await _broker.ConnectAsync();

        var all = await ProduceAsync(connection, "minisr", 0, Batches.Of(1), acks: -1);
        var one = await ProduceAsync(connection, "minisr", 0, Batches.Of(1), acks: 1);

        Assert.Equal(ErrorCode.NotEnoughReplicas, (ErrorCode)all.ErrorCode);
        Assert.Equal((0, 0L), (one.ErrorCode, one.BaseOffset));
    }

    [Fact]
    public async Task Acks_zero_sends_nothing_and_closes_the_connection_on_an_error()
    {
        using var connection = await _broker.ConnectAsync();

        await connection.SendOnlyAsync(Batches.Produce("p", 1, Batches.Of(4), acks: 0), 9);
        var metadata = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, 12);
        Assert.Equal(0, metadata.Topics.Single(t => t.Name == "p").ErrorCode);
        Assert.Equal(4, _broker.Services.Replicas.Get(new Storage.TopicPartition("p", 1))!.Log.LogEndOffset);

        await connection.SendOnlyAsync(Batches.Produce("missing", 0, Batches.Of(1), acks: 0), 9);
        Assert.True(await connection.IsClosedAsync());
    }

    [Fact]
    public async Task Internal_topics_refuse_client_writes()
    {
        await _broker.CreateTopicAsync("__consumer_offsets", 1);
        using var connection = await _broker.ConnectAsync();

        var result = await ProduceAsync(connection, "__consumer_offsets", 0, Batches.Of(1));

        Assert.Equal(ErrorCode.InvalidTopicException, (ErrorCode)result.ErrorCode);
    }

    private static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(KafkaConnection connection, string topic, int partition, byte[] batch, short acks = -1)
    {
        var response = await connection.SendAsync<ProduceResponse>(Batches.Produce(topic, partition, batch, acks), 11);
        return response.Responses[0].PartitionResponses[0];
    }
}
