using System.CommandLine;

namespace Samsa.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("Samsa: a Kafka-compatible event streaming platform");
        var server = new Command("server", "Start a broker");
        server.SetAction(_ =>
        {
            Console.Error.WriteLine("samsa server: the broker is not built yet (issue 4)");
            return 1;
        });
        root.Subcommands.Add(server);
        return root.Parse(args).Invoke();
    }
}
