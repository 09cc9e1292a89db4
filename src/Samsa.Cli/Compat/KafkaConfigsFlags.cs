using System.CommandLine;
using System.Globalization;
using Samsa.Cli.Common;

namespace Samsa.Cli.Compat;

/// <summary>The entity kafka-configs.sh works on: its type (topics, brokers, ...) and name ("" for a default entity).</summary>
internal sealed record KafkaConfigsEntity(string Type, string? Name)
{
    /// <summary>Kafka's singular of the type, as its messages print it ("topic", "broker", "broker-logger").</summary>
    public string Singular => Type[..^1];
}

/// <summary>kafka-configs.sh's flags, and Kafka's ConfigCommand checks of them (with its messages).</summary>
internal sealed class KafkaConfigsFlags
{
    public const string TopicsType = "topics";
    public const string BrokersType = "brokers";
    public const string BrokerLoggersType = "broker-loggers";
    public const string UsersType = "users";
    public const string ClientsType = "clients";
    public const string IpsType = "ips";
    public const string ClientMetricsType = "client-metrics";
    public const string GroupsType = "groups";

    private static readonly string[] EntityTypes = [TopicsType, ClientsType, UsersType, BrokersType, IpsType, BrokerLoggersType, ClientMetricsType, GroupsType];

    public Option<bool> Describe { get; } = KafkaTools.Flag("describe", "List configs for the given entity.");

    public Option<bool> Alter { get; } = KafkaTools.Flag("alter", "Alter the configuration for the entity.");

    public Option<bool> All { get; } = KafkaTools.Flag("all", "List all configs for the given entity, including static configs if available.");

    public Option<string[]> EntityType { get; } = Many("--entity-type", "Type of entity (topics/clients/users/brokers/broker-loggers/ips/client-metrics/groups)");

    public Option<string[]> EntityName { get; } = Many("--entity-name", "Name of entity (topic name/client id/user principal name/broker id/ip/client metrics/group id)");

    public Option<bool> EntityDefault { get; } = KafkaTools.Flag("entity-default", "Default entity name for clients/users/brokers/ips (applies to corresponding entity type)");

    public Option<string?> AddConfig { get; } = new("--add-config")
    {
        Description = "Configs to set, k=v,k=v; put a value that holds commas in brackets: k=[a,b]",
    };

    public Option<string?> AddConfigFile { get; } = new("--add-config-file") { Description = "Properties file of configs to set" };

    public Option<string[]> DeleteConfig { get; } = Many("--delete-config", "config keys to remove 'k1,k2'");

    public Option<bool> Force { get; } = KafkaTools.Flag("force", "Suppress console prompts (kafka-configs.sh has none; accepted as Kafka accepts it)");

    public Option<string?> BootstrapController { get; } = new("--bootstrap-controller") { Description = "The Kafka controllers to connect to (not available: Samsa has no separate controller quorum)" };

    /// <summary>--topic, --broker, ...: each names an entity of one type.</summary>
    public IReadOnlyList<(Option<string?> Option, string Type)> EntityFlags { get; } =
    [
        (new("--topic") { Description = "The topic's name." }, TopicsType),
        (new("--client") { Description = "The client's ID." }, ClientsType),
        (new("--user") { Description = "User principal (quotas: not in Samsa yet)" }, UsersType),
        (new("--broker") { Description = "The broker's ID." }, BrokersType),
        (new("--broker-logger") { Description = "Broker id whose loggers to show or change" }, BrokerLoggersType),
        (new("--ip") { Description = "The IP address." }, IpsType),
        (new("--client-metrics") { Description = "Client-metrics resource name" }, ClientMetricsType),
        (new("--group") { Description = "The group's ID." }, GroupsType),
    ];

    /// <summary>--broker-defaults, ...: each names the default entity of one type.</summary>
    public IReadOnlyList<(Option<bool> Option, string Type)> DefaultFlags { get; } =
    [
        (KafkaTools.Flag("client-defaults", "The config defaults for all clients."), ClientsType),
        (KafkaTools.Flag("user-defaults", "The config defaults for all users."), UsersType),
        (KafkaTools.Flag("broker-defaults", "The config defaults for all brokers."), BrokersType),
        (KafkaTools.Flag("ip-defaults", "The config defaults for all IPs."), IpsType),
    ];

    private static Option<string[]> Many(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[Describe, Alter, All, EntityType, EntityName, EntityDefault, AddConfig, AddConfigFile, DeleteConfig, Force, BootstrapController])
        {
            command.Options.Add(option);
        }

        foreach (var (option, _) in EntityFlags)
        {
            command.Options.Add(option);
        }

        foreach (var (option, _) in DefaultFlags)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The entities named (two only for a user's client), after Kafka's checks of the flags.</summary>
    public List<KafkaConfigsEntity> Entities(ParseResult parse, string action)
    {
        if (action == "describe" && (parse.GetValue(AddConfig) is not null || parse.GetValue(DeleteConfig) is { Length: > 0 } || parse.GetValue(AddConfigFile) is not null))
        {
            var clash = parse.GetValue(AddConfig) is not null ? "add-config" : parse.GetValue(DeleteConfig) is { Length: > 0 } ? "delete-config" : "add-config-file";
            throw CliException.Usage($"Option \"[describe]\" can't be used with option \"[{clash}]\"");
        }

        if (parse.GetValue(BootstrapController) is not null)
        {
            throw CliException.Usage("--bootstrap-controller is not available: Samsa has no separate controller quorum; give the broker with --bootstrap-server");
        }

        var specific = EntityFlags.Where(f => parse.GetValue(f.Option) is not null).ToList();
        var defaults = DefaultFlags.Where(f => parse.GetValue(f.Option)).ToList();
        var types = (parse.GetValue(EntityType) ?? []).Concat(specific.Select(f => f.Type)).Concat(defaults.Select(f => f.Type)).ToList();
        var names = (parse.GetValue(EntityName) ?? []).Concat(parse.GetValue(EntityDefault) ? [string.Empty] : [])
            .Concat(specific.Select(f => parse.GetValue(f.Option)!)).Concat(defaults.Select(_ => string.Empty)).ToList();
        CheckTypes(types);
        if ((parse.GetValue(EntityType) is { Length: > 0 } || parse.GetValue(EntityName) is { Length: > 0 } || parse.GetValue(EntityDefault)) && (specific.Count > 0 || defaults.Count > 0))
        {
            throw CliException.Usage("--entity-{type,name,default} should not be used in conjunction with specific entity flags");
        }

        CheckNames(types, names, action, parse.GetValue(EntityDefault));
        if (action == "alter")
        {
            CheckChanges(parse);
        }

        return [.. types.Select((type, i) => new KafkaConfigsEntity(type, i < names.Count ? names[i] : null))];
    }

    private static void CheckTypes(List<string> types)
    {
        var duplicates = types.GroupBy(t => t, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw CliException.Usage($"Duplicate entity type(s) specified: {string.Join(',', duplicates)}");
        }

        if (types.FirstOrDefault(t => !EntityTypes.Contains(t)) is { } invalid)
        {
            throw CliException.Usage($"Invalid entity type {invalid}, the entity type must be one of {string.Join(", ", EntityTypes)} with a --bootstrap-server or --bootstrap-controller argument");
        }

        if (types.Count == 0)
        {
            throw CliException.Usage("At least one entity type must be specified");
        }

        if (types.Count > 1 && !types.Order(StringComparer.Ordinal).SequenceEqual([ClientsType, UsersType]))
        {
            throw CliException.Usage($"Only '{UsersType}' and '{ClientsType}' entity types may be specified together");
        }
    }

    private static void CheckNames(List<string> types, List<string> names, string action, bool entityDefault)
    {
        var hasName = names.Any(n => n.Length > 0);
        var hasDefault = names.Any(n => n.Length == 0);
        if (hasName && types[0] is BrokersType or BrokerLoggersType && names.FirstOrDefault(n => n.Length > 0 && !int.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) is { } bad)
        {
            throw CliException.Usage($"The entity name for {types[0]} must be a valid integer broker id, but it is: {bad}");
        }

        var takesDefault = types.Any(t => t is UsersType or ClientsType or BrokersType or IpsType);
        if (action == "describe" && entityDefault && !takesDefault)
        {
            throw CliException.Usage($"--entity-default must not be specified with --describe of {string.Join(',', types)}");
        }

        if (action == "describe" && types.Contains(BrokerLoggersType) && !hasName)
        {
            throw CliException.Usage($"An entity name must be specified with --describe of {string.Join(',', types)}");
        }

        if (action == "alter" && takesDefault && !hasName && !hasDefault)
        {
            throw CliException.Usage("An entity-name or default entity must be specified with --alter of users, clients, brokers or ips");
        }

        if (action == "alter" && !takesDefault && !hasName)
        {
            throw CliException.Usage($"An entity name must be specified with --alter of {string.Join(',', types)}");
        }

        if (action == "alter" && types.Count != names.Count)
        {
            throw CliException.Usage("An entity name must be specified for every entity type");
        }
    }

    private void CheckChanges(ParseResult parse)
    {
        var add = parse.GetValue(AddConfig) is not null;
        var file = parse.GetValue(AddConfigFile) is not null;
        if (add && file)
        {
            throw CliException.Usage("Only one of --add-config or --add-config-file must be specified");
        }

        if (!add && !file && parse.GetValue(DeleteConfig) is not { Length: > 0 })
        {
            throw CliException.Usage("At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter");
        }
    }
}
