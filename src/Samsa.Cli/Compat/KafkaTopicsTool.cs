using System.CommandLine;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Cli.Topics;
using Samsa.Client.Admin;
using Samsa.Protocol.Errors;

namespace Samsa.Cli.Compat;

/// <summary><c>kafka-topics.sh</c>: --list, --describe, --create, --delete, --alter (partitions), with Kafka's output.</summary>
internal static class KafkaTopicsTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-topics", "kafka-topics.sh", withOutput: false);
        var create = KafkaTools.Flag("create", "Create a topic");
        var list = KafkaTools.Flag("list", "List topics");
        var describe = KafkaTools.Flag("describe", "Describe topics");
        var delete = KafkaTools.Flag("delete", "Delete a topic");
        var alter = KafkaTools.Flag("alter", "Raise the partition count");
        var topic = new Option<string?>("--topic") { Description = "Topic name" };
        var partitions = new Option<int?>("--partitions") { Description = "Partition count" };
        var replication = new Option<short?>("--replication-factor") { Description = "Replication factor" };
        var configs = new Option<string[]>("--config") { Description = "key=value; repeatable", Arity = ArgumentArity.ZeroOrMore };
        var ifNotExists = KafkaTools.Flag("if-not-exists", "Only create if absent");
        var ifExists = KafkaTools.Flag("if-exists", "Only act if present");
        var excludeInternal = KafkaTools.Flag("exclude-internal", "Leave out internal topics");
        foreach (var option in (Option[])[create, list, describe, delete, alter, topic, partitions, replication, configs, ifNotExists, ifExists, excludeInternal])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var action = KafkaTools.Action(parse, (create, "create"), (list, "list"), (describe, "describe"), (delete, "delete"), (alter, "alter"));
            var name = parse.GetValue(topic);
            if (action != "list" && action != "describe" && name is null)
            {
                throw CliException.Usage($"--{action} needs --topic");
            }

            await using var admin = Admin.Create(options, parse);
            switch (action)
            {
                case "list":
                    foreach (var t in await admin.ListTopicsAsync(!parse.GetValue(excludeInternal), ct))
                    {
                        System.Console.Out.WriteLine(t);
                    }

                    break;
                case "describe":
                    var names = name is null ? await admin.ListTopicsAsync(!parse.GetValue(excludeInternal), ct) : [name];
                    await DescribeAsync(admin, names, ct);
                    break;
                case "create":
                    await CreateAsync(admin, new NewTopic(name!, parse.GetValue(partitions) ?? -1, parse.GetValue(replication) ?? -1)
                    {
                        Configs = KeyValues.Parse(parse.GetValue(configs), "--config").ToDictionary(kv => kv.Key, kv => (string?)kv.Value),
                    }, parse.GetValue(ifNotExists), ct);
                    break;
                case "delete":
                    var deleted = (await admin.DeleteTopicsAsync([name!], ct))[0];
                    if (deleted.Error is not null && !(parse.GetValue(ifExists) && deleted.Error.ErrorCode == ErrorCode.UnknownTopicOrPartition))
                    {
                        throw deleted.Error;
                    }

                    break;
                default:
                    var count = parse.GetValue(partitions) ?? throw CliException.Usage("--alter needs --partitions");
                    (await admin.CreatePartitionsAsync(new Dictionary<string, int> { [name!] = count }, ct: ct)).ThrowIfAnyFailed();
                    break;
            }

            return 0;
        });
        return command;
    }

    private static async Task CreateAsync(KafkaAdminClient admin, NewTopic topic, bool ifNotExists, CancellationToken ct)
    {
        var result = (await admin.CreateTopicsAsync([topic], ct: ct))[0];
        if (result.Error is { ErrorCode: ErrorCode.TopicAlreadyExists } && ifNotExists)
        {
            return;
        }

        if (result.Error is not null)
        {
            throw result.Error;
        }

        System.Console.Out.WriteLine($"Created topic {topic.Name}.");
    }

    /// <summary>Kafka's describe shape: a tab-separated topic line, then one indented line per partition.</summary>
    private static async Task DescribeAsync(KafkaAdminClient admin, IReadOnlyList<string> names, CancellationToken ct)
    {
        var topics = await Admin.DescribeExistingAsync(admin, names, ct);
        var configs = await TopicDescribeCommand.NonDefaultConfigsAsync(admin, names, ct);
        var text = new StringBuilder();
        foreach (var t in topics)
        {
            text.Append($"Topic: {t.Name}\tTopicId: {t.TopicId}\tPartitionCount: {t.Partitions.Count}\tReplicationFactor: {t.ReplicationFactor}\tConfigs: {configs?.GetValueOrDefault(t.Name)}\n");
            foreach (var p in t.Partitions)
            {
                text.Append($"\tTopic: {t.Name}\tPartition: {p.Partition}\tLeader: {(p.Leader < 0 ? "none" : p.Leader)}\tReplicas: {string.Join(',', p.Replicas)}\tIsr: {string.Join(',', p.Isr)}\n");
            }
        }

        await System.Console.Out.WriteAsync(text.ToString());
    }
}
