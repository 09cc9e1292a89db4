using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Samsa.Interop.Tests;

/// <summary>
/// A real <c>samsa server</c> process (the built binary) on a free port and a temporary data dir. Started and
/// waited for until it answers ApiVersions; always stopped by the test (SIGTERM, then kill) and its dir removed.
/// </summary>
public sealed partial class SamsaBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly string[] _overrides;
    private readonly bool _ownsDataDir;
    private Process? _process;

    private SamsaBroker(string dataDir, int port, string[] overrides, bool ownsDataDir)
    {
        DataDir = dataDir;
        Port = port;
        _overrides = overrides;
        _ownsDataDir = ownsDataDir;
    }

    public string DataDir { get; }

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    /// <summary>The running process's id.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the broker is not running");

    /// <summary>Resident set size of the process, from /proc (Linux).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidDataException("no VmRSS in /proc status");
    }

    /// <summary>What the process printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string Binary =>
        typeof(SamsaBroker).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SamsaBinary").Value!;

    public static async Task<SamsaBroker> StartAsync(params string[] overrides)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "samsa-interop-" + Guid.NewGuid().ToString("N"));
        var broker = new SamsaBroker(dataDir, FreePort(), overrides, ownsDataDir: true);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Starts the same broker again (same port and data dir) after a stop or a kill.</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>Graceful stop: SIGTERM, and a kill if it has not exited within the timeout.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            _ = SendSignal(process.Id, 15);
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"samsa did not stop within the timeout after SIGTERM; killed it. Output:\n{Output}");
            }
        }

        process.Dispose();
    }

    /// <summary>kill -9: no flush, no checkpoint, no clean-shutdown marker.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        _ = SendSignal(process.Id, 9);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_ownsDataDir)
            {
                try
                {
                    Directory.Delete(DataDir, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private async Task StartProcessAsync()
    {
        var binary = Binary;
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"the samsa binary is not built at {binary}");
        }

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server");
        foreach (var setting in (string[])[$"listeners=PLAINTEXT://127.0.0.1:{Port}", $"log.dirs={DataDir}", .. _overrides])
        {
            start.ArgumentList.Add("--override");
            start.ArgumentList.Add(setting);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("samsa did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await WaitUntilServingAsync(process);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            _process = null;
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilServingAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"samsa exited with {process.ExitCode} while starting. Output:\n{Output}");
            }

            if (await AnswersApiVersionsAsync())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"samsa did not answer ApiVersions within {StartTimeout}. Output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    private async Task<bool> AnswersApiVersionsAsync()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
            byte[] request = [0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff];
            await socket.SendAsync(request, SocketFlags.None, cts.Token);
            var size = new byte[4];
            var read = 0;
            while (read < 4)
            {
                var n = await socket.ReceiveAsync(size.AsMemory(read), SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            return BinaryPrimitives.ReadInt32BigEndian(size) > 0;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
