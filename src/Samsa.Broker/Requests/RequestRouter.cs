using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Requests;

/// <summary>
/// The broker's request dispatcher: decodes each frame, sends it to the handler registered for its API, and
/// writes the response (header and body, without the size prefix). Bad input is answered as Kafka answers it:
/// an ApiVersions request of a version too new gets a v0 response with UNSUPPORTED_VERSION and the supported
/// list (KIP-511); any other unknown API or version, or a body that does not decode, closes that connection with
/// one log line. A handler that throws answers UNKNOWN_SERVER_ERROR in its API's error response.
/// </summary>
public sealed class RequestRouter : IRequestDispatcher
{
    private readonly ApiHandlerTable _handlers;
    private readonly ILogger _logger;
    private readonly Task _ready;

    /// <param name="handlers">The registered APIs.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="ready">
    /// Completes when the broker may serve: requests that arrive before (the listeners are bound early so the broker
    /// can register its real ports) wait for it, as Kafka enables request processing only after start-up.
    /// </param>
    public RequestRouter(ApiHandlerTable handlers, ILoggerFactory? loggerFactory = null, Task? ready = null)
    {
        _handlers = handlers;
        _logger = loggerFactory?.CreateLogger<RequestRouter>() ?? (ILogger)NullLogger.Instance;
        _ready = ready ?? Task.CompletedTask;
    }

    public async ValueTask<ProtocolWriter?> HandleAsync(RequestContext context, Memory<byte> frame, CancellationToken cancellationToken)
    {
        if (!_ready.IsCompleted)
        {
            await _ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var decoded = RequestFrame.Decode(frame);
        var header = decoded.Header;
        if (header is null)
        {
            return Close(context, $"unreadable request header: {decoded.Error?.Message}");
        }

        var handler = _handlers.Get(header.RequestApiKey);
        var version = header.RequestApiVersion;
        var supported = handler is not null && version >= handler.MinVersion && version <= handler.MaxVersion;
        if (!supported || decoded.Status is RequestDecodeStatus.UnknownApiKey or RequestDecodeStatus.UnsupportedVersion)
        {
            if (header.RequestApiKey == (short)ApiKey.ApiVersions)
            {
                return UnsupportedApiVersions(header);
            }

            return Close(context, handler is null
                ? $"API key {header.RequestApiKey} is not served (client {header.ClientId})"
                : $"{ApiTable.Get(handler.ApiKey).Name} v{version} is not served: versions {handler.MinVersion}-{handler.MaxVersion} are (client {header.ClientId})");
        }

        if (!decoded.IsSuccess)
        {
            return Close(context, $"malformed {ApiTable.Get(handler!.ApiKey).Name} v{version} request: {decoded.Error?.Message}");
        }

        IResponseMessage? response;
        try
        {
            response = await handler!.HandleAsync(header, decoded.Body!, context, frame, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            BrokerLog.HandlerFailed(_logger, e, handler!.ApiKey.ToString(), version, context.ClientAddress);
            response = handler.ErrorResponse(decoded.Body!, version, ErrorCode.UnknownServerError, null);
        }

        return response is null ? null : Write(handler!, header, decoded.Body!, response, context);
    }

    private ProtocolWriter Write(IApiHandler handler, RequestHeader header, IRequestMessage body, IResponseMessage response, RequestContext context)
    {
        var writer = new ProtocolWriter();
        try
        {
            ResponseFrame.WriteWithoutSize(writer, handler.ApiKey, header.RequestApiVersion, header.CorrelationId, response);
            return writer;
        }
        catch (Exception e) when (e is UnsupportedVersionException or InvalidOperationException or ArgumentException)
        {
            // The handler built a response its version cannot carry: a bug, answered as any handler failure.
            BrokerLog.HandlerFailed(_logger, e, handler.ApiKey.ToString(), header.RequestApiVersion, context.ClientAddress);
            writer.Reset();
            ResponseFrame.WriteWithoutSize(writer, handler.ApiKey, header.RequestApiVersion, header.CorrelationId, handler.ErrorResponse(body, header.RequestApiVersion, ErrorCode.UnknownServerError, null));
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        finally
        {
            handler.Release(response);
        }
    }

    /// <summary>KIP-511: an ApiVersions version the broker does not know gets a v0 answer the client can read.</summary>
    private ProtocolWriter UnsupportedApiVersions(RequestHeader header)
    {
        var writer = new ProtocolWriter();
        var body = new ApiVersionsResponse { ErrorCode = (short)ErrorCode.UnsupportedVersion, ApiKeys = _handlers.ApiVersions() };
        ResponseFrame.WriteWithoutSize(writer, ApiKey.ApiVersions, 0, header.CorrelationId, body);
        return writer;
    }

    private ProtocolWriter? Close(RequestContext context, string reason)
    {
        BrokerLog.ClosingConnection(_logger, context.ConnectionId, context.ClientAddress, reason);
        context.Close(reason);
        return null;
    }
}
