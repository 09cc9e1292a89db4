using System.CommandLine;
using Samsa.Cli.Common;

namespace Samsa.Cli.Groups;

/// <summary>
/// <c>samsa group describe GROUP</c>: per partition the committed offset, log-end offset, lag and owning member; the
/// members with client ids, hosts and assignments; state and total lag.
/// </summary>
internal static class GroupDescribeCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("describe", "Show a group's members, offsets and lag");
        var group = new Argument<string>("group") { Description = "Group id" };
        command.Arguments.Add(group);
        Run.Action(command, async (parse, ct) =>
        {
            var groupId = parse.GetValue(group)!;
            await using var admin = Admin.Create(options, parse);
            var state = await GroupState.LoadAsync(admin, groupId, ct);
            if (state.DoesNotExist)
            {
                throw new CliException($"consumer group '{groupId}' does not exist; list groups with 'samsa group list'");
            }

            Printer.Print(options.Format(parse), Summary(state), Offsets(state), Members(state));
            return 0;
        });
        return command;
    }

    public static Table Summary(GroupState state)
    {
        var g = state.Group;
        var totalLag = state.Partitions.Sum(p => state.Lag(p) ?? 0);
        return new Table("group", "GROUP", "STATE", "PROTOCOL", "MEMBERS", "TOTAL-LAG", "COORDINATOR")
            .Add(g.GroupId, g.State, g.Assignor, g.Members.Count, totalLag, g.Coordinator);
    }

    /// <summary>Kafka's columns, in Kafka's order.</summary>
    public static Table Offsets(GroupState state)
    {
        var table = new Table("offsets", "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
        foreach (var tp in state.Partitions)
        {
            var owner = state.Owner(tp);
            table.Add(
                state.Group.GroupId, tp.Topic, tp.Partition,
                state.Committed.TryGetValue(tp, out var c) ? c.Offset : null,
                state.LogEnd.TryGetValue(tp, out var e) ? e : null,
                state.Lag(tp), owner?.MemberId, owner?.Host, owner?.ClientId);
        }

        return table;
    }

    public static Table Members(GroupState state)
    {
        var table = new Table("members", "GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT");
        foreach (var m in state.Group.Members)
        {
            table.Add(state.Group.GroupId, m.MemberId, m.Host, m.ClientId, m.Assignment.Count, string.Join(',', m.Assignment));
        }

        return table;
    }
}
