using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;
using Samsa.Protocol.Errors;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-topics.sh</c>: --list, --describe (with Kafka's report filters), --create, --delete and --alter
/// (partitions, replica assignment), --topic as a regular expression, with Kafka's output and checks.
/// </summary>
internal static class KafkaTopicsTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-topics", "kafka-topics.sh", withOutput: false);
        var flags = new KafkaTopicsFlags();
        flags.AddTo(command);
        Run.Action(command, async (parse, ct) =>
        {
            var action = flags.CheckedAction(parse);
            var topic = parse.GetValue(flags.Topic);
            var excludeInternal = parse.GetValue(flags.ExcludeInternal);
            var ifExists = parse.GetValue(flags.IfExists);
            await using var admin = Admin.Create(options, parse);
            switch (action)
            {
                case "create":
                    await CreateAsync(admin, flags, parse, ct);
                    break;
                case "list":
                    await Console.Out.WriteLineAsync(string.Join('\n', await KafkaTopicArguments.MatchingAsync(admin, topic, excludeInternal, ct)));
                    break;
                case "describe":
                    await DescribeAsync(admin, flags, parse, ct);
                    break;
                case "delete":
                    var doomed = await KafkaTopicArguments.MatchingAsync(admin, topic, excludeInternal, ct);
                    KafkaTopicArguments.EnsureFound(doomed, topic, ifExists);
                    await DeleteAsync(admin, doomed, ifExists, ct);
                    break;
                default:
                    var altered = await KafkaTopicArguments.MatchingAsync(admin, topic, excludeInternal, ct);
                    KafkaTopicArguments.EnsureFound(altered, topic, ifExists);
                    await AlterAsync(admin, altered, parse.GetValue(flags.Partitions)!.Value, parse.GetValue(flags.ReplicaAssignment), ct);
                    break;
            }

            return 0;
        });
        return command;
    }

    private static async Task CreateAsync(KafkaAdminClient admin, KafkaTopicsFlags flags, ParseResult parse, CancellationToken ct)
    {
        var name = parse.GetValue(flags.Topic)!;
        var partitions = parse.GetValue(flags.Partitions);
        var replication = parse.GetValue(flags.ReplicationFactor);
        if (replication is < 1 or > short.MaxValue)
        {
            throw CliException.Usage($"The replication factor must be between 1 and {short.MaxValue} inclusive");
        }

        if (partitions is < 1)
        {
            throw CliException.Usage("The partitions must be greater than 0");
        }

        var assignment = parse.GetValue(flags.ReplicaAssignment) is { Length: > 0 } text ? KafkaTopicArguments.ReplicaAssignment(text) : null;
        var topic = new NewTopic(name, partitions ?? -1, (short)(replication ?? -1))
        {
            Configs = KafkaTopicArguments.Configs(parse.GetValue(flags.Config)),
            ReplicaAssignment = assignment?.ToDictionary(a => a.Key, a => a.Value),
        };
        if (name.Contains('.', StringComparison.Ordinal) || name.Contains('_', StringComparison.Ordinal))
        {
            await Console.Out.WriteLineAsync("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.");
        }

        var result = (await admin.CreateTopicsAsync([topic], ct: ct))[0];
        if (result.Error is { ErrorCode: ErrorCode.TopicAlreadyExists } && parse.GetValue(flags.IfNotExists))
        {
            return;
        }

        if (result.Error is not null)
        {
            throw result.Error;
        }

        await Console.Out.WriteLineAsync($"Created topic {name}.");
    }

    private static async Task DescribeAsync(KafkaAdminClient admin, KafkaTopicsFlags flags, ParseResult parse, CancellationToken ct)
    {
        var excludeInternal = parse.GetValue(flags.ExcludeInternal);
        var ifExists = parse.GetValue(flags.IfExists);
        var topics = parse.GetValue(flags.TopicId) is { } id ? await KafkaTopicsDescriber.ByIdAsync(admin, id, excludeInternal, ifExists, ct) : null;
        if (topics is null)
        {
            var pattern = parse.GetValue(flags.Topic);
            var names = await KafkaTopicArguments.MatchingAsync(admin, pattern, excludeInternal, ct);
            KafkaTopicArguments.EnsureFound(names, pattern, ifExists);
            topics = names.Count == 0 ? [] : [.. await Admin.DescribeExistingAsync(admin, names, ct)];
        }

        var report = new KafkaTopicsReport(
            parse.GetValue(flags.UnderReplicated), parse.GetValue(flags.Unavailable), parse.GetValue(flags.UnderMinIsr), parse.GetValue(flags.AtMinIsr), parse.GetValue(flags.WithOverrides));
        await KafkaTopicsDescriber.DescribeAsync(admin, topics, report, ct);
    }

    private static async Task DeleteAsync(KafkaAdminClient admin, List<string> topics, bool ifExists, CancellationToken ct)
    {
        if (topics.Count == 0)
        {
            return;
        }

        var failed = (await admin.DeleteTopicsAsync(topics, ct))
            .Where(r => r.Error is not null && !(ifExists && r.Error.ErrorCode == ErrorCode.UnknownTopicOrPartition))
            .ToList();
        failed.ThrowIfAnyFailed();
    }

    /// <summary>Raises each topic to <paramref name="total"/> partitions; a replica assignment lists every partition, of which the new ones are used.</summary>
    private static async Task AlterAsync(KafkaAdminClient admin, List<string> topics, int total, string? assignmentText, CancellationToken ct)
    {
        if (topics.Count == 0)
        {
            return;
        }

        var assignment = assignmentText is { Length: > 0 } ? KafkaTopicArguments.ReplicaAssignment(assignmentText) : null;
        var current = assignment is null ? [] : (await Admin.DescribeExistingAsync(admin, topics, ct)).ToDictionary(t => t.Name, t => t.Partitions.Count);
        var increases = topics.ToDictionary(
            t => t,
            t => new NewPartitions(total, assignment?.OrderBy(a => a.Key).Skip(current[t]).Select(a => a.Value).ToList()));
        (await admin.CreatePartitionsAsync(increases, ct: ct)).ThrowIfAnyFailed();
    }
}
