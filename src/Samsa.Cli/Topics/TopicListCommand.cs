using System.CommandLine;
using Samsa.Cli.Common;

namespace Samsa.Cli.Topics;

/// <summary><c>samsa topic list [--internal]</c>: topic names, one a line.</summary>
internal static class TopicListCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("list", "List topic names");
        var internalTopics = new Option<bool>("--internal") { Description = "Include internal topics (__consumer_offsets, ...)" };
        command.Options.Add(internalTopics);
        Run.Action(command, async (parse, ct) =>
        {
            await using var admin = Admin.Create(options, parse);
            var names = await admin.ListTopicsAsync(parse.GetValue(internalTopics), ct);
            if (options.Format(parse) == OutputFormat.Json)
            {
                var table = new Table("topics", "NAME");
                foreach (var name in names)
                {
                    table.Add(name);
                }

                Printer.Print(OutputFormat.Json, table);
            }
            else
            {
                foreach (var name in names)
                {
                    Console.Out.WriteLine(name);
                }
            }

            return 0;
        });
        return command;
    }
}
