using System.CommandLine;
using System.Globalization;
using Samsa.Cli.Common;
using Samsa.Cli.Configs;
using Samsa.Client.Admin;

namespace Samsa.Cli.Compat;

/// <summary><c>kafka-configs.sh</c>: --describe and --alter (--add-config, --delete-config) of topics and brokers.</summary>
internal static class KafkaConfigsTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-configs", "kafka-configs.sh", withOutput: false);
        var describe = KafkaTools.Flag("describe", "Show configs");
        var alter = KafkaTools.Flag("alter", "Change configs");
        var entityType = new Option<string?>("--entity-type") { Description = "topics or brokers" };
        var entityName = new Option<string?>("--entity-name") { Description = "Topic name or broker id" };
        var entityDefault = KafkaTools.Flag("entity-default", "The cluster-wide broker defaults");
        var topic = new Option<string?>("--topic") { Description = "Same as --entity-type topics --entity-name" };
        var broker = new Option<string?>("--broker") { Description = "Same as --entity-type brokers --entity-name" };
        var all = KafkaTools.Flag("all", "Include defaults");
        var add = new Option<string?>("--add-config") { Description = "k=v,k=v" };
        var remove = new Option<string?>("--delete-config") { Description = "k,k" };
        foreach (var option in (Option[])[describe, alter, entityType, entityName, entityDefault, topic, broker, all, add, remove])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var action = KafkaTools.Action(parse, (describe, "describe"), (alter, "alter"));
            var resource = Resource(parse.GetValue(topic), parse.GetValue(broker), parse.GetValue(entityType), parse.GetValue(entityName), parse.GetValue(entityDefault));
            await using var admin = Admin.Create(options, parse);
            if (action == "alter")
            {
                await ConfigChanges.ApplyAsync(admin, resource, parse.GetValue(add) is { } a ? [a] : null, parse.GetValue(remove) is { } r ? [r] : null, ct);
                return 0;
            }

            await DescribeAsync(admin, resource, parse.GetValue(all), ct);
            return 0;
        });
        return command;
    }

    private static ConfigResource Resource(string? topic, string? broker, string? type, string? name, bool isDefault)
    {
        if (topic is not null)
        {
            return ConfigResource.Topic(topic);
        }

        if (broker is not null)
        {
            type = "brokers";
            name = broker;
        }

        return type switch
        {
            "topics" when name is not null => ConfigResource.Topic(name),
            "brokers" when isDefault => ConfigResource.BrokerDefaults,
            "brokers" when int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) => ConfigResource.Broker(id),
            _ => throw CliException.Usage("name the entity: --topic T, --broker ID, --entity-type topics|brokers with --entity-name or --entity-default"),
        };
    }

    /// <summary>Kafka's shape: a heading line, then "  key=value sensitive=... synonyms={...}" per config.</summary>
    private static async Task DescribeAsync(KafkaAdminClient admin, ConfigResource resource, bool all, CancellationToken ct)
    {
        var result = (await admin.DescribeConfigsAsync([resource], includeSynonyms: true, ct: ct)).ThrowIfAnyFailed()[0];
        var what = resource.Type == ConfigResourceType.Topic ? $"topic {resource.Name}" : resource.Name.Length == 0 ? "the default broker" : $"broker {resource.Name}";
        System.Console.Out.WriteLine($"{(all ? "All" : "Dynamic")} configs for {what} are:");
        var shown = result.Entries.Where(e => all || e.Source is ConfigSource.DynamicTopicConfig or ConfigSource.DynamicBrokerConfig or ConfigSource.DynamicDefaultBrokerConfig);
        foreach (var entry in shown.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var value = entry.IsSensitive ? "null" : entry.Value;
            var synonyms = string.Join(", ", entry.Synonyms.Select(s => $"{ConfigDescribeCommand.Source(s.Source)}:{s.Name}={(entry.IsSensitive ? "null" : s.Value)}"));
            System.Console.Out.WriteLine($"  {entry.Name}={value} sensitive={(entry.IsSensitive ? "true" : "false")} synonyms={{{synonyms}}}");
        }
    }
}
