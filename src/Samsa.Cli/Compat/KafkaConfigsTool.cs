using System.CommandLine;
using System.Globalization;
using Samsa.Cli.Common;
using Samsa.Cli.Configs;
using Samsa.Client.Admin;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using static Samsa.Cli.Compat.KafkaConfigsFlags;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-configs.sh</c>: --describe and --alter of topics, brokers (and their defaults), broker loggers, groups
/// and client-metrics, with Kafka's flags, checks and output; users, clients and ips (quotas) fail with what the
/// broker supports.
/// </summary>
internal static class KafkaConfigsTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-configs", "kafka-configs.sh", withOutput: false);
        var flags = new KafkaConfigsFlags();
        flags.AddTo(command);
        Run.Action(command, async (parse, ct) =>
        {
            var action = KafkaTools.Action(parse, (flags.Describe, "describe"), (flags.Alter, "alter"));
            var entities = flags.Entities(parse, action);
            await using var admin = Admin.Create(options, parse);
            var entity = entities[0];
            if (entity.Type is UsersType or ClientsType or IpsType)
            {
                throw await NoQuotasAsync(admin, entity.Type, ct);
            }

            if (action == "describe")
            {
                await DescribeAsync(admin, entity, parse.GetValue(flags.All), ct);
                return 0;
            }

            var add = KafkaConfigValues.ToAdd(parse.GetValue(flags.AddConfig), parse.GetValue(flags.AddConfigFile));
            var delete = KafkaConfigValues.ToDelete(parse.GetValue(flags.DeleteConfig));
            await AlterAsync(admin, entity, add, delete, ct);
            return 0;
        });
        return command;
    }

    private static async Task DescribeAsync(KafkaAdminClient admin, KafkaConfigsEntity entity, bool all, CancellationToken ct)
    {
        foreach (var name in entity.Name is { } one ? [one] : await AllNamesAsync(admin, entity.Type, ct))
        {
            var heading = name.Length == 0 ? $"Default configs for {entity.Type} in the cluster are:" : $"{(all ? "All" : "Dynamic")} configs for {entity.Singular} {name} are:";
            var entries = await EntriesAsync(admin, entity with { Name = name }, all, ct);
            await Console.Out.WriteLineAsync(heading);
            foreach (var entry in entries)
            {
                var synonyms = string.Join(", ", entry.Synonyms.Select(s => $"{ConfigDescribeCommand.Source(s.Source)}:{s.Name}={Shown(s.Value, entry.IsSensitive)}"));
                await Console.Out.WriteLineAsync($"  {entry.Name}={Shown(entry.Value, entry.IsSensitive)} sensitive={(entry.IsSensitive ? "true" : "false")} synonyms={{{synonyms}}}");
            }
        }
    }

    private static string Shown(string? value, bool sensitive) => sensitive ? "null" : value ?? "null";

    /// <summary>What Kafka describes when no entity is named: every topic, every broker and then the broker defaults, every group.</summary>
    private static async Task<IReadOnlyList<string>> AllNamesAsync(KafkaAdminClient admin, string type, CancellationToken ct)
    {
        switch (type)
        {
            case TopicsType:
                return await admin.ListTopicsAsync(includeInternal: true, ct);
            case BrokersType or BrokerLoggersType:
                var brokers = (await admin.DescribeClusterAsync(ct)).Brokers.Select(b => b.NodeId.ToString(CultureInfo.InvariantCulture));
                return [.. brokers, string.Empty];
            case GroupsType:
                return [.. (await admin.ListGroupsAsync(ct: ct)).Select(g => g.GroupId)];
            default:
                var supported = (await admin.DescribeClusterAsync(ct)).ApiVersions.Supports(ApiKey.ListClientMetricsResources);
                throw new CliException(supported
                    ? "listing client-metrics resources is not supported by this tool yet; name one with --entity-name"
                    : "the broker does not support ListClientMetricsResources, so it has no client-metrics resources to list");
        }
    }

    /// <summary>The entity's configs, sorted by name: only those set dynamically on it, or all with --all.</summary>
    private static async Task<List<ConfigEntry>> EntriesAsync(KafkaAdminClient admin, KafkaConfigsEntity entity, bool all, CancellationToken ct)
    {
        var (type, dynamicSource) = entity.Type switch
        {
            TopicsType => (ConfigResourceType.Topic, ConfigSource.DynamicTopicConfig),
            BrokersType when entity.Name!.Length == 0 => (ConfigResourceType.Broker, ConfigSource.DynamicDefaultBrokerConfig),
            BrokersType => (ConfigResourceType.Broker, ConfigSource.DynamicBrokerConfig),
            BrokerLoggersType => (ConfigResourceType.BrokerLogger, (ConfigSource?)null),
            ClientMetricsType => (ConfigResourceType.ClientMetrics, ConfigSource.ClientMetricsConfig),
            _ => (ConfigResourceType.Group, ConfigSource.GroupConfig),
        };
        var result = (await admin.DescribeConfigsAsync([new ConfigResource(type, entity.Name!)], includeSynonyms: true, ct: ct))[0];
        if (result.Error is { ErrorCode: ErrorCode.InvalidRequest } refused && type is ConfigResourceType.BrokerLogger or ConfigResourceType.Group or ConfigResourceType.ClientMetrics)
        {
            throw new CliException($"the broker has no {entity.Singular} configs: it answered {refused.ErrorName} ({refused.BrokerMessage})");
        }

        if (result.Error is not null)
        {
            throw result.Error;
        }
        return [.. result.Entries.Where(e => all || dynamicSource is null || e.Source == dynamicSource).OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    /// <summary>Deletes then sets, after Kafka's check that every key to delete is set on the entity (for loggers: that every logger exists).</summary>
    private static async Task AlterAsync(KafkaAdminClient admin, KafkaConfigsEntity entity, Dictionary<string, string> add, List<string> delete, CancellationToken ct)
    {
        var current = (await EntriesAsync(admin, entity, all: false, ct)).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        if (entity.Type == BrokerLoggersType && delete.Concat(add.Keys).Where(k => !current.Contains(k)).ToList() is { Count: > 0 } unknownLoggers)
        {
            throw new CliException($"Invalid broker logger(s): {string.Join(',', unknownLoggers)}");
        }

        if (delete.Where(k => !current.Contains(k)).ToList() is { Count: > 0 } notSet)
        {
            throw new CliException($"Invalid config(s): {string.Join(',', notSet)}");
        }

        var type = entity.Type switch
        {
            TopicsType => ConfigResourceType.Topic,
            BrokersType => ConfigResourceType.Broker,
            BrokerLoggersType => ConfigResourceType.BrokerLogger,
            ClientMetricsType => ConfigResourceType.ClientMetrics,
            _ => ConfigResourceType.Group,
        };
        List<ConfigAlteration> changes =
        [
            .. delete.Select(k => new ConfigAlteration(k, ConfigOperation.Delete)),
            .. add.Select(kv => new ConfigAlteration(kv.Key, ConfigOperation.Set, kv.Value)),
        ];
        var resource = new ConfigResource(type, entity.Name!);
        (await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<ConfigAlteration>> { [resource] = changes }, ct: ct)).ThrowIfAnyFailed();
        await Console.Out.WriteLineAsync(entity.Name!.Length > 0
            ? $"Completed updating config for {entity.Singular} {entity.Name}."
            : $"Completed updating default config for {entity.Type} in the cluster.");
    }

    /// <summary>UsersType, clients and ips are client quotas (and SCRAM credentials), which Samsa's broker does not have yet.</summary>
    private static async Task<CliException> NoQuotasAsync(KafkaAdminClient admin, string type, CancellationToken ct)
    {
        var versions = (await admin.DescribeClusterAsync(ct)).ApiVersions;
        return new CliException(versions.Supports(ApiKey.DescribeClientQuotas)
            ? $"{type} configs (client quotas) are not supported by this tool yet"
            : $"the broker does not support client quotas (no DescribeClientQuotas API), so it has no {type} configs");
    }
}
