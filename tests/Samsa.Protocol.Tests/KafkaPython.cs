using System.Diagnostics;

namespace Samsa.Protocol.Tests;

/// <summary>
/// Runs a script under the Debian python3 with kafka-python (python3-kafka), the reference client these tests
/// compare against. Another python3 may come first on PATH, hence the absolute path.
/// </summary>
internal static class KafkaPython
{
    private const string Interpreter = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="script"/> with <paramref name="input"/> on stdin and returns its stdout.</summary>
    public static string Run(string script, string input = "")
    {
        Assert.True(File.Exists(Interpreter), $"{Interpreter} is missing; install python3-kafka (.ci/run does)");
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"python3 did not finish within {Timeout.TotalSeconds} s");
        }

        var output = stdout.GetAwaiter().GetResult();
        Assert.True(process.ExitCode == 0, $"python3 exited with {process.ExitCode}:\n{stderr.GetAwaiter().GetResult()}");
        return output;
    }
}
