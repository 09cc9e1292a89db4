using System.Diagnostics;
using System.Text;

namespace Samsa.Interop.Tests;

/// <summary>The outcome of a third-party client run.</summary>
public sealed record ClientResult(int ExitCode, string Stdout, string Stderr)
{
    public ClientResult EnsureSuccess()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        return this;
    }
}

/// <summary>Runs kcat and <c>/usr/bin/python3</c> (kafka-python) with a timeout; a client that overstays is killed.</summary>
public static class ClientProcess
{
    public const string Kcat = "kcat";

    /// <summary>The Debian python with python3-kafka (another python3 may come first on PATH).</summary>
    public const string Python = "/usr/bin/python3";

    public static async Task<ClientResult> RunAsync(string program, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time.\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new ClientResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a Python script given as text, with the bootstrap address as its first argument.</summary>
    public static Task<ClientResult> PythonAsync(string script, string bootstrap, TimeSpan? timeout = null, params string[] arguments) =>
        RunAsync(Python, ["-c", script, bootstrap, .. arguments], null, timeout);

    public static Task<ClientResult> KcatAsync(string bootstrap, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null) =>
        RunAsync(Kcat, ["-b", bootstrap, .. arguments], stdin, timeout);

    public static string Lines(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
