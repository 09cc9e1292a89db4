using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;
using Samsa.Protocol.Errors;

namespace Samsa.Cli.Topics;

/// <summary><c>samsa topic create NAME [--partitions N] [--replication-factor R] [--config k=v ...] [--if-not-exists]</c>.</summary>
internal static class TopicCreateCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("create", "Create a topic");
        var name = new Argument<string>("topic") { Description = "Topic name" };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Partition count (default: the broker's num.partitions)", DefaultValueFactory = _ => -1 };
        var replication = new Option<short>("--replication-factor", "-r") { Description = "Replicas per partition (default: the broker's default.replication.factor)", DefaultValueFactory = _ => -1 };
        var configs = new Option<string[]>("--config", "-c") { Description = "Topic config, key=value; repeatable", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "Succeed when the topic already exists" };
        command.Arguments.Add(name);
        command.Options.Add(partitions);
        command.Options.Add(replication);
        command.Options.Add(configs);
        command.Options.Add(ifNotExists);
        Run.Action(command, async (parse, ct) =>
        {
            var topic = new NewTopic(parse.GetValue(name)!, parse.GetValue(partitions), parse.GetValue(replication))
            {
                Configs = KeyValues.Parse(parse.GetValue(configs), "--config").ToDictionary(kv => kv.Key, kv => (string?)kv.Value),
            };
            await using var admin = Admin.Create(options, parse);
            var result = (await admin.CreateTopicsAsync([topic], ct: ct))[0];
            if (result.Error is { ErrorCode: ErrorCode.TopicAlreadyExists } && parse.GetValue(ifNotExists))
            {
                Console.Out.WriteLine($"Topic {topic.Name} already exists.");
                return 0;
            }

            if (result.Error is not null)
            {
                throw result.Error;
            }

            var table = new Table("created", "TOPIC", "TOPIC-ID", "PARTITIONS", "REPLICATION-FACTOR")
                .Add(result.Name, result.TopicId.ToString(), result.NumPartitions, (int)result.ReplicationFactor);
            if (options.Format(parse) == OutputFormat.Json)
            {
                Printer.Print(OutputFormat.Json, table);
            }
            else
            {
                Console.Out.WriteLine($"Created topic {result.Name}.");
            }

            return 0;
        });
        return command;
    }
}
