using System.Buffers;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Samsa.Broker.Network;

/// <summary>
/// Reads the region with <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/> into a pooled
/// buffer and sends it. Segment reads are served from the page cache in the common case, so the read is
/// done synchronously; the send is asynchronous.
/// </summary>
public sealed class PooledCopyFileRegionSender : IFileRegionSender
{
    private const int MaxChunk = 256 * 1024;

    public static PooledCopyFileRegionSender Instance { get; } = new();

    public async ValueTask SendAsync(Socket socket, SafeFileHandle file, long offset, int length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(length, MaxChunk));
        try
        {
            var sent = 0;
            while (sent < length)
            {
                var want = Math.Min(length - sent, buffer.Length);
                var read = ReadFully(file, buffer.AsSpan(0, want), offset + sent);
                if (read < want)
                {
                    throw new FileRegionShortReadException(offset, length, sent + read);
                }

                await SendAllAsync(socket, buffer.AsMemory(0, want), cancellationToken);
                sent += want;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ReadFully(SafeFileHandle file, Span<byte> target, long offset)
    {
        var total = 0;
        while (total < target.Length)
        {
            var n = RandomAccess.Read(file, target[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    internal static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var n = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[n..];
        }
    }
}
