using System.CommandLine;
using Samsa.Cli.Common;

namespace Samsa.Cli.Groups;

/// <summary><c>samsa group list [--state S ...]</c>.</summary>
internal static class GroupListCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("list", "List consumer groups");
        var states = new Option<string[]>("--state") { Description = "Only groups in these states (Stable, Empty, ...)", Arity = ArgumentArity.ZeroOrMore };
        command.Options.Add(states);
        Run.Action(command, async (parse, ct) =>
        {
            await using var admin = Admin.Create(options, parse);
            var filter = parse.GetValue(states) is { Length: > 0 } given ? given : null;
            var groups = await admin.ListGroupsAsync(filter, ct: ct);
            var table = new Table("groups", "GROUP", "PROTOCOL-TYPE", "STATE", "TYPE", "COORDINATOR");
            foreach (var group in groups)
            {
                table.Add(group.GroupId, group.ProtocolType, group.State, group.Type, group.Coordinator);
            }

            Printer.Print(options.Format(parse), table);
            return 0;
        });
        return command;
    }
}
