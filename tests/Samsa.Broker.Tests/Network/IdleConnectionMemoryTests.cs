using System.Diagnostics;
using Xunit.Abstractions;
using static Samsa.Broker.Tests.Network.NetworkTestKit;

namespace Samsa.Broker.Tests.Network;

/// <summary>Runs alone: it measures this process's memory, which parallel tests would disturb.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

[Collection(nameof(MemoryMeasurement))]
public sealed class IdleConnectionMemoryTests(ITestOutputHelper output)
{
    private const int Connections = 10_000;

    // The clients live in a child process: the file descriptor limit (20,000 here, not raisable) cannot
    // hold both ends of 10,000 connections in one process.
    private const string ClientScript = """
        import socket, sys
        port, count = int(sys.argv[1]), int(sys.argv[2])
        held = []
        for _ in range(count):
            held.append(socket.create_connection(("127.0.0.1", port)))
        print("connected", flush=True)
        sys.stdin.readline()
        """;

    [Fact]
    public async Task Ten_thousand_idle_connections_stay_within_the_memory_budget()
    {
        var dispatcher = new TestDispatcher();
        await using var server = StartServer(dispatcher, o => o.With(backlog: 4096));
        var script = Path.Combine(Path.GetTempPath(), $"samsa-idle-clients-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, ClientScript);
        try
        {
            // Warm the paths an idle connection uses so that one-time costs are not counted per connection.
            using (var warm = await ConnectAsync(server))
            {
                await SendAsync(warm, Frame(1));
                await ReadFrameAsync(warm);
            }

            await WaitUntilAsync(() => server.ConnectionCount == 0);
            var (managedBefore, anonBefore) = Measure();

            using var clients = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, server.BoundEndpoints[0].Port.ToString(), Connections.ToString()])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            })!;
            try
            {
                var line = await clients.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.Equal("connected", line);
                await WaitUntilAsync(() => server.ConnectionCount == Connections, TimeSpan.FromSeconds(60));
                await Task.Delay(500); // let every connection reach its zero-byte receive

                var (managedAfter, anonAfter) = Measure();
                var managedPer = (managedAfter - managedBefore) / Connections;
                var anonPer = (anonAfter - anonBefore) / Connections;
                output.WriteLine($"{Connections} idle connections: managed heap +{(managedAfter - managedBefore) / 1024} KiB ({managedPer} B each), " +
                    $"anonymous RSS +{(anonAfter - anonBefore) / 1024} KiB ({anonPer} B each)");

                Assert.InRange(managedPer, 0, 3072);
                Assert.InRange(anonPer, long.MinValue, 8192);
            }
            finally
            {
                clients.StandardInput.Close();
                if (!clients.WaitForExit(30_000))
                {
                    clients.Kill();
                }
            }

            await WaitUntilAsync(() => server.ConnectionCount == 0, TimeSpan.FromSeconds(60));
            using var after = await ConnectAsync(server);
            await SendAsync(after, Frame(2));
            Assert.Equal(2, CorrelationId(await ReadFrameAsync(after)));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static (long Managed, long AnonymousRss) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        long anon = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = long.Parse(line.AsSpan(8).Trim().TrimEnd("kB").Trim()) * 1024;
            }
        }

        return (managed, anon);
    }
}
