using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client;
using Samsa.Client.Admin;

namespace Samsa.Cli.Groups;

/// <summary>
/// <c>samsa group reset-offsets GROUP (--topic T[:P,..] ... | --all-topics) STRATEGY [--dry-run | --execute]</c>:
/// prints the plan, and commits it with --execute while the group has no active members.
/// </summary>
internal static class GroupResetOffsetsCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("reset-offsets", "Move a group's committed offsets (plan only unless --execute)");
        var group = new Argument<string>("group") { Description = "Group id" };
        var flags = new ResetFlags();
        command.Arguments.Add(group);
        flags.AddTo(command);
        Run.Action(command, async (parse, ct) =>
        {
            await using var admin = Admin.Create(options, parse);
            var plan = await RunAsync(admin, parse.GetValue(group)!, flags.Read(parse), ct);
            Printer.Print(options.Format(parse), plan);
            return 0;
        });
        return command;
    }

    /// <summary>Plans the reset, executes it when asked; the plan as Kafka's tool prints it.</summary>
    public static async Task<Table> RunAsync(KafkaAdminClient admin, string groupId, ResetRequest request, CancellationToken ct)
    {
        var group = await ConsumerGroupInfo.DescribeAsync(admin, groupId, ct);
        if (request.Execute && group.Members.Count > 0)
        {
            throw new CliException($"offsets can only be reset while group '{groupId}' is inactive, but it is {group.State} with {group.Members.Count} member(s); stop its consumers first");
        }

        var committed = (await GroupState.CommittedAsync(admin, groupId, ct)).ToDictionary(c => c.Key, c => c.Value.Offset);
        List<TopicPartition> partitions = request.AllTopics
            ? [.. committed.Keys]
            : await TopicPartitions.ResolveAsync(admin, request.Topics, ct);
        var plan = await ResetPlan.ComputeAsync(admin, partitions, request.Strategy, committed, ct);
        if (request.Execute)
        {
            (await admin.AlterConsumerGroupOffsetsAsync(groupId, plan, ct)).ThrowIfAnyFailed();
        }

        var table = new Table("offsets", "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        foreach (var (tp, offset) in plan)
        {
            table.Add(groupId, tp.Topic, tp.Partition, offset);
        }

        return table;
    }
}
