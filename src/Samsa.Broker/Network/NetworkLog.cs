using System.Net;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Network;

/// <summary>The network server's log lines, one per event, generated so that disabled levels cost nothing.</summary>
internal static partial class NetworkLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Listener} ({Bound})")]
    public static partial void Listening(ILogger logger, ListenerEndpoint listener, IPEndPoint bound);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing connection {ConnectionId} from {Client}: {Reason}")]
    public static partial void Closing(ILogger logger, long connectionId, IPEndPoint client, string reason);

    [LoggerMessage(Message = "Closing connection {ConnectionId} from {Client} on {Listener}: {Reason}")]
    public static partial void BadFraming(ILogger logger, LogLevel level, long connectionId, IPEndPoint client, string listener, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connection {ConnectionId} from {Client} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, long connectionId, IPEndPoint client);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request handling failed on connection {ConnectionId} from {Client}; closing it")]
    public static partial void DispatcherFailed(ILogger logger, Exception exception, long connectionId, IPEndPoint client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection {ConnectionId} from {Client}: a file region of the response {Reason}")]
    public static partial void FileRegionShort(ILogger logger, long connectionId, IPEndPoint client, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending a response on connection {ConnectionId} failed")]
    public static partial void SendFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A cancellation callback of connection {ConnectionId} threw")]
    public static partial void CancellationCallbackFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} connections still had requests in flight after the {GracePeriod} shutdown grace period; closing them")]
    public static partial void GraceOver(ILogger logger, int count, TimeSpan gracePeriod);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} connections did not finish after being closed (a dispatcher ignores cancellation)")]
    public static partial void StuckAfterClose(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting on {Listener} failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, ListenerEndpoint listener, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing a connection from {Client} on {Listener}: {Key} ({Max}) reached")]
    public static partial void Refused(ILogger logger, IPAddress client, ListenerEndpoint listener, string key, int max);
}
