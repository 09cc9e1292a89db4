using System.Buffers.Binary;
using System.Net.Sockets;
using Samsa.Broker.Network;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Tests.Network;

/// <summary>A dispatcher whose behaviour each test supplies; by default it echoes the frame.</summary>
internal sealed class TestDispatcher : IRequestDispatcher
{
    private int _calls;

    public Func<RequestContext, Memory<byte>, CancellationToken, ValueTask<ProtocolWriter?>> Handler { get; set; } = Echo;

    public int Calls => Volatile.Read(ref _calls);

    public static ValueTask<ProtocolWriter?> Echo(RequestContext context, Memory<byte> frame, CancellationToken token)
    {
        var writer = new ProtocolWriter();
        writer.WriteRaw(frame.Span);
        return ValueTask.FromResult<ProtocolWriter?>(writer);
    }

    public ValueTask<ProtocolWriter?> HandleAsync(RequestContext context, Memory<byte> frame, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Handler(context, frame, cancellationToken);
    }
}

internal static class NetworkTestKit
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(15);

    public static NetworkServer StartServer(IRequestDispatcher dispatcher, Func<NetworkServerOptions, NetworkServerOptions>? configure = null)
    {
        var options = new NetworkServerOptions
        {
            Listeners = [new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 0, "PLAINTEXT")],
            SocketRequestMaxBytes = 1024 * 1024,
        };
        var server = new NetworkServer(configure?.Invoke(options) ?? options, dispatcher);
        server.Start();
        return server;
    }

    public static NetworkServerOptions With(this NetworkServerOptions o, int? maxBytes = null, TimeSpan? idle = null, int? perIp = null, int? backlog = null, int? maxConnections = null) => new()
    {
        Listeners = o.Listeners,
        SocketRequestMaxBytes = maxBytes ?? o.SocketRequestMaxBytes,
        ConnectionsMaxIdle = idle ?? o.ConnectionsMaxIdle,
        MaxConnectionsPerIp = perIp ?? o.MaxConnectionsPerIp,
        MaxConnections = maxConnections ?? o.MaxConnections,
        ListenBacklog = backlog ?? o.ListenBacklog,
    };

    public static async Task<Socket> ConnectAsync(NetworkServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(TestTimeout);
        await socket.ConnectAsync(server.BoundEndpoints[0], cts.Token);
        return socket;
    }

    /// <summary>A request frame: size prefix, correlation id, then <paramref name="payloadSize"/> patterned bytes.</summary>
    public static byte[] Frame(int correlationId, int payloadSize = 16)
    {
        var frame = new byte[8 + payloadSize];
        BinaryPrimitives.WriteInt32BigEndian(frame, 4 + payloadSize);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), correlationId);
        for (var i = 0; i < payloadSize; i++)
        {
            frame[8 + i] = (byte)(correlationId + i);
        }

        return frame;
    }

    public static int CorrelationId(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadInt32BigEndian(body);

    public static async Task SendAsync(Socket socket, byte[] bytes)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
        }
    }

    /// <summary>Reads one response body, or null if the server closed the connection first.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeout);
        var header = new byte[4];
        if (!await ReadExactlyAsync(socket, header, cts.Token))
        {
            return null;
        }

        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        return await ReadExactlyAsync(socket, body, cts.Token) ? body : null;
    }

    /// <summary>True when the server has closed the connection (end of stream or reset) within the timeout.</summary>
    public static async Task<bool> IsClosedByServerAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeout);
        var scratch = new byte[64 * 1024];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(scratch, SocketFlags.None, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(10);
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> target, CancellationToken token)
    {
        var filled = 0;
        while (filled < target.Length)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(target[filled..], SocketFlags.None, token);
            }
            catch (SocketException)
            {
                return false;
            }

            if (n == 0)
            {
                return false;
            }

            filled += n;
        }

        return true;
    }
}
