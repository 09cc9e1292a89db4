using System.Diagnostics;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

/// <summary>Failures are one line that says what to do, with a non-zero exit; stack traces only with --verbose.</summary>
public sealed class ErrorTests
{
    private const string Nowhere = "127.0.0.1:1";

    [Theory]
    [InlineData("topic", "list")]
    [InlineData("group", "list")]
    [InlineData("cluster", "info")]
    [InlineData("config", "describe", "--broker", "1")]
    public async Task An_unreachable_broker_is_one_line_and_exit_3(params string[] command)
    {
        var watch = Stopwatch.StartNew();
        var result = await SamsaCli.RunAsync([.. command, "-b", Nowhere]);
        Assert.Equal(3, result.ExitCode);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"samsa {string.Join(' ', command.Take(2))}: cannot reach the cluster", line);
        Assert.Contains("check --bootstrap-server", line);
        Assert.DoesNotContain(" at ", line);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace()
    {
        var result = await SamsaCli.RunAsync("topic", "list", "-b", Nowhere, "--verbose");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("BrokerConnectionException", result.Stderr);
        Assert.Contains(" at ", result.Stderr);
    }

    [Theory]
    [InlineData("topic", "create")]
    [InlineData("topic", "list", "--bogus")]
    [InlineData("topic", "create", "x", "--partitions", "many")]
    [InlineData("nosuchcommand")]
    [InlineData("group", "reset-offsets", "g", "--topic", "t")]
    [InlineData("group", "reset-offsets", "g", "--all-topics", "--to-earliest", "--to-latest")]
    [InlineData("config", "describe", "--topic", "a", "--broker", "1")]
    [InlineData("perf", "produce", "t")]
    public async Task Bad_flags_are_one_line_and_exit_2(params string[] args)
    {
        var result = await SamsaCli.RunAsync([.. args, "-b", Nowhere]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("samsa", result.Stderr);
    }

    [Fact]
    public async Task A_missing_command_config_file_is_named()
    {
        var result = await SamsaCli.RunAsync("topic", "list", "--command-config", "/nonexistent/client.properties");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/client.properties does not exist", result.Stderr);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await SamsaCli.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "server", "topic", "group", "config", "produce", "consume", "cluster", "perf" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", result.Stdout);
        }
    }
}
