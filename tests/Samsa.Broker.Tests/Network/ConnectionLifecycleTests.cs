using Samsa.Broker.Network;
using Samsa.Protocol.Primitives;
using static Samsa.Broker.Tests.Network.NetworkTestKit;

namespace Samsa.Broker.Tests.Network;

public sealed class ConnectionLifecycleTests
{
    [Fact]
    public async Task Idle_connection_is_closed_after_connections_max_idle_ms_while_an_active_one_stays()
    {
        await using var server = StartServer(new TestDispatcher(), o => o.With(idle: TimeSpan.FromMilliseconds(600)));
        using var idle = await ConnectAsync(server);
        using var active = await ConnectAsync(server);

        var idleClosed = IsClosedByServerAsync(idle, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 10; i++)
        {
            await SendAsync(active, Frame(i));
            Assert.Equal(i, CorrelationId(await ReadFrameAsync(active)));
            await Task.Delay(100);
        }

        Assert.True(await idleClosed);
        await SendAsync(active, Frame(99));
        Assert.Equal(99, CorrelationId(await ReadFrameAsync(active)));
    }

    [Fact]
    public async Task Request_being_handled_is_not_idle()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = async (context, frame, token) =>
            {
                await Task.Delay(800, token);
                return await TestDispatcher.Echo(context, frame, token);
            },
        };
        await using var server = StartServer(dispatcher, o => o.With(idle: TimeSpan.FromMilliseconds(200)));
        using var client = await ConnectAsync(server);
        await SendAsync(client, Frame(4));
        Assert.Equal(4, CorrelationId(await ReadFrameAsync(client)));
    }

    [Fact]
    public async Task Late_dispatcher_on_one_connection_does_not_block_others()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new TestDispatcher
        {
            Handler = async (context, frame, token) =>
            {
                if (CorrelationId(frame.Span) == 1)
                {
                    await release.Task.WaitAsync(token);
                }

                return await TestDispatcher.Echo(context, frame, token);
            },
        };
        await using var server = StartServer(dispatcher);
        using var longPoll = await ConnectAsync(server);
        using var other = await ConnectAsync(server);

        await SendAsync(longPoll, [.. Frame(1), .. Frame(2)]);
        var longPollResponse = ReadFrameAsync(longPoll);
        for (var i = 10; i < 30; i++)
        {
            await SendAsync(other, Frame(i));
            Assert.Equal(i, CorrelationId(await ReadFrameAsync(other)));
        }

        Assert.False(longPollResponse.IsCompleted);
        release.SetResult();
        Assert.Equal(1, CorrelationId(await longPollResponse));
        Assert.Equal(2, CorrelationId(await ReadFrameAsync(longPoll)));
    }

    [Fact]
    public async Task Ready_response_is_not_held_back_behind_a_pipelined_long_poll()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new TestDispatcher
        {
            Handler = async (context, frame, token) =>
            {
                if (CorrelationId(frame.Span) == 2)
                {
                    await release.Task.WaitAsync(token);
                }

                return await TestDispatcher.Echo(context, frame, token);
            },
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);

        await SendAsync(client, [.. Frame(1), .. Frame(2), .. Frame(3)]);
        Assert.Equal(1, CorrelationId(await ReadFrameAsync(client)));
        var second = ReadFrameAsync(client);
        await Task.Delay(100);
        Assert.False(second.IsCompleted);
        release.SetResult();
        Assert.Equal(2, CorrelationId(await second));
        Assert.Equal(3, CorrelationId(await ReadFrameAsync(client)));
    }

    [Fact]
    public async Task Graceful_stop_finishes_requests_in_flight_then_closes()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new TestDispatcher
        {
            Handler = async (context, frame, token) =>
            {
                started.TrySetResult();
                await Task.Delay(300, CancellationToken.None);
                return await TestDispatcher.Echo(context, frame, token);
            },
        };
        var server = StartServer(dispatcher);
        using var busy = await ConnectAsync(server);
        using var idle = await ConnectAsync(server);
        await SendAsync(busy, Frame(8));
        await started.Task.WaitAsync(TestTimeout);

        var stop = server.StopAsync(TimeSpan.FromSeconds(10));
        Assert.True(await IsClosedByServerAsync(idle));
        Assert.Equal(8, CorrelationId(await ReadFrameAsync(busy)));
        Assert.True(await IsClosedByServerAsync(busy));
        await stop.WaitAsync(TestTimeout);
        Assert.Equal(0, server.ConnectionCount);
        await server.DisposeAsync();

        using var refused = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => refused.ConnectAsync(server.BoundEndpoints[0]));
    }

    [Fact]
    public async Task A_second_server_cannot_listen_on_a_port_already_in_use()
    {
        var first = StartServer(new TestDispatcher());
        var port = first.BoundEndpoints[0].Port;
        var second = new NetworkServer(
            new NetworkServerOptions { Listeners = [new ListenerEndpoint("PLAINTEXT", "127.0.0.1", port, "PLAINTEXT")] },
            new TestDispatcher());
        var error = Assert.Throws<IOException>(second.Start);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        await second.DisposeAsync();
        await first.DisposeAsync();
    }

    [Fact]
    public async Task A_server_listens_again_on_its_port_while_old_connections_are_in_time_wait()
    {
        var first = StartServer(new TestDispatcher());
        var port = first.BoundEndpoints[0].Port;
        using var client = await ConnectAsync(first);
        await SendAsync(client, Frame(1));
        Assert.NotNull(await ReadFrameAsync(client));

        // The server closes first, so its side of the connection is the one left in TIME_WAIT.
        await first.StopAsync(TimeSpan.FromSeconds(5));
        Assert.True(await IsClosedByServerAsync(client));
        await first.DisposeAsync();
        var again = new NetworkServer(
            new NetworkServerOptions { Listeners = [new ListenerEndpoint("PLAINTEXT", "127.0.0.1", port, "PLAINTEXT")] },
            new TestDispatcher());
        again.Start();
        using var client2 = await ConnectAsync(again);
        await again.DisposeAsync();
    }

    [Fact]
    public async Task Stop_cancels_requests_still_running_after_the_grace_period()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new TestDispatcher
        {
            Handler = async (context, frame, token) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(TestTimeout, token);
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult();
                    throw;
                }

                return null;
            },
        };
        var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        await SendAsync(client, Frame(1));
        await started.Task.WaitAsync(TestTimeout);

        await server.StopAsync(TimeSpan.FromMilliseconds(200)).WaitAsync(TestTimeout);
        await cancelled.Task.WaitAsync(TestTimeout);
        Assert.True(await IsClosedByServerAsync(client));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Long_poll_can_answer_early_when_the_server_stops()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = async (context, frame, token) =>
            {
                try
                {
                    await Task.Delay(TestTimeout, context.ServerStopping);
                }
                catch (OperationCanceledException)
                {
                }

                return await TestDispatcher.Echo(context, frame, token);
            },
        };
        var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        await SendAsync(client, Frame(5));
        await WaitUntilAsync(() => dispatcher.Calls == 1);
        var stop = server.StopAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, CorrelationId(await ReadFrameAsync(client)));
        await stop.WaitAsync(TestTimeout);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Connections_beyond_max_connections_per_ip_are_refused()
    {
        await using var server = StartServer(new TestDispatcher(), o => o.With(perIp: 2));
        using var a = await ConnectAsync(server);
        using var b = await ConnectAsync(server);
        await WaitUntilAsync(() => server.ConnectionCount == 2);
        using var c = await ConnectAsync(server);
        Assert.True(await IsClosedByServerAsync(c));

        a.Dispose();
        await WaitUntilAsync(() => server.ConnectionCount == 1);
        using var d = await ConnectAsync(server);
        await SendAsync(d, Frame(1));
        Assert.Equal(1, CorrelationId(await ReadFrameAsync(d)));
    }

    [Fact]
    public async Task Connections_beyond_max_connections_are_refused()
    {
        await using var server = StartServer(new TestDispatcher(), o => o.With(maxConnections: 1));
        using var first = await ConnectAsync(server);
        await WaitUntilAsync(() => server.ConnectionCount == 1);
        using var second = await ConnectAsync(server);
        Assert.True(await IsClosedByServerAsync(second));
        await SendAsync(first, Frame(1));
        Assert.Equal(1, CorrelationId(await ReadFrameAsync(first)));
    }

    [Fact]
    public async Task Client_that_never_reads_does_not_block_other_connections()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
            {
                var writer = new ProtocolWriter();
                writer.WriteInt32(CorrelationId(frame.Span));
                writer.WriteRaw(new byte[CorrelationId(frame.Span) < 0 ? 1024 * 1024 : 8]);
                return ValueTask.FromResult<ProtocolWriter?>(writer);
            },
        };
        await using var server = StartServer(dispatcher);
        using var stuck = await ConnectAsync(server);
        stuck.ReceiveBufferSize = 4096;
        using var other = await ConnectAsync(server);

        // Many 1 MiB responses nobody reads: the server's send stalls on a full socket buffer.
        for (var i = 1; i <= 16; i++)
        {
            await SendAsync(stuck, Frame(-i, 0));
        }

        for (var i = 0; i < 20; i++)
        {
            await SendAsync(other, Frame(i, 0));
            Assert.Equal(i, CorrelationId(await ReadFrameAsync(other)));
        }
    }
}
