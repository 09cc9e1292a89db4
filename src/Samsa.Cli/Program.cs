using System.CommandLine;
using Samsa.Cli.Cluster;
using Samsa.Cli.Common;
using Samsa.Cli.Compat;
using Samsa.Cli.Configs;
using Samsa.Cli.Groups;
using Samsa.Cli.Perf;
using Samsa.Cli.ProduceConsume;
using Samsa.Cli.Topics;

namespace Samsa.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => RunAsync(args);

    public static RootCommand CreateRoot(bool showKafkaTools = false)
    {
        var root = new RootCommand("Samsa: a Kafka-compatible event streaming platform")
        {
            ServerCommand.Create(),
            TopicCommand.Create(),
            GroupCommand.Create(),
            ConfigCommand.Create(),
            ProduceCommand.Create(),
            ConsumeCommand.Create(),
            ClusterCommand.Create(),
            PerfCommand.Create(),
        };
        root.Options.Add(Run.Verbose);
        foreach (var compat in KafkaTools.Create(hidden: !showKafkaTools))
        {
            root.Subcommands.Add(compat);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        // Kafka's tools stay out of samsa's own help, but a hidden command prints no help of its own either.
        var parse = CreateRoot(showKafkaTools: args.Length > 0 && args[0].StartsWith("kafka-", StringComparison.Ordinal)).Parse(args);
        if (parse.Errors.Count > 0 && !IsHelp(args))
        {
            var path = Run.CommandPath(parse);
            await System.Console.Error.WriteLineAsync($"{path}: {parse.Errors[0].Message} (see '{path} --help')");
            return CliException.UsageExitCode;
        }

        // The broker handles SIGTERM/SIGINT itself (graceful stop), and so does consume: the parser must not kill the process.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static bool IsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");
}
