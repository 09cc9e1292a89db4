using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Topics;

/// <summary><c>samsa topic add-partitions NAME --partitions TOTAL</c>: grows a topic to TOTAL partitions.</summary>
internal static class TopicAddPartitionsCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("add-partitions", "Raise a topic's partition count", withOutput: false);
        var name = new Argument<string>("topic") { Description = "Topic name" };
        var partitions = new Option<int>("--partitions", "-p") { Description = "The new total partition count", Required = true };
        command.Arguments.Add(name);
        command.Options.Add(partitions);
        Run.Action(command, async (parse, ct) =>
        {
            var topic = parse.GetValue(name)!;
            await using var admin = Admin.Create(options, parse);
            (await admin.CreatePartitionsAsync(new Dictionary<string, int> { [topic] = parse.GetValue(partitions) }, ct: ct)).ThrowIfAnyFailed();
            Console.Out.WriteLine($"Topic {topic} now has {parse.GetValue(partitions)} partitions.");
            return 0;
        });
        return command;
    }
}
