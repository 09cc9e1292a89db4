using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Samsa.Broker.Network;

/// <summary>
/// Accepts Kafka clients on the configured listeners and moves frames between them and an
/// <see cref="IRequestDispatcher"/>. Every connection is an async loop on the thread pool (no thread per
/// connection); a misbehaving client loses only its own connection.
/// </summary>
public sealed class NetworkServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly ConcurrentDictionary<IPAddress, int> _connectionsPerIp = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _listenSockets = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly List<IPEndPoint> _boundEndpoints = [];
    private readonly Lock _lifecycle = new();
    private Task? _idleSweeper;
    private Task? _stopTask;
    private long _nextConnectionId;
    private int _connectionCount;
    private bool _started;

    public NetworkServer(NetworkServerOptions options, IRequestDispatcher dispatcher, ILogger? logger = null)
    {
        Options = options;
        Dispatcher = dispatcher;
        Log = logger ?? NullLogger.Instance;
    }

    public NetworkServerOptions Options { get; }

    /// <summary>The local address each listener is bound to, in <see cref="NetworkServerOptions.Listeners"/> order (port 0 resolved).</summary>
    public IReadOnlyList<IPEndPoint> BoundEndpoints => _boundEndpoints;

    /// <summary>Open connections.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    internal IRequestDispatcher Dispatcher { get; }

    internal ILogger Log { get; }

    /// <summary>Binds every listener (throwing if one cannot be bound) and starts accepting.</summary>
    public void Start()
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_stopTask is not null, this);
            if (_started)
            {
                throw new InvalidOperationException("the network server is already started");
            }

            _started = true;
            try
            {
                foreach (var listener in Options.Listeners)
                {
                    _listenSockets.Add(Bind(listener));
                }
            }
            catch
            {
                foreach (var socket in _listenSockets)
                {
                    socket.Dispose();
                }

                throw;
            }

            for (var i = 0; i < _listenSockets.Count; i++)
            {
                _acceptLoops.Add(AcceptLoopAsync(_listenSockets[i], Options.Listeners[i]));
            }

            if (Options.ConnectionsMaxIdle >= TimeSpan.Zero)
            {
                _idleSweeper = SweepIdleConnectionsAsync();
            }
        }
    }

    /// <summary>
    /// Stops accepting, closes idle connections, lets requests in flight finish and send their responses
    /// for up to <paramref name="gracePeriod"/>, then closes whatever is left (their dispatcher calls see
    /// cancellation). Safe to call more than once; later calls return the first stop.
    /// </summary>
    public Task StopAsync(TimeSpan gracePeriod)
    {
        lock (_lifecycle)
        {
            return _stopTask ??= StopCoreAsync(gracePeriod);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero);
        _stopping.Dispose();
    }

    internal void OnConnectionClosed(Connection connection)
    {
        if (_connections.TryRemove(connection.Context.ConnectionId, out _))
        {
            Interlocked.Decrement(ref _connectionCount);
            if (Options.MaxConnectionsPerIp != int.MaxValue)
            {
                ReleaseIpSlot(connection.Context.ClientAddress.Address);
            }
        }
    }

    private async Task StopCoreAsync(TimeSpan gracePeriod)
    {
        await _stopping.CancelAsync();
        foreach (var socket in _listenSockets)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_acceptLoops);
        if (_idleSweeper is not null)
        {
            await _idleSweeper;
        }

        var open = new List<Task>(_connections.Count);
        foreach (var (_, connection) in _connections)
        {
            open.Add(connection.Completion);
            connection.CloseWhenIdle();
        }

        var all = Task.WhenAll(open);
        if (await Completes(all, gracePeriod))
        {
            return;
        }

        NetworkLog.GraceOver(Log, _connections.Count, gracePeriod);
        foreach (var (_, connection) in _connections)
        {
            connection.Abort("shutdown grace period over");
        }

        if (!await Completes(all, TimeSpan.FromSeconds(5)))
        {
            NetworkLog.StuckAfterClose(Log, _connections.Count);
        }
    }

    private static async Task<bool> Completes(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// SO_REUSEADDR only, so a restarted broker can bind while old connections sit in TIME_WAIT. On Linux .NET's
    /// ReuseAddress option also sets SO_REUSEPORT, which would let a second broker bind the same port and silently
    /// take half the connections; the raw option avoids that.
    /// </summary>
    private static void AllowRebindAfterRestart(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            const int SolSocket = 1;
            const int SoReuseAddr = 2;
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
        else if (!OperatingSystem.IsWindows())
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }
    }

    private Socket Bind(ListenerEndpoint listener)
    {
        var address = ResolveBindAddress(listener.Host);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            AllowRebindAfterRestart(socket);
            if (Options.SocketReceiveBufferBytes > 0)
            {
                // Set before listen so the window scale offered in the handshake fits the buffer (Kafka does the same).
                socket.ReceiveBufferSize = Options.SocketReceiveBufferBytes;
            }

            socket.Bind(new IPEndPoint(address, listener.Port));
            socket.Listen(Options.ListenBacklog);
            var bound = (IPEndPoint)socket.LocalEndPoint!;
            _boundEndpoints.Add(bound);
            NetworkLog.Listening(Log, listener, bound);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"cannot listen on {listener}: {ex.Message}", ex);
        }
    }

    internal static IPAddress ResolveBindAddress(string host)
    {
        if (host.Length == 0 || host == "0.0.0.0")
        {
            return IPAddress.Any;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var parsed))
        {
            return parsed;
        }

        var addresses = Dns.GetHostAddresses(host);
        foreach (var address in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                return address;
            }
        }

        return addresses.Length > 0 ? addresses[0] : throw new IOException($"host {host} has no address");
    }

    private async Task AcceptLoopAsync(Socket listenSocket, ListenerEndpoint listener)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listenSocket.AcceptAsync(token);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors and the like: back off instead of spinning, keep serving the others.
                NetworkLog.AcceptFailed(Log, listener, ex.Message);
                await DelayQuietly(TimeSpan.FromMilliseconds(100), token);
                continue;
            }

            Admit(socket, listener, token);
        }
    }

    private void Admit(Socket socket, ListenerEndpoint listener, CancellationToken stopping)
    {
        IPEndPoint client;
        try
        {
            client = (IPEndPoint)socket.RemoteEndPoint!;
            socket.NoDelay = true;
            if (Options.SocketSendBufferBytes > 0)
            {
                socket.SendBufferSize = Options.SocketSendBufferBytes;
            }

            if (Options.SocketReceiveBufferBytes > 0)
            {
                socket.ReceiveBufferSize = Options.SocketReceiveBufferBytes;
            }
        }
        catch (SocketException)
        {
            socket.Dispose();
            return;
        }

        if (client.Address.IsIPv4MappedToIPv6)
        {
            client = new IPEndPoint(client.Address.MapToIPv4(), client.Port);
        }

        if (stopping.IsCancellationRequested || !TryTakeSlot(client.Address, listener))
        {
            socket.Dispose();
            return;
        }

        var id = Interlocked.Increment(ref _nextConnectionId);
        var connection = new Connection(this, socket, id, client, listener, stopping);
        _connections[id] = connection;
        if (connection.IsClosed && connection.Completion.IsCompleted)
        {
            // It ended before it was registered; OnConnectionClosed found nothing to remove.
            OnConnectionClosed(connection);
        }
    }

    private bool TryTakeSlot(IPAddress address, ListenerEndpoint listener)
    {
        if (Interlocked.Increment(ref _connectionCount) > Options.MaxConnections)
        {
            Interlocked.Decrement(ref _connectionCount);
            NetworkLog.Refused(Log, address, listener, "max.connections", Options.MaxConnections);
            return false;
        }

        if (Options.MaxConnectionsPerIp != int.MaxValue
            && _connectionsPerIp.AddOrUpdate(address, 1, static (_, count) => count + 1) > Options.MaxConnectionsPerIp)
        {
            ReleaseIpSlot(address);
            Interlocked.Decrement(ref _connectionCount);
            NetworkLog.Refused(Log, address, listener, "max.connections.per.ip", Options.MaxConnectionsPerIp);
            return false;
        }

        return true;
    }

    private void ReleaseIpSlot(IPAddress address)
    {
        while (_connectionsPerIp.TryGetValue(address, out var count))
        {
            if (count <= 1 ? _connectionsPerIp.TryRemove(new KeyValuePair<IPAddress, int>(address, count)) : _connectionsPerIp.TryUpdate(address, count - 1, count))
            {
                return;
            }
        }
    }

    private async Task SweepIdleConnectionsAsync()
    {
        var maxIdle = (long)Options.ConnectionsMaxIdle.TotalMilliseconds;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(maxIdle / 4, 10, 1000)));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                var now = Environment.TickCount64;
                foreach (var (_, connection) in _connections)
                {
                    if (connection.IdleMilliseconds(now) > maxIdle)
                    {
                        connection.Abort($"idle for more than {maxIdle} ms (connections.max.idle.ms)");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
