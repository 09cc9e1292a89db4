namespace Samsa.Broker.Network;

/// <summary>
/// The settings the network server runs with. <c>BrokerConfig</c> fills them from the
/// Kafka keys named on each property; tests set them directly.
/// </summary>
public sealed class NetworkServerOptions
{
    /// <summary><c>listeners</c>.</summary>
    public IReadOnlyList<ListenerEndpoint> Listeners { get; init; } = [];

    /// <summary><c>socket.request.max.bytes</c>: a larger (or negative) size field closes the connection before anything is allocated.</summary>
    public int SocketRequestMaxBytes { get; init; } = 104_857_600;

    /// <summary><c>socket.send.buffer.bytes</c> (SO_SNDBUF); -1 keeps the OS default.</summary>
    public int SocketSendBufferBytes { get; init; } = 102_400;

    /// <summary><c>socket.receive.buffer.bytes</c> (SO_RCVBUF); -1 keeps the OS default.</summary>
    public int SocketReceiveBufferBytes { get; init; } = 102_400;

    /// <summary><c>socket.listen.backlog.size</c>.</summary>
    public int ListenBacklog { get; init; } = 50;

    /// <summary><c>connections.max.idle.ms</c>: a connection with no traffic and no request being handled for this long is closed.</summary>
    public TimeSpan ConnectionsMaxIdle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>max.connections</c>: connections beyond it are closed at accept.</summary>
    public int MaxConnections { get; init; } = int.MaxValue;

    /// <summary><c>max.connections.per.ip</c>.</summary>
    public int MaxConnectionsPerIp { get; init; } = int.MaxValue;

    /// <summary>How file regions of a response reach the socket (copy through a pooled buffer today; sendfile later).</summary>
    public IFileRegionSender FileRegionSender { get; init; } = PooledCopyFileRegionSender.Instance;
}
