using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Cli.Configs;
using Samsa.Client.Admin;

namespace Samsa.Cli.Topics;

/// <summary><c>samsa topic alter-config NAME [--set k=v ...] [--delete k ...]</c>.</summary>
internal static class TopicAlterConfigCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("alter-config", "Set or remove a topic's configs", withOutput: false);
        var name = new Argument<string>("topic") { Description = "Topic name" };
        var set = new Option<string[]>("--set") { Description = "key=value to set; repeatable", Arity = ArgumentArity.ZeroOrMore };
        var delete = new Option<string[]>("--delete") { Description = "key to return to its default; repeatable", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(name);
        command.Options.Add(set);
        command.Options.Add(delete);
        Run.Action(command, async (parse, ct) =>
        {
            var resource = ConfigResource.Topic(parse.GetValue(name)!);
            await using var admin = Admin.Create(options, parse);
            await ConfigChanges.ApplyAsync(admin, resource, parse.GetValue(set), parse.GetValue(delete), ct);
            return 0;
        });
        return command;
    }
}
