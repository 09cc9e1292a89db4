using System.CommandLine;

namespace Samsa.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Samsa: a Kafka-compatible event streaming platform");
        root.Subcommands.Add(ServerCommand.Create());

        // The broker handles SIGTERM/SIGINT itself (graceful stop), so the parser must not kill the process.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
