using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Samsa.Bench.Groups;

/// <summary>A samsa server on a free loopback port in a temporary directory; stopped by its pid and the directory removed.</summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    private static readonly string[] Overrides =
    [
        "group.initial.rebalance.delay.ms=0",
        "group.min.session.timeout.ms=1000",
        "offsets.topic.num.partitions=10",
    ];

    private readonly string _binary;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "samsa-bench-groups-" + Guid.NewGuid().ToString("N"));
    private readonly int _port;
    private Process? _process;

    private BrokerProcess(string binary)
    {
        _binary = binary;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string Bootstrap => $"127.0.0.1:{_port}";

    public static async Task<BrokerProcess> StartAsync(string binary)
    {
        var broker = new BrokerProcess(binary);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>Starts the process and returns once it accepts connections.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo(_binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("server");
        foreach (var setting in (string[])[$"listeners=PLAINTEXT://127.0.0.1:{_port}", $"log.dirs={_dir}", .. Overrides])
        {
            start.ArgumentList.Add("--override");
            start.ArgumentList.Add(setting);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("samsa did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await AcceptsAsync())
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException("samsa did not come up");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Graceful stop (SIGTERM through Process.Kill's sibling: the CLI stops on SIGTERM); kill after 60 s.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, _port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
