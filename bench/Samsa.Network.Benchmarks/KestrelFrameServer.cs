using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Samsa.Network.Benchmarks;

/// <summary>
/// The alternative design: Kestrel's socket transport (System.IO.Pipelines) with the same frame semantics as
/// the Samsa server: each frame copied into one contiguous pooled buffer, one request at a time per
/// connection, responses written as size prefix + chunks.
/// </summary>
internal sealed class KestrelFrameServer : IAsyncDisposable
{
    private readonly IConnectionListener _listener;
    private readonly Task _acceptLoop;
    private readonly List<Task> _connections = [];

    private KestrelFrameServer(IConnectionListener listener)
    {
        _listener = listener;
        _acceptLoop = AcceptLoopAsync();
    }

    public EndPoint EndPoint => _listener.EndPoint;

    public static async Task<KestrelFrameServer> StartAsync()
    {
        var factory = new SocketTransportFactory(Options.Create(new SocketTransportOptions { NoDelay = true }), NullLoggerFactory.Instance);
        var listener = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        return new KestrelFrameServer(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.UnbindAsync();
        await _listener.DisposeAsync();
        await _acceptLoop;
        await Task.WhenAll(_connections);
    }

    private async Task AcceptLoopAsync()
    {
        while (await _listener.AcceptAsync() is { } connection)
        {
            _connections.Add(ServeAsync(connection));
        }
    }

    private static async Task ServeAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var prefix = new byte[4];
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                while (TryTakeFrame(ref buffer, out var array, out var length))
                {
                    try
                    {
                        using var response = EchoDispatcher.Echo(array.AsMemory(0, length));
                        BinaryPrimitives.WriteInt32BigEndian(prefix, (int)response.Length);
                        output.Write(prefix);
                        foreach (var chunk in response.GetChunks())
                        {
                            output.Write(chunk.Memory.Span);
                        }

                        await output.FlushAsync();
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(array);
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (ConnectionResetException)
        {
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, out byte[] array, out int length)
    {
        array = [];
        length = 0;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(header);
        length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (buffer.Length < 4 + length)
        {
            return false;
        }

        array = ArrayPool<byte>.Shared.Rent(length);
        buffer.Slice(4, length).CopyTo(array);
        buffer = buffer.Slice(4 + length);
        return true;
    }
}
