using System.Net;

namespace Samsa.Broker.Network;

/// <summary>
/// What the dispatcher knows about the connection a request came from. One instance per connection,
/// passed with every request of that connection.
/// </summary>
public sealed class RequestContext
{
    private readonly Connection _connection;

    internal RequestContext(Connection connection, long connectionId, IPEndPoint clientAddress, ListenerEndpoint listener, CancellationToken serverStopping)
    {
        _connection = connection;
        ConnectionId = connectionId;
        ClientAddress = clientAddress;
        Listener = listener;
        ServerStopping = serverStopping;
    }

    /// <summary>Unique for the life of the server process, increasing in accept order.</summary>
    public long ConnectionId { get; }

    public IPEndPoint ClientAddress { get; }

    /// <summary>The listener the connection arrived on (its name, e.g. PLAINTEXT, and security protocol).</summary>
    public ListenerEndpoint Listener { get; }

    public string ListenerName => Listener.Name;

    /// <summary>Fires when the server begins a graceful stop: a long poll may answer early.</summary>
    public CancellationToken ServerStopping { get; }

    /// <summary>
    /// Per-connection state owned by the dispatcher (for example the client's software name from
    /// ApiVersions, or SASL progress). The network layer never reads it.
    /// </summary>
    public object? State { get; set; }

    /// <summary>
    /// Closes the connection after the current request; its response, if any, is not sent. Kafka does this
    /// when a request cannot be parsed or violates the protocol.
    /// </summary>
    public void Close(string reason) => _connection.Abort(reason);
}
