using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Samsa.Network.Benchmarks;

/// <summary>
/// Drives echo frames over <c>connections</c> sockets, keeping up to <c>depth</c> requests in flight on each
/// (pipelined), for a fixed time. Counts complete responses.
/// </summary>
internal static class LoadClient
{
    public static async Task<(long Responses, TimeSpan Elapsed)> RunAsync(EndPoint server, int payload, int connections, int depth, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        var counts = new long[connections];
        var stopwatch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, connections).Select(i => DriveAsync(server, payload, depth, counts, i, stop.Token)).ToArray();
        await Task.WhenAll(tasks);
        return (counts.Sum(), stopwatch.Elapsed);
    }

    private static async Task DriveAsync(EndPoint server, int payload, int depth, long[] counts, int index, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        var frameLength = 4 + payload;
        var frames = new byte[frameLength * depth];
        for (var f = 0; f < depth; f++)
        {
            BinaryPrimitives.WriteInt32BigEndian(frames.AsSpan(f * frameLength), payload);
        }

        using var credits = new SemaphoreSlim(depth, depth);
        var receiver = ReceiveAsync(socket, frameLength, credits, counts, index, stop);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await credits.WaitAsync(stop);
                var n = 1;
                while (n < depth && credits.Wait(0, CancellationToken.None))
                {
                    n++;
                }

                await socket.SendAsync(frames.AsMemory(0, n * frameLength), SocketFlags.None, CancellationToken.None);
            }
        }
        catch (OperationCanceledException)
        {
        }

        socket.Shutdown(SocketShutdown.Send);
        await receiver;
    }

    private static async Task ReceiveAsync(Socket socket, int frameLength, SemaphoreSlim credits, long[] counts, int index, CancellationToken stop)
    {
        var buffer = new byte[Math.Max(256 * 1024, frameLength * 4)];
        long pending = 0;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, CancellationToken.None);
                if (n == 0)
                {
                    return;
                }

                // Every response has the request's length: count whole frames from the byte total.
                pending += n;
                var complete = (int)(pending / frameLength);
                pending -= (long)complete * frameLength;
                if (complete > 0)
                {
                    if (!stop.IsCancellationRequested)
                    {
                        counts[index] += complete;
                    }

                    credits.Release(complete);
                }
            }
        }
        catch (SocketException)
        {
        }
        catch (SemaphoreFullException)
        {
        }
    }
}
