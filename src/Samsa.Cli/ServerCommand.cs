using System.CommandLine;
using Microsoft.Extensions.Logging;
using Samsa.Broker;
using Samsa.Broker.Configuration;

namespace Samsa.Cli;

/// <summary><c>samsa server [--config server.properties] [--override key=value ...]</c>: runs a broker until SIGTERM or SIGINT.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "A server.properties file (Java properties syntax, Kafka's keys)", HelpName = "file" };
        var overrides = new Option<string[]>("--override")
        {
            Description = "Set one config key, winning over the file; repeatable",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("server", "Start a broker") { config, overrides };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(config), parse.GetValue(overrides) ?? []));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string[] overrides)
    {
        var warnings = new List<string>();
        BrokerConfig config;
        try
        {
            config = BrokerConfig.Load(configPath, overrides, warnings);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"samsa server: {ex.Message}");
            return 1;
        }

        foreach (var warning in warnings)
        {
            await Console.Error.WriteLineAsync($"samsa server: warning: {warning}");
        }

        using var loggerFactory = new ConsoleLog(LogLevel.Information);

        BrokerServer server;
        try
        {
            server = await BrokerServer.StartAsync(config, loggerFactory);
        }
        catch (BrokerStartupException ex)
        {
            await Console.Error.WriteLineAsync($"samsa server: {ex.Message}");
            return 1;
        }

        await using var host = server.Host;
        var bound = config.Listeners.Select((l, i) => l with { Port = host.Network.BoundEndpoints[i].Port });
        Console.WriteLine($"samsa: broker {config.NodeId} ({string.Join(',', config.ProcessRoles)}) of cluster {server.Identity.ClusterId} listening on {string.Join(", ", bound)}, data in {string.Join(", ", config.LogDirs)}; started in {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:F0} ms");
        await host.Stopped;
        return 0;
    }
}
