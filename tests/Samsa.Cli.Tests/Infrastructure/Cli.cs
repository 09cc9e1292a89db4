using System.Diagnostics;
using System.Reflection;
using System.Text;
using Samsa.Interop.Tests;

namespace Samsa.Cli.Tests.Infrastructure;

/// <summary>What one run of the CLI did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the built samsa binary, or a bin/ script, as a child process with a time limit.</summary>
public static class SamsaCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static string RepoRoot =>
        typeof(SamsaCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public static Task<CliResult> RunWithInputAsync(string? stdin, params string[] args) => StartAsync(SamsaBroker.Binary, args, stdin);

    /// <summary>Runs bin/<paramref name="script"/> with bash, pointed at the built binary.</summary>
    public static Task<CliResult> ScriptAsync(string script, string? stdin, params string[] args) =>
        StartAsync("bash", [Path.Combine(RepoRoot, "bin", script), .. args], stdin);

    /// <summary>Runs bin/<paramref name="script"/> and asserts success.</summary>
    public static async Task<CliResult> ScriptOkAsync(string script, string? stdin, params string[] args)
    {
        var result = await ScriptAsync(script, stdin, args);
        Assert.True(result.ExitCode == 0, $"{script} {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>Runs and asserts success, returning standard output.</summary>
    public static async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"samsa {string.Join(' ', args)} failed: {result}");
        return result;
    }

    private static async Task<CliResult> StartAsync(string file, string[] args, string? stdin)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["SAMSA_BIN"] = SamsaBroker.Binary;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran longer than {Limit}: {await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
