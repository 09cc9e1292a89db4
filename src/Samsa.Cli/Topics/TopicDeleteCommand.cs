using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Protocol.Errors;

namespace Samsa.Cli.Topics;

/// <summary><c>samsa topic delete NAME ... [--if-exists]</c>.</summary>
internal static class TopicDeleteCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("delete", "Delete topics", withOutput: false);
        var names = new Argument<string[]>("topic") { Description = "Topic names", Arity = ArgumentArity.OneOrMore };
        var ifExists = new Option<bool>("--if-exists") { Description = "Succeed when a topic does not exist" };
        command.Arguments.Add(names);
        command.Options.Add(ifExists);
        Run.Action(command, async (parse, ct) =>
        {
            await using var admin = Admin.Create(options, parse);
            var results = await admin.DeleteTopicsAsync(parse.GetValue(names)!, ct);
            var failed = results.Where(r => r.Error is not null && !(r.Error.ErrorCode == ErrorCode.UnknownTopicOrPartition && parse.GetValue(ifExists))).ToList();
            foreach (var result in results.Where(r => r.Error is null))
            {
                Console.Out.WriteLine($"Deleted topic {result.Name}.");
            }

            if (failed.Count > 0)
            {
                throw new AggregateException(failed.Select(f => f.Error!));
            }

            return 0;
        });
        return command;
    }
}
