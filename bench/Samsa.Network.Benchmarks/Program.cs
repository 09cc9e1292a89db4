using System.Globalization;
using System.Net;
using Samsa.Broker.Network;
using Samsa.Network.Benchmarks;

// Usage: Samsa.Network.Benchmarks [seconds-per-run] [rounds]
// Echo request/response frames through each server design and print one line per configuration.
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
const int Depth = 16;

Console.WriteLine("| server | payload | connections | in flight per connection | requests/s | payload MiB/s each way |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
foreach (var payload in (int[])[100, 64 * 1024])
{
    foreach (var connections in (int[])[1, 16])
    {
        var results = new Dictionary<string, List<double>> { ["samsa (Socket + SAEA)"] = [], ["kestrel (Pipelines)"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the designs so that noise from other load on the machine hits both alike.
            results["samsa (Socket + SAEA)"].Add(await MeasureSamsaAsync(payload, connections, Depth, seconds));
            results["kestrel (Pipelines)"].Add(await MeasureKestrelAsync(payload, connections, Depth, seconds));
        }

        foreach (var (name, rates) in results)
        {
            rates.Sort();
            var median = rates[rates.Count / 2];
            Console.WriteLine(FormattableString.Invariant(
                $"| {name} | {payload} B | {connections} | {Depth} | {median:N0} | {median * payload / (1024 * 1024):N1} |"));
        }
    }
}

static async Task<double> MeasureSamsaAsync(int payload, int connections, int depth, int seconds)
{
    var options = new NetworkServerOptions
    {
        Listeners = [new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 0, "PLAINTEXT")],
        SocketSendBufferBytes = -1,
        SocketReceiveBufferBytes = -1,
    };
    await using var server = new NetworkServer(options, new EchoDispatcher());
    server.Start();
    return await MeasureAsync(server.BoundEndpoints[0], payload, connections, depth, seconds);
}

static async Task<double> MeasureKestrelAsync(int payload, int connections, int depth, int seconds)
{
    await using var server = await KestrelFrameServer.StartAsync();
    return await MeasureAsync(server.EndPoint, payload, connections, depth, seconds);
}

static async Task<double> MeasureAsync(EndPoint endpoint, int payload, int connections, int depth, int seconds)
{
    await LoadClient.RunAsync(endpoint, payload, connections, depth, TimeSpan.FromSeconds(1)); // warm-up
    var (responses, elapsed) = await LoadClient.RunAsync(endpoint, payload, connections, depth, TimeSpan.FromSeconds(seconds));
    return responses / elapsed.TotalSeconds;
}
