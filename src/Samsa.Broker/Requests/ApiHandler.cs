using Samsa.Broker.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Requests;

/// <summary>One decoded request as a handler sees it: body, header, version, connection, and the raw frame.</summary>
public sealed class ApiRequest<TRequest>
    where TRequest : IRequestMessage
{
    internal ApiRequest(TRequest body, RequestHeader header, RequestContext connection, Memory<byte> frame, CancellationToken cancellationToken)
    {
        Body = body;
        Header = header;
        Connection = connection;
        Frame = frame;
        CancellationToken = cancellationToken;
    }

    public TRequest Body { get; }

    public RequestHeader Header { get; }

    public short Version => Header.RequestApiVersion;

    public string? ClientId => Header.ClientId;

    /// <summary>The connection (listener, client address, per-connection state, Close).</summary>
    public RequestContext Connection { get; }

    /// <summary>
    /// The request frame the body was decoded from. Record sets in the body are slices of it, writable in place
    /// (Produce patches offsets there) and valid until the response has been sent.
    /// </summary>
    public Memory<byte> Frame { get; }

    /// <summary>Fires when the connection goes away.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Fires when the server begins a graceful stop: a long poll answers now.</summary>
    public CancellationToken ServerStopping => Connection.ServerStopping;
}

/// <summary>What the router knows of a handler: its API, the versions it serves, and how to run it.</summary>
public interface IApiHandler
{
    ApiKey ApiKey { get; }

    /// <summary>Lowest version served (Kafka 4's baseline: the versions KIP-896 removed are not).</summary>
    short MinVersion { get; }

    short MaxVersion { get; }

    /// <summary>Runs the handler; null means no response (Produce with acks=0).</summary>
    ValueTask<IResponseMessage?> HandleAsync(RequestHeader header, IRequestMessage body, RequestContext connection, Memory<byte> frame, CancellationToken cancellationToken);

    /// <summary>Kafka's error response to the request: the error on every topic/partition/resource it names.</summary>
    IResponseMessage ErrorResponse(IRequestMessage body, short version, ErrorCode error, string? message);

    /// <summary>Called once the response has been written (or given up): releases what it references (file ranges).</summary>
    void Release(IResponseMessage response);
}

/// <summary>
/// Base of every API handler: one per API, in <c>Handlers/&lt;Api&gt;Handler.cs</c>, registered in
/// <see cref="ApiHandlerTable"/>. A handler answers its request and says how its API reports an error for the
/// whole request (used when it throws).
/// </summary>
public abstract class ApiHandler<TRequest, TResponse> : IApiHandler
    where TRequest : IRequestMessage
    where TResponse : IResponseMessage
{
    public abstract ApiKey ApiKey { get; }

    public abstract short MinVersion { get; }

    /// <summary>The highest version the schemas define, unless the handler says otherwise.</summary>
    public virtual short MaxVersion => ApiTable.Get(ApiKey).HighestVersion;

    /// <summary>The response, or null for none (only Produce with acks=0).</summary>
    public abstract ValueTask<TResponse?> HandleAsync(ApiRequest<TRequest> request);

    /// <summary>The API's error response: <paramref name="error"/> everywhere the response has an error code.</summary>
    public abstract TResponse ErrorResponse(TRequest request, short version, ErrorCode error, string? message);

    /// <summary>Releases resources the response references after it has been written; nothing by default.</summary>
    protected virtual void Release(TResponse response)
    {
    }

    async ValueTask<IResponseMessage?> IApiHandler.HandleAsync(RequestHeader header, IRequestMessage body, RequestContext connection, Memory<byte> frame, CancellationToken cancellationToken) =>
        await HandleAsync(new ApiRequest<TRequest>((TRequest)body, header, connection, frame, cancellationToken)).ConfigureAwait(false);

    IResponseMessage IApiHandler.ErrorResponse(IRequestMessage body, short version, ErrorCode error, string? message) =>
        ErrorResponse((TRequest)body, version, error, message);

    void IApiHandler.Release(IResponseMessage response) => Release((TResponse)response);
}
