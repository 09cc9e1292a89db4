using System.Buffers.Binary;
using System.Text;
using Samsa.Protocol.Primitives;
using static Samsa.Broker.Tests.Network.NetworkTestKit;

namespace Samsa.Broker.Tests.Network;

public sealed class FramingTests
{
    [Fact]
    public async Task Pipelined_requests_are_answered_in_order_one_at_a_time()
    {
        var dispatcher = new TestDispatcher();
        var concurrent = 0;
        var maxConcurrent = 0;
        dispatcher.Handler = async (context, frame, token) =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref maxConcurrent, now);
            var id = CorrelationId(frame.Span);
            if (id % 3 == 0)
            {
                await Task.Delay(id % 7, token);
            }

            Interlocked.Decrement(ref concurrent);
            return await TestDispatcher.Echo(context, frame, token);
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);

        const int count = 200;
        var burst = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            burst.AddRange(Frame(i, payloadSize: i * 37 % 3000));
        }

        await SendAsync(client, [.. burst]);
        for (var i = 0; i < count; i++)
        {
            var body = await ReadFrameAsync(client);
            Assert.NotNull(body);
            Assert.Equal(i, CorrelationId(body));
            Assert.Equal(Frame(i, i * 37 % 3000)[4..], body);
        }

        Assert.Equal(1, maxConcurrent);
    }

    [Fact]
    public async Task Concurrent_connections_are_each_answered_correctly()
    {
        await using var server = StartServer(new TestDispatcher());
        var clients = Enumerable.Range(0, 32).Select(async c =>
        {
            using var client = await ConnectAsync(server);
            for (var i = 0; i < 25; i++)
            {
                var id = (c * 1000) + i;
                await SendAsync(client, Frame(id, 100 + c));
                var body = await ReadFrameAsync(client);
                Assert.NotNull(body);
                Assert.Equal(id, CorrelationId(body));
            }
        });
        await Task.WhenAll(clients);
    }

    [Theory]
    [InlineData(1024 * 1024 + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task Size_outside_socket_request_max_bytes_closes_only_that_connection(int size)
    {
        var dispatcher = new TestDispatcher();
        await using var server = StartServer(dispatcher);
        using var healthy = await ConnectAsync(server);
        using var offender = await ConnectAsync(server);

        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        await SendAsync(offender, header);

        Assert.True(await IsClosedByServerAsync(offender));
        Assert.Equal(0, dispatcher.Calls);
        await SendAsync(healthy, Frame(7));
        Assert.Equal(7, CorrelationId(await ReadFrameAsync(healthy)));
    }

    [Fact]
    public async Task Frame_of_exactly_the_maximum_size_is_accepted()
    {
        await using var server = StartServer(new TestDispatcher(), o => o.With(maxBytes: 64 * 1024));
        using var client = await ConnectAsync(server);
        await SendAsync(client, Frame(5, (64 * 1024) - 4));
        var body = await ReadFrameAsync(client);
        Assert.Equal(64 * 1024, body!.Length);
    }

    [Fact]
    public async Task Truncated_frame_then_disconnect_costs_only_that_connection()
    {
        var dispatcher = new TestDispatcher();
        await using var server = StartServer(dispatcher);
        using var healthy = await ConnectAsync(server);
        using (var truncated = await ConnectAsync(server))
        {
            await SendAsync(truncated, Frame(1, 1000)[..500]);
        }

        using (var halfHeader = await ConnectAsync(server))
        {
            await SendAsync(halfHeader, [0, 0]);
        }

        await WaitUntilAsync(() => server.ConnectionCount == 1);
        Assert.Equal(0, dispatcher.Calls);
        await SendAsync(healthy, Frame(2));
        Assert.Equal(2, CorrelationId(await ReadFrameAsync(healthy)));
    }

    [Fact]
    public async Task Garbage_bytes_close_only_that_connection()
    {
        var dispatcher = new TestDispatcher();
        await using var server = StartServer(dispatcher);
        using var healthy = await ConnectAsync(server);
        using var http = await ConnectAsync(server);
        using var random = await ConnectAsync(server);

        await SendAsync(http, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var noise = new byte[4096];
        new Random(42).NextBytes(noise);
        noise[0] = 0x80; // a negative size field
        await SendAsync(random, noise);

        Assert.True(await IsClosedByServerAsync(http));
        Assert.True(await IsClosedByServerAsync(random));
        await SendAsync(healthy, Frame(3));
        Assert.Equal(3, CorrelationId(await ReadFrameAsync(healthy)));
    }

    [Fact]
    public async Task Empty_frame_reaches_the_dispatcher()
    {
        var dispatcher = new TestDispatcher();
        var lengths = new List<int>();
        dispatcher.Handler = (context, frame, token) =>
        {
            lengths.Add(frame.Length);
            var writer = new ProtocolWriter();
            writer.WriteInt32(frame.Length);
            return ValueTask.FromResult<ProtocolWriter?>(writer);
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        await SendAsync(client, [0, 0, 0, 0]);
        Assert.Equal(0, CorrelationId(await ReadFrameAsync(client)));
        Assert.Equal([0], lengths);
    }

    [Fact]
    public async Task Null_response_sends_nothing_and_the_next_request_is_answered()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
                CorrelationId(frame.Span) % 2 == 0 ? ValueTask.FromResult<ProtocolWriter?>(null) : TestDispatcher.Echo(context, frame, token),
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        await SendAsync(client, [.. Frame(0), .. Frame(1), .. Frame(2), .. Frame(3)]);
        Assert.Equal(1, CorrelationId(await ReadFrameAsync(client)));
        Assert.Equal(3, CorrelationId(await ReadFrameAsync(client)));
    }

    [Fact]
    public async Task Response_may_reference_the_request_frame_until_it_is_sent()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
            {
                frame.Span[^1] ^= 0xFF; // patched in place, as Produce assigns offsets
                var writer = new ProtocolWriter();
                writer.AppendMemory(frame);
                return ValueTask.FromResult<ProtocolWriter?>(writer);
            },
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        var frames = Enumerable.Range(0, 8).Select(i => Frame(i, 64 * 1024)).ToList();
        await SendAsync(client, [.. frames.SelectMany(f => f)]);
        foreach (var frame in frames)
        {
            var expected = frame[4..];
            expected[^1] ^= 0xFF;
            Assert.Equal(expected, await ReadFrameAsync(client));
        }
    }

    [Fact]
    public async Task Dispatcher_exception_closes_only_that_connection()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
                CorrelationId(frame.Span) == 666 ? throw new InvalidOperationException("boom") : TestDispatcher.Echo(context, frame, token),
        };
        await using var server = StartServer(dispatcher);
        using var healthy = await ConnectAsync(server);
        using var failing = await ConnectAsync(server);
        await SendAsync(failing, Frame(666));
        Assert.True(await IsClosedByServerAsync(failing));
        await SendAsync(healthy, Frame(1));
        Assert.Equal(1, CorrelationId(await ReadFrameAsync(healthy)));
    }

    [Fact]
    public async Task Context_close_drops_the_response_and_closes_the_connection()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
            {
                context.Close("protocol violation");
                return TestDispatcher.Echo(context, frame, token);
            },
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        await SendAsync(client, Frame(9));
        Assert.Null(await ReadFrameAsync(client));
    }

    [Fact]
    public async Task Context_identifies_connection_client_and_listener()
    {
        var contexts = new List<(long Id, string Listener, System.Net.IPEndPoint Client)>();
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
            {
                lock (contexts)
                {
                    contexts.Add((context.ConnectionId, context.ListenerName, context.ClientAddress));
                }

                return TestDispatcher.Echo(context, frame, token);
            },
        };
        await using var server = StartServer(dispatcher);
        using var a = await ConnectAsync(server);
        using var b = await ConnectAsync(server);
        await SendAsync(a, Frame(1));
        await ReadFrameAsync(a);
        await SendAsync(a, Frame(2));
        await ReadFrameAsync(a);
        await SendAsync(b, Frame(3));
        await ReadFrameAsync(b);

        Assert.Equal(contexts[0].Id, contexts[1].Id);
        Assert.NotEqual(contexts[0].Id, contexts[2].Id);
        Assert.All(contexts, c => Assert.Equal("PLAINTEXT", c.Listener));
        Assert.Equal(a.LocalEndPoint, contexts[0].Client);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
