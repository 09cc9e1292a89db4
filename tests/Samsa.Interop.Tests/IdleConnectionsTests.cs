using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Samsa.Interop.Tests;

/// <summary>
/// Ten thousand idle connections against the real broker process: it keeps serving other clients and its resident
/// memory grows by a bounded amount per connection. The broker needs one file descriptor per connection on top of
/// its logs, so the test raises its own soft fd limit to the hard limit before starting the broker, which inherits it.
/// </summary>
public sealed partial class IdleConnectionsTests(ITestOutputHelper output)
{
    private const int Connections = 10_000;
    private const int RlimitNofile = 7;

    // Measured about 2 KiB of RSS per idle connection; 16 KiB leaves room for the allocator and the GC.
    private const long BytesPerConnectionBudget = 16 * 1024;

    [Fact]
    public async Task Ten_thousand_idle_connections_leave_the_broker_serving_with_bounded_memory()
    {
        RaiseFileLimit(Connections + 2_000);
        await using var broker = await SamsaBroker.StartAsync("socket.listen.backlog.size=4096");
        (await ClientProcess.KcatAsync(broker.BootstrapServers, ["-L"])).EnsureSuccess();
        var before = broker.ResidentBytes();
        var sockets = new List<Socket>(Connections);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            for (var i = 0; i < Connections; i += 250)
            {
                sockets.AddRange(await Task.WhenAll(Enumerable.Range(0, 250).Select(_ => ConnectAsync(broker.Port, timeout.Token))));
            }

            foreach (var socket in sockets.Where((_, i) => i % 1000 == 999))
            {
                Assert.True(await AnswersApiVersionsAsync(socket, timeout.Token), "an idle connection no longer answers");
            }

            var listing = (await ClientProcess.KcatAsync(broker.BootstrapServers, ["-L"])).EnsureSuccess();
            Assert.Contains("1 brokers", listing.Stdout, StringComparison.Ordinal);
            var growth = broker.ResidentBytes() - before;
            output.WriteLine($"broker RSS {before / 1024} KiB before, +{growth / 1024} KiB with {Connections} idle connections ({growth / Connections} bytes each)");
            Assert.True(growth < Connections * BytesPerConnectionBudget, $"RSS grew by {growth / 1024} KiB for {Connections} idle connections ({before / 1024} KiB before)");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        (await ClientProcess.KcatAsync(broker.BootstrapServers, ["-L"])).EnsureSuccess();
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        return socket;
    }

    private static async Task<bool> AnswersApiVersionsAsync(Socket socket, CancellationToken cancellationToken)
    {
        var frame = new byte[14];
        BinaryPrimitives.WriteInt32BigEndian(frame, 10);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), 18);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), 0);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), 7);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(12), -1);
        await socket.SendAsync(frame, SocketFlags.None, cancellationToken);
        var header = new byte[8];
        var read = 0;
        while (read < header.Length)
        {
            var n = await socket.ReceiveAsync(header.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)) == 7;
    }

    private static void RaiseFileLimit(ulong needed)
    {
        var limit = default(RLimit);
        Assert.Equal(0, GetRLimit(RlimitNofile, ref limit));
        if (limit.Current >= needed)
        {
            return;
        }

        Assert.True(limit.Maximum >= needed, $"the hard fd limit {limit.Maximum} is below the {needed} this test needs (ulimit -Hn)");
        limit.Current = needed;
        Assert.Equal(0, SetRLimit(RlimitNofile, ref limit));
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, ref RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
