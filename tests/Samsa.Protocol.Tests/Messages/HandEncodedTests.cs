using System.Runtime.InteropServices;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>Byte-exact encodings worked out by hand from the protocol guide's rules.</summary>
public class HandEncodedTests
{
    [Fact]
    public void ApiVersions_request_v3_frame_has_a_v2_header_and_compact_strings()
    {
        var header = new RequestHeader { RequestApiKey = 18, RequestApiVersion = 3, CorrelationId = 7, ClientId = "test" };
        var body = new ApiVersionsRequest { ClientSoftwareName = "samsa", ClientSoftwareVersion = "1.0" };
        using var writer = new ProtocolWriter();
        RequestFrame.Write(writer, header, body);

        byte[] expected =
        [
            0, 0, 0, 26, // frame size
            0, 18, 0, 3, 0, 0, 0, 7, // api key, version, correlation id
            0, 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', // client id: classic nullable string even in header v2
            0, // header tagged fields
            6, (byte)'s', (byte)'a', (byte)'m', (byte)'s', (byte)'a', // compact string: length + 1
            4, (byte)'1', (byte)'.', (byte)'0',
            0, // body tagged fields
        ];
        Assert.Equal(expected, writer.ToArray());

        var decoded = RequestFrame.Decode(expected.AsMemory(4));
        Assert.True(decoded.IsSuccess);
        Assert.Equal(2, decoded.HeaderVersion);
        Assert.Equal(header, decoded.Header);
        Assert.Equal(body, decoded.Body);
    }

    [Fact]
    public void Metadata_request_v12_encodes_topic_ids_and_compact_arrays()
    {
        var request = new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { TopicId = Uuid.Zero, Name = "t" }],
            AllowAutoTopicCreation = true,
            IncludeTopicAuthorizedOperations = false,
        };

        byte[] expected =
        [
            2, // one topic (count + 1)
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // topic id
            2, (byte)'t', // name
            0, // topic tagged fields
            1, // allow auto topic creation
            0, // include topic authorized operations (cluster operations left at v10)
            0, // tagged fields
        ];
        Assert.Equal(expected, MessageType.Encode(request, 12));
        Assert.Equal([0, 1, 0, 0], MessageType.Encode(new MetadataRequest { Topics = null }, 12));
        Assert.Equal([0, 0, 0, 1, 0, 1, (byte)'t'], MessageType.Encode(new MetadataRequest { Topics = [new() { Name = "t" }] }, 0));
    }

    [Fact]
    public void ApiVersions_response_v3_writes_non_default_tagged_fields_in_tag_order()
    {
        var response = new ApiVersionsResponse
        {
            ApiKeys = [new() { ApiKey = 18, MinVersion = 0, MaxVersion = 4 }],
            SupportedFeatures = [new() { Name = "f", MinVersion = 1, MaxVersion = 2 }],
            FinalizedFeaturesEpoch = 5,
            ZkMigrationReady = true,
        };

        byte[] expected =
        [
            0, 0, // error code
            2, 0, 18, 0, 0, 0, 4, 0, // api keys
            0, 0, 0, 0, // throttle time
            3, // three tagged fields; FinalizedFeatures (tag 2) is empty, its default, so not written
            0, 8, 2, 2, (byte)'f', 0, 1, 0, 2, 0, // tag 0, size 8: SupportedFeatures
            1, 8, 0, 0, 0, 0, 0, 0, 0, 5, // tag 1, size 8: FinalizedFeaturesEpoch
            3, 1, 1, // tag 3, size 1: ZkMigrationReady
        ];
        Assert.Equal(expected, MessageType.Encode(response, 3));

        var reader = new ProtocolReader(expected);
        Assert.Equal(response, ApiVersionsResponse.Read(ref reader, 3));
    }

    [Fact]
    public void ApiVersions_response_always_has_a_v0_header()
    {
        using var writer = new ProtocolWriter();
        ResponseFrame.Write(writer, ApiKey.ApiVersions, 3, 9, new ApiVersionsResponse());
        Assert.Equal([0, 0, 0, 12, 0, 0, 0, 9, 0, 0, 1, 0, 0, 0, 0, 0], writer.ToArray());
    }

    [Fact]
    public void Flexible_responses_have_a_v1_header_with_tagged_fields()
    {
        using var writer = new ProtocolWriter();
        ResponseFrame.Write(writer, ApiKey.Heartbeat, 4, 0x01020304, new HeartbeatResponse { ErrorCode = 27 });
        Assert.Equal([0, 0, 0, 12, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 27, 0], writer.ToArray());
    }

    [Fact]
    public void Produce_request_v3_carries_records_as_a_slice_of_the_frame()
    {
        byte[] frame =
        [
            0xFF, 0xFF, // transactional id: null
            0xFF, 0xFF, // acks: -1
            0, 0, 0x03, 0xE8, // timeout 1000 ms
            0, 0, 0, 1, 0, 1, (byte)'t', // one topic "t"
            0, 0, 0, 1, 0, 0, 0, 0, // one partition, index 0
            0, 0, 0, 3, 0xAA, 0xBB, 0xCC, // records
        ];

        var reader = new ProtocolReader(frame);
        var request = ProduceRequest.Read(ref reader, 3);
        Assert.True(reader.IsAtEnd);
        Assert.Null(request.TransactionalId);
        Assert.Equal(-1, request.Acks);
        Assert.Equal(1000, request.TimeoutMs);
        var records = Assert.IsType<MemoryRecords>(request.TopicData[0].PartitionData[0].Records);
        Assert.True(MemoryMarshal.TryGetArray(records.Bytes, out var segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(frame.Length - 3, segment.Offset);
        Assert.Equal(frame, MessageType.Encode(request, 3));
    }

    [Fact]
    public void Nullable_structs_carry_a_presence_byte()
    {
        var request = new DescribeTopicPartitionsRequest();
        Assert.Equal([1, 0, 0, 0x07, 0xD0, 0xFF, 0], MessageType.Encode(request, 0));

        request.Cursor = new DescribeTopicPartitionsRequest.CursorData { TopicName = "t", PartitionIndex = 1 };
        Assert.Equal([1, 0, 0, 0x07, 0xD0, 1, 2, (byte)'t', 0, 0, 0, 1, 0, 0], MessageType.Encode(request, 0));
    }

    [Fact]
    public void Unknown_tagged_fields_are_kept_and_written_back_in_tag_order()
    {
        byte[] encoded = [0, 1, 0, 2, 4, 1, 0xAB, 9, 2, 0xCD, 0xEF];
        var reader = new ProtocolReader(encoded);
        var request = MetadataRequest.Read(ref reader, 12);
        Assert.Equal([new RawTaggedField(4, new byte[] { 0xAB }), new RawTaggedField(9, new byte[] { 0xCD, 0xEF })], request.UnknownTaggedFields!);
        Assert.Equal(encoded, MessageType.Encode(request, 12));

        var response = new ApiVersionsResponse
        {
            FinalizedFeaturesEpoch = 1,
            ZkMigrationReady = true,
            UnknownTaggedFields = [new RawTaggedField(4, new byte[] { 6 }), new RawTaggedField(0x80, new byte[] { 7 })],
        };
        var bytes = MessageType.Encode(response, 3);
        Assert.Equal([4, 1, 8, 0, 0, 0, 0, 0, 0, 0, 1, 3, 1, 1, 4, 1, 6, 0x80, 0x01, 1, 7], bytes[^21..]);
    }

    [Fact]
    public void Controlled_shutdown_v0_uses_request_header_v0_without_client_id()
    {
        var header = new RequestHeader { RequestApiKey = 7, RequestApiVersion = 0, CorrelationId = 1, ClientId = null };
        using var writer = new ProtocolWriter();
        RequestFrame.Write(writer, header, new ControlledShutdownRequest { BrokerId = 3 });
        Assert.Equal([0, 0, 0, 12, 0, 7, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3], writer.ToArray());
    }
}
