using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Messages;

/// <summary>Response framing: the 4-byte size, the response header (correlation id) and the body.</summary>
public static class ResponseFrame
{
    /// <summary>
    /// Writes a whole response frame for a request of <paramref name="apiKey"/> at <paramref name="version"/>.
    /// The header is what <see cref="ResponseHeader"/> encodes (correlation id, and an empty tagged-field
    /// section in header v1), written directly to spare an allocation per response.
    /// </summary>
    public static void Write(ProtocolWriter writer, ApiKey apiKey, short version, int correlationId, IResponseMessage body)
    {
        var size = writer.ReserveInt32();
        var start = writer.Length;
        WriteWithoutSize(writer, apiKey, version, correlationId, body);
        ProtocolWriter.PatchInt32(size, checked((int)(writer.Length - start)));
    }

    /// <summary>
    /// Writes the response header and body without the 4-byte size: what a broker's request dispatcher returns,
    /// since the network server writes the size from the writer's length when it sends the frame.
    /// </summary>
    public static void WriteWithoutSize(ProtocolWriter writer, ApiKey apiKey, short version, int correlationId, IResponseMessage body)
    {
        if (body.ApiKey != apiKey)
        {
            throw new ArgumentException($"response body is {body.ApiKey}, not {apiKey}", nameof(body));
        }

        writer.WriteInt32(correlationId);
        if (ApiTable.Get(apiKey).ResponseHeaderVersion(version) >= 1)
        {
            writer.WriteUnsignedVarInt(0);
        }

        body.Write(writer, version);
    }

    /// <summary>Writes the response to <paramref name="request"/>, at its API key, version and correlation id.</summary>
    public static void Write(ProtocolWriter writer, RequestHeader request, IResponseMessage body) =>
        Write(writer, (ApiKey)request.RequestApiKey, request.RequestApiVersion, request.CorrelationId, body);

    /// <summary>Decodes a response frame (without its size prefix) to a request the caller sent; bad input raises <see cref="ProtocolDecodeException"/>.</summary>
    public static (ResponseHeader Header, IResponseMessage Body) Read(ReadOnlyMemory<byte> frame, ApiKey apiKey, short version)
    {
        if (!ApiTable.TryGet((short)apiKey, out var api))
        {
            throw new ProtocolDecodeException($"unknown API key {(short)apiKey}");
        }

        var reader = new ProtocolReader(frame);
        var header = ResponseHeader.Read(ref reader, api.ResponseHeaderVersion(version));
        var body = MessageFactory.ReadResponse(apiKey, version, ref reader);
        return (header, body);
    }
}
