using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// The broker's request and response hot paths, checked by counting this thread's allocations: decoding a Produce
/// request allocates per partition, never per record, and encoding a Fetch response into a reused writer allocates
/// nothing per partition, tagged structs included. bench/README.md has the same numbers from BenchmarkDotNet.
/// </summary>
public class HotPathAllocationTests
{
    [Fact]
    public void Decoding_a_produce_request_allocates_the_same_for_100_or_10000_records()
    {
        var few = ProduceFrame(100);
        var many = ProduceFrame(10_000);
        Decode(few);
        Decode(many);

        var small = AllocatedBy(() => Decode(few));
        var large = AllocatedBy(() => Decode(many));

        Assert.True(Math.Abs(large - small) < 64, $"100 records: {small} B, 10,000 records: {large} B");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encoding_a_fetch_response_allocates_nothing_per_partition(bool notLeader)
    {
        var few = FetchResponse(6, notLeader);
        var many = FetchResponse(120, notLeader);
        using var writer = new ProtocolWriter();
        Encode(writer, many);
        Encode(writer, few);

        var small = AllocatedBy(() => Encode(writer, few));
        var large = AllocatedBy(() => Encode(writer, many));

        // 114 more partitions; even the smallest object each would be ~2.7 KB.
        Assert.True(large - small < 256, $"6 partitions: {small} B, 120 partitions: {large} B");
    }

    [Fact]
    public void A_writer_reused_after_a_tagged_value_failed_half_way_encodes_exactly_as_a_new_one()
    {
        var broken = FetchResponse(2, notLeader: true);
        broken.NodeEndpoints.Add(new FetchResponse.NodeEndpoint { NodeId = 3, Host = null! });
        using var reused = new ProtocolWriter();
        Assert.Throws<InvalidOperationException>(() => Encode(reused, broken));

        var good = FetchResponse(3, notLeader: true);
        Encode(reused, good);
        using var fresh = new ProtocolWriter();
        Encode(fresh, good);

        Assert.Equal(fresh.ToArray(), reused.ToArray());
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static int Decode(byte[] frame)
    {
        var decoded = RequestFrame.Decode(frame);
        Assert.True(decoded.IsSuccess);
        return ((ProduceRequest)decoded.Body!).TopicData.Count;
    }

    private static void Encode(ProtocolWriter writer, FetchResponse response)
    {
        writer.Reset();
        ResponseFrame.Write(writer, ApiKey.Fetch, 16, 7, response);
        Assert.NotEmpty(writer.GetChunks());
    }

    private static byte[] ProduceFrame(int records)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { ProducerId = 5, ProducerEpoch = 0, BaseSequence = 0 });
        for (var i = 0; i < records; i++)
        {
            builder.Append(1_700_000_000_000 + i, "key"u8, "a small value"u8, [new RecordHeader("h", "v"u8.ToArray())]);
        }

        var request = new ProduceRequest { Acks = -1, TimeoutMs = 1000 };
        request.TopicData.Add(new ProduceRequest.TopicProduceData
        {
            Name = "events",
            PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new MemoryRecords(builder.ToArray()) }],
        });
        var header = new RequestHeader { RequestApiKey = (short)ApiKey.Produce, RequestApiVersion = 11, CorrelationId = 1, ClientId = "test" };
        using var writer = new ProtocolWriter();
        RequestFrame.Write(writer, header, request);
        return writer.ToArray()[4..];
    }

    private static FetchResponse FetchResponse(int partitions, bool notLeader)
    {
        var records = new byte[64 * 1024];
        var topic = new FetchResponse.FetchableTopicResponse { TopicId = new Uuid(1, 2) };
        for (var p = 0; p < partitions; p++)
        {
            var partition = new FetchResponse.PartitionData { PartitionIndex = p, HighWatermark = 100, Records = new MemoryRecords(records) };
            if (notLeader)
            {
                partition.ErrorCode = 6;
                partition.CurrentLeader = new FetchResponse.LeaderIdAndEpoch { LeaderId = 2, LeaderEpoch = 3 };
                partition.Records = MemoryRecords.Empty;
            }

            topic.Partitions.Add(partition);
        }

        var response = new FetchResponse { Responses = [topic] };
        if (notLeader)
        {
            response.NodeEndpoints.Add(new FetchResponse.NodeEndpoint { NodeId = 2, Host = "broker-2", Port = 9092 });
        }

        return response;
    }
}
