using Samsa.Broker.Configuration;
using Samsa.Broker.Tests.Network;
using static Samsa.Broker.Tests.Network.NetworkTestKit;

namespace Samsa.Broker.Tests;

public sealed class BrokerHostTests
{
    [Fact]
    public async Task Host_serves_the_configured_listener_and_runs_shutdown_hooks_in_order_after_the_network_stops()
    {
        var config = BrokerConfig.Load(null, ["listeners=PLAINTEXT://127.0.0.1:0", "connections.max.idle.ms=60000"]);
        var dispatcher = new TestDispatcher();
        var host = new BrokerHost(config, dispatcher) { ShutdownGracePeriod = TimeSpan.FromSeconds(5) };
        var order = new List<string>();
        host.AddShutdownHook("flush", _ =>
        {
            order.Add($"flush with {host.Network.ConnectionCount} connections");
            return Task.CompletedTask;
        });
        host.AddShutdownHook("failing", _ => throw new InvalidOperationException("disk gone"));
        host.AddShutdownHook("checkpoint", _ =>
        {
            order.Add("checkpoint");
            return Task.CompletedTask;
        });

        host.Start(handleSignals: false);
        using var client = await ConnectAsync(host.Network);
        await SendAsync(client, Frame(3));
        Assert.Equal(3, CorrelationId(await ReadFrameAsync(client)));

        await host.StopAsync().WaitAsync(TestTimeout);
        Assert.True(host.Stopped.IsCompleted);
        Assert.Equal(["flush with 0 connections", "checkpoint"], order);
        Assert.Throws<InvalidOperationException>(() => host.AddShutdownHook("late", _ => Task.CompletedTask));
        await host.DisposeAsync();
    }

    [Fact]
    public void Listener_that_cannot_be_bound_fails_start_with_its_address()
    {
        using var blocker = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        blocker.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        blocker.Listen();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndPoint!).Port;
        var config = BrokerConfig.Load(null, [$"listeners=PLAINTEXT://127.0.0.1:{port}"]);
        var host = new BrokerHost(config, new TestDispatcher());
        var ex = Assert.Throws<IOException>(() => host.Start(handleSignals: false));
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }
}
