using Samsa.Protocol.Messages;
using Samsa.Protocol.MetadataRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

public class ApiTableTests
{
    [Fact]
    public void Every_api_key_has_a_request_and_response_type_with_the_same_versions()
    {
        Assert.Equal(Enum.GetValues<ApiKey>().Length, ApiTable.All.Count);
        foreach (var api in ApiTable.All)
        {
            var request = (IRequestMessage)Activator.CreateInstance(api.RequestType)!;
            var response = (IResponseMessage)Activator.CreateInstance(api.ResponseType)!;
            Assert.Equal(api.Key, request.ApiKey);
            Assert.Equal(api.Key, response.ApiKey);
            Assert.IsType(api.RequestType, MessageFactory.CreateRequest(api.Key));
            Assert.IsType(api.ResponseType, MessageFactory.CreateResponse(api.Key));
            var schema = MessageCatalog.Get(api.RequestType.FullName!).Schema;
            Assert.Equal((schema.LowestVersion, schema.HighestVersion), (api.LowestVersion, api.HighestVersion));
            Assert.Equal(schema.LowestFlexibleVersion, api.LowestFlexibleRequestVersion);
            Assert.Same(api, ApiTable.Get(api.Key));
        }
    }

    [Theory]
    [InlineData(ApiKey.Produce, 8, 1, 0)]
    [InlineData(ApiKey.Produce, 9, 2, 1)]
    [InlineData(ApiKey.Metadata, 8, 1, 0)]
    [InlineData(ApiKey.Metadata, 12, 2, 1)]
    [InlineData(ApiKey.ApiVersions, 2, 1, 0)]
    [InlineData(ApiKey.ApiVersions, 3, 2, 0)]
    [InlineData(ApiKey.ApiVersions, 4, 2, 0)]
    [InlineData(ApiKey.ControlledShutdown, 0, 0, 0)]
    [InlineData(ApiKey.ControlledShutdown, 1, 1, 0)]
    [InlineData(ApiKey.ControlledShutdown, 3, 2, 1)]
    [InlineData(ApiKey.Fetch, 17, 2, 1)]
    public void Header_versions_follow_flexibility_with_the_two_exceptions(ApiKey key, short version, short requestHeader, short responseHeader)
    {
        var api = ApiTable.Get(key);
        Assert.Equal(requestHeader, api.RequestHeaderVersion(version));
        Assert.Equal(responseHeader, api.ResponseHeaderVersion(version));
    }

    [Fact]
    public void Request_header_versions_apply_beyond_the_highest_version()
    {
        // A client newer than the schemas still gets its ApiVersions header read, so the broker can answer.
        Assert.Equal(2, ApiTable.Get(ApiKey.ApiVersions).RequestHeaderVersion(100));
    }

    [Theory]
    [InlineData(ApiKey.Produce, ApiListeners.Broker)]
    [InlineData(ApiKey.Vote, ApiListeners.Controller)]
    [InlineData(ApiKey.ApiVersions, ApiListeners.Broker | ApiListeners.Controller)]
    [InlineData(ApiKey.LeaderAndIsr, ApiListeners.None)]
    public void Listeners_come_from_the_schemas(ApiKey key, ApiListeners listeners) =>
        Assert.Equal(listeners, ApiTable.Get(key).Listeners);

    [Fact]
    public void Unknown_keys_are_not_in_the_table()
    {
        Assert.False(ApiTable.TryGet(-1, out _));
        Assert.False(ApiTable.TryGet(short.MaxValue, out _));
        var reader = new ProtocolReader(Array.Empty<byte>());
        try
        {
            MessageFactory.ReadRequest((ApiKey)999, 0, ref reader);
            Assert.Fail("an unknown API key decoded");
        }
        catch (ProtocolDecodeException)
        {
        }
    }

    [Fact]
    public void Metadata_record_types_match_their_schemas()
    {
        foreach (var type in Enum.GetValues<MetadataRecordType>())
        {
            var record = MetadataRecordFactory.Create(type);
            Assert.Equal(type, record.RecordType);
            var schema = MessageCatalog.Get(record.GetType().FullName!).Schema;
            Assert.Equal((short)type, schema.ApiKey);
            var bytes = MessageType.Encode(record, schema.HighestVersion);
            var reader = new ProtocolReader(bytes);
            Assert.Equal(record, MetadataRecordFactory.Read(type, schema.HighestVersion, ref reader));
        }
    }
}
