using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Groups;

/// <summary><c>samsa group delete-offsets GROUP --topic T[:P,P] ...</c>: offsets of partitions the group no longer consumes.</summary>
internal static class GroupDeleteOffsetsCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("delete-offsets", "Delete a group's committed offsets for topics or partitions");
        var group = new Argument<string>("group") { Description = "Group id" };
        var topics = new Option<string[]>("--topic", "-t") { Description = "topic or topic:partition,partition; repeatable", Arity = ArgumentArity.OneOrMore, Required = true };
        command.Arguments.Add(group);
        command.Options.Add(topics);
        Run.Action(command, async (parse, ct) =>
        {
            var groupId = parse.GetValue(group)!;
            await using var admin = Admin.Create(options, parse);
            var partitions = await TopicPartitions.ResolveAsync(admin, parse.GetValue(topics)!, ct);
            var results = await admin.DeleteConsumerGroupOffsetsAsync(groupId, partitions, ct);
            var table = new Table("offsets", "TOPIC", "PARTITION", "STATUS");
            foreach (var r in results.OrderBy(r => r.Partition.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition.Partition))
            {
                table.Add(r.Partition.Topic, r.Partition.Partition, r.Error is null ? "Successful" : $"Error: {r.Error.ErrorName}");
            }

            Printer.Print(options.Format(parse), table);
            results.ThrowIfAnyFailed();
            return 0;
        });
        return command;
    }
}
