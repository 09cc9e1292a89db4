using System.Buffers.Binary;
using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Requests;

public sealed class RequestRouterTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task ApiVersions_lists_exactly_the_registered_apis_at_Kafka_4_versions(short version)
    {
        using var connection = await _broker.ConnectAsync();

        var response = await connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "samsa-test", ClientSoftwareVersion = "1.0" }, version);

        Assert.Equal(0, response.ErrorCode);
        var versions = response.ApiKeys.ToDictionary(k => (ApiKey)k.ApiKey, k => (k.MinVersion, k.MaxVersion));
        Assert.Equal(((short)0, (short)11), versions[ApiKey.Produce]);
        Assert.Equal(((short)4, (short)17), versions[ApiKey.Fetch]);
        Assert.Equal(((short)1, (short)10), versions[ApiKey.ListOffsets]);
        Assert.Equal(((short)0, (short)12), versions[ApiKey.Metadata]);
        Assert.Equal(((short)2, (short)7), versions[ApiKey.CreateTopics]);
        Assert.Equal(((short)1, (short)6), versions[ApiKey.DeleteTopics]);
        Assert.False(versions.ContainsKey(ApiKey.InitProducerId));
        Assert.Equal(((short)2, (short)9), versions[ApiKey.OffsetCommit]);
        Assert.Equal(((short)1, (short)9), versions[ApiKey.OffsetFetch]);
        Assert.Equal(((short)0, (short)9), versions[ApiKey.JoinGroup]);
        Assert.Equal(((short)0, (short)1), versions[ApiKey.ConsumerGroupHeartbeat]);
        Assert.False(versions.ContainsKey(ApiKey.TxnOffsetCommit));
        if (version >= 3)
        {
            Assert.Contains(response.FinalizedFeatures, f => f.Name == "metadata.version" && f.MaxVersionLevel == 21);
        }
    }

    [Fact]
    public async Task ApiVersions_of_a_newer_version_gets_a_v0_answer_with_UNSUPPORTED_VERSION()
    {
        using var connection = await _broker.ConnectAsync();
        // A flexible version: header v2 (client id, then an empty tagged-field section), as a newer client sends it.
        await connection.SendRawAsync(Frame(apiKey: 18, version: 99, correlationId: 7, body: [0, 0]));

        var frame = (await connection.ReadFrameAsync())!;

        var (header, body) = ResponseFrame.Read(frame, ApiKey.ApiVersions, 0);
        var response = (ApiVersionsResponse)body;
        Assert.Equal(7, header.CorrelationId);
        Assert.Equal(ErrorCode.UnsupportedVersion, (ErrorCode)response.ErrorCode);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == (short)ApiKey.Fetch);
    }

    [Fact]
    public async Task ApiVersions_v3_with_an_invalid_software_name_is_INVALID_REQUEST()
    {
        using var connection = await _broker.ConnectAsync();

        var response = await connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "-bad name", ClientSoftwareVersion = "1" }, 3);

        Assert.Equal(ErrorCode.InvalidRequest, (ErrorCode)response.ErrorCode);
    }

    [Theory]
    [InlineData((short)999, (short)0)]
    [InlineData((short)1, (short)3)]
    [InlineData((short)0, (short)2)]
    [InlineData((short)22, (short)0)]
    public async Task An_unknown_api_or_a_version_Kafka_4_removed_closes_only_that_connection(short apiKey, short version)
    {
        using var bad = await _broker.ConnectAsync();
        using var good = await _broker.ConnectAsync();

        await bad.SendRawAsync(Frame(apiKey, version, 1, [0, 0, 0, 0]));

        Assert.True(await bad.IsClosedAsync());
        var response = await good.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        Assert.Equal(0, response.ErrorCode);
    }

    [Fact]
    public async Task A_malformed_body_or_header_closes_the_connection()
    {
        using var truncated = await _broker.ConnectAsync();
        using var garbage = await _broker.ConnectAsync();

        await truncated.SendRawAsync(Frame(apiKey: 3, version: 12, correlationId: 1, body: [0x05]));
        await garbage.SendRawAsync([0, 0, 0, 2, 0xff, 0xff]);

        Assert.True(await truncated.IsClosedAsync());
        Assert.True(await garbage.IsClosedAsync());
    }

    [Fact]
    public async Task A_handler_that_throws_answers_UNKNOWN_SERVER_ERROR_in_its_apis_error_response()
    {
        var table = ApiHandlerTable.Create(_broker.Services);
        table.Register(new ThrowingDescribeProducersHandler());
        var router = new RequestRouter(table);
        await using var server = Network.NetworkTestKit.StartServer(router);
        using var connection = await KafkaConnection.OpenAsync(server.BoundEndpoints[0]);

        var response = await connection.SendAsync<DescribeProducersResponse>(new DescribeProducersRequest
        {
            Topics = [new DescribeProducersRequest.TopicRequest { Name = "t", PartitionIndexes = [3] }],
        }, 0);

        var partition = response.Topics[0].Partitions[0];
        Assert.Equal((3, ErrorCode.UnknownServerError), (partition.PartitionIndex, (ErrorCode)partition.ErrorCode));
    }

    [Fact]
    public void Handler_versions_outside_the_schemas_are_refused_at_registration()
    {
        var table = ApiHandlerTable.Create(_broker.Services);

        Assert.Throws<ArgumentException>(() => table.Register(new ThrowingDescribeProducersHandler(maxVersion: 9)));
        Assert.Throws<ArgumentException>(() => table.Register(new Handlers.MetadataHandler(_broker.Services)));
    }

    private static byte[] Frame(short apiKey, short version, int correlationId, byte[] body)
    {
        var frame = new byte[4 + 10 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 10 + body.Length);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), apiKey);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), version);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), correlationId);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(12), -1);
        body.CopyTo(frame.AsSpan(14));
        return frame;
    }

    /// <summary>DescribeProducers: an API the broker does not serve yet, so the test can register it.</summary>
    private sealed class ThrowingDescribeProducersHandler(short maxVersion = 0) : ApiHandler<DescribeProducersRequest, DescribeProducersResponse>
    {
        public override ApiKey ApiKey => ApiKey.DescribeProducers;

        public override short MinVersion => 0;

        public override short MaxVersion => maxVersion;

        public override ValueTask<DescribeProducersResponse?> HandleAsync(ApiRequest<DescribeProducersRequest> request) =>
            throw new InvalidOperationException("boom");

        public override DescribeProducersResponse ErrorResponse(DescribeProducersRequest request, short version, ErrorCode error, string? message) => new()
        {
            Topics = [.. request.Topics.Select(t => new DescribeProducersResponse.TopicResponse
            {
                Name = t.Name,
                Partitions = [.. t.PartitionIndexes.Select(p => new DescribeProducersResponse.PartitionResponse { PartitionIndex = p, ErrorCode = (short)error })],
            })],
        };
    }
}
