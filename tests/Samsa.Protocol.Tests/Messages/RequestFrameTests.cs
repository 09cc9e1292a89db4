using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

public class RequestFrameTests
{
    [Fact]
    public void A_valid_frame_decodes_to_header_and_body()
    {
        var frame = Frame(new RequestHeader { RequestApiKey = 3, RequestApiVersion = 12, CorrelationId = 42, ClientId = "c" }, new MetadataRequest { Topics = null });
        var decoded = RequestFrame.Decode(frame);
        Assert.Equal(RequestDecodeStatus.Ok, decoded.Status);
        Assert.Equal(42, decoded.Header!.CorrelationId);
        Assert.Equal("c", decoded.Header.ClientId);
        Assert.Equal(ApiKey.Metadata, decoded.Api!.Key);
        Assert.Null(Assert.IsType<MetadataRequest>(decoded.Body).Topics);
        Assert.Equal(0, decoded.TrailingBytes);
    }

    [Fact]
    public void A_frame_too_short_for_a_header_has_no_header()
    {
        var decoded = RequestFrame.Decode(new byte[] { 0, 3, 0 });
        Assert.Equal(RequestDecodeStatus.MalformedHeader, decoded.Status);
        Assert.Null(decoded.Header);
        Assert.NotNull(decoded.Error);
    }

    [Fact]
    public void A_malformed_body_still_returns_the_header()
    {
        var frame = Frame(new RequestHeader { RequestApiKey = 3, RequestApiVersion = 12, CorrelationId = 5, ClientId = "c" }, new MetadataRequest());
        var decoded = RequestFrame.Decode(frame.AsMemory(0, frame.Length - 2));
        Assert.Equal(RequestDecodeStatus.MalformedBody, decoded.Status);
        Assert.Equal(5, decoded.Header!.CorrelationId);
        Assert.Null(decoded.Body);
    }

    [Fact]
    public void An_unknown_api_key_returns_the_header()
    {
        byte[] frame = [0x03, 0xE7, 0, 0, 0, 0, 0, 9, 0xFF, 0xFF];
        var decoded = RequestFrame.Decode(frame);
        Assert.Equal(RequestDecodeStatus.UnknownApiKey, decoded.Status);
        Assert.Equal(9, decoded.Header!.CorrelationId);
        Assert.Null(decoded.Api);
    }

    [Fact]
    public void An_unsupported_api_versions_request_returns_the_header_for_the_error_response()
    {
        var frame = Frame(new RequestHeader { RequestApiKey = 18, RequestApiVersion = 99, CorrelationId = 11, ClientId = "new-client" }, null);
        var decoded = RequestFrame.Decode(frame);
        Assert.Equal(RequestDecodeStatus.UnsupportedVersion, decoded.Status);
        Assert.Equal(11, decoded.Header!.CorrelationId);
        Assert.Equal("new-client", decoded.Header.ClientId);
        Assert.Equal(2, decoded.HeaderVersion);
    }

    [Fact]
    public void Trailing_bytes_are_counted_not_refused()
    {
        var frame = Frame(new RequestHeader { RequestApiKey = 18, RequestApiVersion = 3, CorrelationId = 1 }, new ApiVersionsRequest());
        var decoded = RequestFrame.Decode(frame.Concat(new byte[] { 1, 2, 3 }).ToArray());
        Assert.True(decoded.IsSuccess);
        Assert.Equal(3, decoded.TrailingBytes);
    }

    [Fact]
    public void Decoding_never_throws_on_any_truncation_or_corruption_of_any_request_frame()
    {
        var random = new Random(3);
        var builder = new RandomMessageBuilder(random, maxListLength: 1);
        foreach (var api in ApiTable.All)
        {
            for (var version = api.LowestVersion; version <= api.HighestVersion; version++)
            {
                var body = (IRequestMessage)builder.Create(api.RequestType, version, api.IsFlexibleRequest(version));
                var header = new RequestHeader { RequestApiKey = (short)api.Key, RequestApiVersion = version, CorrelationId = random.Next(), ClientId = "fuzz" };
                var frame = Frame(header, body);
                Assert.True(RequestFrame.Decode(frame).IsSuccess, $"{api.Name} v{version}");
                for (var length = 0; length < frame.Length; length++)
                {
                    var decoded = RequestFrame.Decode(frame.AsMemory(0, length));
                    Assert.True(decoded.Status == RequestDecodeStatus.Ok || decoded.Error is not null);
                    Assert.True(decoded.Header is null || decoded.Header.CorrelationId == header.CorrelationId);
                }

                var corrupted = (byte[])frame.Clone();
                corrupted[random.Next(corrupted.Length)] ^= (byte)random.Next(1, 256);
                RequestFrame.Decode(corrupted);
            }
        }
    }

    [Fact]
    public void Response_frames_round_trip_for_every_api_and_version()
    {
        var random = new Random(4);
        var builder = new RandomMessageBuilder(random, maxListLength: 1);
        foreach (var api in ApiTable.All)
        {
            for (var version = api.LowestVersion; version <= api.HighestVersion; version++)
            {
                var body = (IResponseMessage)builder.Create(api.ResponseType, version, api.IsFlexibleResponse(version));
                using var writer = new ProtocolWriter();
                ResponseFrame.Write(writer, api.Key, version, 77, body);
                var frame = writer.ToArray();
                Assert.Equal(frame.Length - 4, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame));

                var (header, decoded) = ResponseFrame.Read(frame.AsMemory(4), api.Key, version);
                Assert.Equal(77, header.CorrelationId);
                Assert.Equal(body, decoded);

                // The header written directly is what the generated ResponseHeader encodes.
                var expectedHeader = MessageType.Encode(new ResponseHeader { CorrelationId = 77 }, api.ResponseHeaderVersion(version));
                Assert.Equal(expectedHeader, frame[4..(4 + expectedHeader.Length)]);
            }
        }
    }

    private static byte[] Frame(RequestHeader header, IRequestMessage? body)
    {
        using var writer = new ProtocolWriter();
        if (body is not null)
        {
            RequestFrame.Write(writer, header, body);
            return writer.ToArray()[4..];
        }

        header.Write(writer, ApiTable.Get((ApiKey)header.RequestApiKey).RequestHeaderVersion(header.RequestApiVersion));
        return writer.ToArray();
    }
}
