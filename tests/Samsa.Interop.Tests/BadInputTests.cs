using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Samsa.Interop.Tests;

public sealed class BadInputTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private SamsaBroker Broker => fixture.Broker;

    public static TheoryData<string, byte[]> BadFrames() => new()
    {
        { "random garbage", [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 37 + 11))] },
        { "negative size", [0xff, 0xff, 0xff, 0xf0, 1, 2, 3] },
        { "size over socket.request.max.bytes", [0x7f, 0xff, 0xff, 0xff, 0, 0] },
        { "unknown API key", Frame(500, 0, []) },
        { "removed Fetch version", Frame(1, 0, [0, 0, 0, 0]) },
        { "header cut short", [0, 0, 0, 3, 0, 3, 0] },
        { "Metadata body cut short", Frame(3, 12, [0x05, 0x00]) },
        { "Produce body of garbage", Frame(0, 9, [.. Enumerable.Repeat((byte)0xee, 40)]) },
        { "unknown version of a served API", Frame(32, 99, []) },
        { "array count of 2^31-1 in a small frame", Frame(20, 3, [0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]) },
        { "compact string longer than the frame", FlexibleFrame(3, 12, [0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f]) },
        { "varint that never ends", FlexibleFrame(75, 0, [.. Enumerable.Repeat((byte)0x80, 32)]) },
        { "non-flexible body at a flexible version", FlexibleFrame(32, 4, [0, 0, 0, 1, 2, 0, 1, (byte)'t', 0xff, 0xff, 0xff, 0xff, 0, 0]) },
        { "string where an int32 is expected", Frame(21, 1, [0, 0, 0, 1, 0, 1, (byte)'t', 0, 3, (byte)'a', (byte)'b', (byte)'c']) },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task Bad_input_closes_only_its_connection_and_the_broker_keeps_serving(string what, byte[] bytes)
    {
        using var bad = await ConnectAsync();
        await bad.SendAsync(bytes, SocketFlags.None);

        Assert.True(await IsClosedAsync(bad), $"{what}: the connection stayed open");
        var listing = (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-L"])).EnsureSuccess();
        Assert.Contains("1 brokers", listing.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_truncated_by_a_disconnect_leaves_the_broker_serving()
    {
        using (var cut = await ConnectAsync())
        {
            var frame = Frame(3, 12, [0x01, 0x00, 0x00]);
            BinaryPrimitives.WriteInt32BigEndian(frame, 1000);
            await cut.SendAsync(frame, SocketFlags.None);
        }

        using var many = new List<Socket>(await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ConnectAsync()))).AsDisposable();
        foreach (var socket in many.Items)
        {
            await socket.SendAsync(Frame((short)(100 + socket.GetHashCode() % 50), 0, []), SocketFlags.None);
        }

        (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-L"])).EnsureSuccess();
    }

    private static byte[] Frame(short apiKey, short version, byte[] body)
    {
        var frame = new byte[4 + 10 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, 10 + body.Length);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), apiKey);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(6), version);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), 1);
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(12), -1);
        body.CopyTo(frame.AsSpan(14));
        return frame;
    }

    /// <summary>A frame with request header v2 (an empty tagged-field section after the client id).</summary>
    private static byte[] FlexibleFrame(short apiKey, short version, byte[] body) => Frame(apiKey, version, [0, .. body]);

    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0)
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

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Broker.Port);
        return socket;
    }
}

internal static class DisposableList
{
    public static Holder AsDisposable(this List<Socket> sockets) => new(sockets);

    internal sealed class Holder(List<Socket> items) : IDisposable
    {
        public List<Socket> Items { get; } = items;

        public void Dispose()
        {
            foreach (var item in Items)
            {
                item.Dispose();
            }
        }
    }
}
