using System.Buffers.Binary;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Messages;

/// <summary>How decoding a request frame went.</summary>
public enum RequestDecodeStatus
{
    Ok,

    /// <summary>The header could not be read; there is no correlation id to answer with.</summary>
    MalformedHeader,

    /// <summary>The header was read, but its API key is not one the schemas define.</summary>
    UnknownApiKey,

    /// <summary>The header was read, but the API has no such version (Kafka answers ApiVersions with UNSUPPORTED_VERSION).</summary>
    UnsupportedVersion,

    /// <summary>The header was read, but the body is not a valid encoding of that API and version.</summary>
    MalformedBody,
}

/// <summary>The outcome of <see cref="RequestFrame.Decode"/>: the header whenever it was readable, and the body or the error.</summary>
public readonly struct DecodedRequest
{
    internal DecodedRequest(RequestDecodeStatus status, RequestHeader? header, short headerVersion, ApiInfo? api, IRequestMessage? body, ProtocolDecodeException? error, int trailingBytes)
    {
        Status = status;
        Header = header;
        HeaderVersion = headerVersion;
        Api = api;
        Body = body;
        Error = error;
        TrailingBytes = trailingBytes;
    }

    public RequestDecodeStatus Status { get; }

    public bool IsSuccess => Status == RequestDecodeStatus.Ok;

    /// <summary>The request header, present unless <see cref="Status"/> is <see cref="RequestDecodeStatus.MalformedHeader"/>.</summary>
    public RequestHeader? Header { get; }

    public short HeaderVersion { get; }

    /// <summary>The API the header names, when the key is known.</summary>
    public ApiInfo? Api { get; }

    public IRequestMessage? Body { get; }

    public ProtocolDecodeException? Error { get; }

    /// <summary>Bytes after the body: counted rather than refused, so the broker decides what to make of them.</summary>
    public int TrailingBytes { get; }
}

/// <summary>Request framing: header then body, after the 4-byte size that the network layer strips.</summary>
public static class RequestFrame
{
    /// <summary>
    /// Decodes a request frame (without its size prefix). Never throws: every failure is reported in the
    /// result, with the header whenever the header itself was readable, so the broker can answer with
    /// the request's correlation id.
    /// </summary>
    public static DecodedRequest Decode(ReadOnlyMemory<byte> frame)
    {
        var reader = new ProtocolReader(frame);
        RequestHeader? header = null;
        short headerVersion = 1;
        ApiInfo? api = null;
        try
        {
            if (frame.Length < 4)
            {
                throw new ProtocolDecodeException($"a request header needs at least 4 bytes, got {frame.Length}");
            }

            var apiKey = BinaryPrimitives.ReadInt16BigEndian(frame.Span);
            var version = BinaryPrimitives.ReadInt16BigEndian(frame.Span[2..]);

            // An unknown key has no header version of its own; v1 (with client id) is the best guess.
            headerVersion = ApiTable.TryGet(apiKey, out api) ? api.RequestHeaderVersion(version) : (short)1;
            header = RequestHeader.Read(ref reader, headerVersion);
            if (api is null)
            {
                return Failed(RequestDecodeStatus.UnknownApiKey, header, headerVersion, null, new ProtocolDecodeException($"unknown API key {apiKey}"));
            }

            if (!api.IsSupported(version))
            {
                return Failed(RequestDecodeStatus.UnsupportedVersion, header, headerVersion, api,
                    new ProtocolDecodeException($"{api.Name} has no version {version} (versions {api.LowestVersion}-{api.HighestVersion})"));
            }

            var body = MessageFactory.ReadRequest(api.Key, version, ref reader);
            return new DecodedRequest(RequestDecodeStatus.Ok, header, headerVersion, api, body, null, reader.Remaining);
        }
        catch (ProtocolDecodeException e)
        {
            return Failed(header is null ? RequestDecodeStatus.MalformedHeader : RequestDecodeStatus.MalformedBody, header, headerVersion, api, e);
        }
        catch (Exception e)
        {
            // Decoders raise only ProtocolDecodeException (the fuzz tests hold them to it); anything else is a
            // decoder bug, still reported as bad input rather than taking the connection loop down.
            var error = new ProtocolDecodeException($"decoder failure: {e.Message}", e);
            return Failed(header is null ? RequestDecodeStatus.MalformedHeader : RequestDecodeStatus.MalformedBody, header, headerVersion, api, error);
        }
    }

    /// <summary>Writes a whole request frame: the 4-byte size, the header (at the version the API requires) and the body.</summary>
    public static void Write(ProtocolWriter writer, RequestHeader header, IRequestMessage body)
    {
        var api = ApiTable.Get(body.ApiKey);
        if (header.RequestApiKey != (short)body.ApiKey)
        {
            throw new ArgumentException($"header names API key {header.RequestApiKey}, body is {body.ApiKey}", nameof(header));
        }

        var size = writer.ReserveInt32();
        var start = writer.Length;
        header.Write(writer, api.RequestHeaderVersion(header.RequestApiVersion));
        body.Write(writer, header.RequestApiVersion);
        ProtocolWriter.PatchInt32(size, checked((int)(writer.Length - start)));
    }

    private static DecodedRequest Failed(RequestDecodeStatus status, RequestHeader? header, short headerVersion, ApiInfo? api, ProtocolDecodeException error) =>
        new(status, header, headerVersion, api, null, error, 0);
}
