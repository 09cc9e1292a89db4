using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Groups;

/// <summary><c>samsa group delete GROUP ...</c>: groups without active members, and their offsets.</summary>
internal static class GroupDeleteCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("delete", "Delete inactive groups and their committed offsets", withOutput: false);
        var groups = new Argument<string[]>("group") { Description = "Group ids", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(groups);
        Run.Action(command, async (parse, ct) =>
        {
            var ids = parse.GetValue(groups)!;
            await using var admin = Admin.Create(options, parse);
            (await admin.DeleteGroupsAsync(ids, ct)).ThrowIfAnyFailed();
            Console.Out.WriteLine($"Deletion of requested consumer groups ({string.Join(", ", ids.Select(i => $"'{i}'"))}) was successful.");
            return 0;
        });
        return command;
    }
}
