using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

/// <summary>
/// Sends response frames: size prefixes and consecutive memory chunks, of several responses when they are
/// ready together, go out as one gathered send (sendmsg with an iovec per chunk); file regions go through
/// the <see cref="IFileRegionSender"/>.
/// Instances are pooled across connections, so an idle connection holds none.
/// </summary>
internal sealed class SocketSender : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private const int MaxPooled = 256;
    private static readonly ConcurrentQueue<SocketSender> Pool = new();
    private static int _pooledCount;

    private readonly List<ArraySegment<byte>> _segments = new(8);
    private readonly byte[] _prefixes = new byte[4 * MaxFrames];
    private ManualResetValueTaskSourceCore<int> _completion;
    private int _pendingBytes;

    private SocketSender()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>Most responses sent together in one gathered write.</summary>
    public const int MaxFrames = 16;

    /// <summary>Sends <paramref name="count"/> response frames in order, each as its size prefix followed by its chunks.</summary>
    public static async ValueTask SendFramesAsync(Socket socket, (ProtocolWriter Response, RentedFrame Frame)[] frames, int count, IFileRegionSender fileSender, CancellationToken cancellationToken)
    {
        var sender = Rent();
        try
        {
            for (var f = 0; f < count; f++)
            {
                var response = frames[f].Response;
                var length = response.Length;
                if (length > int.MaxValue)
                {
                    throw new InvalidOperationException($"response of {length} bytes exceeds the int32 frame size");
                }

                BinaryPrimitives.WriteInt32BigEndian(sender._prefixes.AsSpan(f * 4), (int)length);
                sender.Add(new ArraySegment<byte>(sender._prefixes, f * 4, 4));
                var chunks = response.GetChunks();
                for (var i = 0; i < chunks.Count; i++)
                {
                    var chunk = chunks[i];
                    if (chunk.Length == 0)
                    {
                        continue;
                    }

                    if (chunk.IsFileRegion)
                    {
                        await sender.FlushAsync(socket);
                        await fileSender.SendAsync(socket, chunk.File!, chunk.FileOffset, chunk.Length, cancellationToken);
                    }
                    else if (MemoryMarshal.TryGetArray(chunk.Memory, out var segment))
                    {
                        sender.Add(segment);
                    }
                    else
                    {
                        await sender.FlushAsync(socket);
                        await PooledCopyFileRegionSender.SendAllAsync(socket, chunk.Memory, cancellationToken);
                    }
                }
            }

            await sender.FlushAsync(socket);
        }
        finally
        {
            Return(sender);
        }
    }

    public int GetResult(short token) => _completion.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _completion.SetResult(BytesTransferred);
        }
        else
        {
            _completion.SetException(new SocketException((int)SocketError));
        }
    }

    private static SocketSender Rent()
    {
        if (Pool.TryDequeue(out var sender))
        {
            Interlocked.Decrement(ref _pooledCount);
            return sender;
        }

        return new SocketSender();
    }

    private static void Return(SocketSender sender)
    {
        sender._segments.Clear();
        sender._pendingBytes = 0;
        if (sender.BufferList is not null)
        {
            sender.BufferList = null;
        }

        if (Interlocked.Increment(ref _pooledCount) <= MaxPooled)
        {
            Pool.Enqueue(sender);
            return;
        }

        Interlocked.Decrement(ref _pooledCount);
        sender.Dispose();
    }

    private void Add(ArraySegment<byte> segment)
    {
        _segments.Add(segment);
        _pendingBytes += segment.Count;
    }

    private async ValueTask FlushAsync(Socket socket)
    {
        if (_segments.Count == 0)
        {
            return;
        }

        var expected = _pendingBytes;
        var sent = await SendSegmentsAsync(socket);
        if (sent != expected)
        {
            // .NET completes a stream send only when every byte is written; anything else is a broken socket.
            throw new SocketException((int)SocketError.ConnectionReset);
        }

        _segments.Clear();
        _pendingBytes = 0;
    }

    private ValueTask<int> SendSegmentsAsync(Socket socket)
    {
        _completion.Reset();
        BufferList = _segments;
        if (socket.SendAsync(this))
        {
            return new ValueTask<int>(this, _completion.Version);
        }

        return SocketError == SocketError.Success
            ? new ValueTask<int>(BytesTransferred)
            : ValueTask.FromException<int>(new SocketException((int)SocketError));
    }
}
