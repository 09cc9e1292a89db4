using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Cli.Groups;
using Samsa.Client.Admin;

namespace Samsa.Cli.Compat;

/// <summary><c>kafka-consumer-groups.sh</c>: --list, --describe (offsets, --members, --state), --reset-offsets, --delete, --delete-offsets.</summary>
internal static class KafkaConsumerGroupsTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-consumer-groups", "kafka-consumer-groups.sh", withOutput: false);
        var list = KafkaTools.Flag("list", "List groups");
        var describe = KafkaTools.Flag("describe", "Describe groups");
        var reset = KafkaTools.Flag("reset-offsets", "Reset offsets");
        var delete = KafkaTools.Flag("delete", "Delete groups");
        var deleteOffsets = KafkaTools.Flag("delete-offsets", "Delete offsets");
        var group = new Option<string[]>("--group") { Description = "Group id; repeatable", Arity = ArgumentArity.ZeroOrMore };
        var allGroups = KafkaTools.Flag("all-groups", "Every group");
        var members = KafkaTools.Flag("members", "Describe members");
        var state = KafkaTools.Flag("state", "Describe state");
        var offsets = KafkaTools.Flag("offsets", "Describe offsets (the default)");
        var resetFlags = new ResetFlags();
        foreach (var option in (Option[])[list, describe, reset, delete, deleteOffsets, group, allGroups, members, state, offsets])
        {
            command.Options.Add(option);
        }

        resetFlags.AddTo(command);
        Run.Action(command, async (parse, ct) =>
        {
            var action = KafkaTools.Action(parse, (list, "list"), (describe, "describe"), (reset, "reset-offsets"), (delete, "delete"), (deleteOffsets, "delete-offsets"));
            await using var admin = Admin.Create(options, parse);
            if (action == "list")
            {
                foreach (var g in await admin.ListGroupsAsync(ct: ct))
                {
                    System.Console.Out.WriteLine(g.GroupId);
                }

                return 0;
            }

            var groups = parse.GetValue(allGroups) ? [.. (await admin.ListGroupsAsync(ct: ct)).Select(g => g.GroupId)] : parse.GetValue(group) ?? [];
            if (groups.Length == 0)
            {
                throw CliException.Usage($"--{action} needs --group (or --all-groups)");
            }

            var view = parse.GetValue(members) ? "members" : parse.GetValue(state) ? "state" : "offsets";
            return action switch
            {
                "describe" => await DescribeAsync(admin, groups, view, ct),
                "reset-offsets" => await ResetAsync(admin, groups, resetFlags.Read(parse), ct),
                "delete" => await DeleteAsync(admin, groups, ct),
                _ => await DeleteOffsetsAsync(admin, groups[0], resetFlags, parse, ct),
            };
        });
        return command;
    }

    private static async Task<int> DescribeAsync(KafkaAdminClient admin, string[] groups, string view, CancellationToken ct)
    {
        foreach (var groupId in groups)
        {
            var state = await GroupState.LoadAsync(admin, groupId, ct);
            System.Console.Out.WriteLine();
            if (!state.IsActive && view != "state")
            {
                System.Console.Out.WriteLine($"Consumer group '{groupId}' has no active members.");
                System.Console.Out.WriteLine();
            }

            var table = view switch
            {
                "members" => GroupDescribeCommand.Members(state),
                "state" => new Table("state", "GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS")
                    .Add(groupId, $"({state.Description.Coordinator})", state.Description.Protocol, state.Description.State, state.Description.Members.Count),
                _ => GroupDescribeCommand.Offsets(state),
            };
            System.Console.Out.Write(Printer.ToText(table));
        }

        return 0;
    }

    private static async Task<int> ResetAsync(KafkaAdminClient admin, string[] groups, ResetRequest request, CancellationToken ct)
    {
        foreach (var groupId in groups)
        {
            System.Console.Out.WriteLine();
            System.Console.Out.Write(Printer.ToText(await GroupResetOffsetsCommand.RunAsync(admin, groupId, request, ct)));
        }

        return 0;
    }

    private static async Task<int> DeleteAsync(KafkaAdminClient admin, string[] groups, CancellationToken ct)
    {
        (await admin.DeleteGroupsAsync(groups, ct)).ThrowIfAnyFailed();
        System.Console.Out.WriteLine($"Deletion of requested consumer groups ({string.Join(", ", groups.Select(g => $"'{g}'"))}) was successful.");
        return 0;
    }

    private static async Task<int> DeleteOffsetsAsync(KafkaAdminClient admin, string groupId, ResetFlags flags, ParseResult parse, CancellationToken ct)
    {
        var topics = flags.Topics(parse);
        if (topics.Length == 0)
        {
            throw CliException.Usage("--delete-offsets needs --topic");
        }

        var results = await admin.DeleteConsumerGroupOffsetsAsync(groupId, await TopicPartitions.ResolveAsync(admin, topics, ct), ct);
        var table = new Table("offsets", "TOPIC", "PARTITION", "STATUS");
        foreach (var r in results)
        {
            table.Add(r.Partition.Topic, r.Partition.Partition, r.Error is null ? "Successful" : $"Error: {r.Error.ErrorName}");
        }

        System.Console.Out.Write(Printer.ToText(table));
        results.ThrowIfAnyFailed();
        return 0;
    }
}
