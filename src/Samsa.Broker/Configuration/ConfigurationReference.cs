using System.Text;

namespace Samsa.Broker.Configuration;

/// <summary>
/// Renders docs/configuration.md from <see cref="BrokerConfigs"/>, so the reference cannot drift from the
/// table (a test compares the file with this output).
/// </summary>
public static class ConfigurationReference
{
    public static string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append("""
            # Broker configuration reference

            <!-- Generated from src/Samsa.Broker/Configuration/BrokerConfigs.cs by ConfigurationReference.ToMarkdown().
                 Regenerate: SAMSA_UPDATE_DOCS=1 dotnet test tests/Samsa.Broker.Tests -c Release --filter ConfigurationReferenceTests -->

            Samsa reads Kafka's `server.properties` keys with Kafka's names, types, defaults and valid values
            (Kafka 4.x). Start a broker with `samsa server [--config server.properties] [--override key=value ...]`;
            an override wins over the file. The file uses Java properties syntax (`key=value`, `key: value` or
            `key value`; `#` and `!` comments; a trailing backslash continues a line; `\t \n \uXXXX` escapes).

            - An **unknown key** is reported with a warning and ignored, so a Kafka file with settings Samsa does not
              implement still starts.
            - An **invalid value** stops start-up with one message naming the key, the value and what is allowed.
            - **Update mode** says whether a key can change at runtime (AlterConfigs / `kafka-configs.sh`):
              `read-only` needs a restart, `per-broker` can change for one broker, `cluster-wide` can change for one
              broker or as the default for all. Dynamic values take precedence over the file, a per-broker value over
              the cluster-wide default.
            - **Live** says when a dynamic change takes effect. `live` keys apply to the running broker at once:
              the defaults of topic configs (`log.retention.*`, `log.segment.bytes`, `log.cleanup.policy`,
              `message.max.bytes`, `min.insync.replicas`, ...) reach every partition log without an override, and
              the log cleaner's thread settings (`log.cleaner.threads`, `.dedupe.buffer.size`, `.io.*`,
              `.backoff.ms`) restart its threads with the new values. `at restart` keys are stored in the metadata
              log and shown by DescribeConfigs at once, but the broker uses them from its next start.
            - **Derived values** follow Kafka: `log.retention.ms` over `log.retention.minutes` over
              `log.retention.hours` (negative means unlimited); `log.roll.ms` over `log.roll.hours`;
              `log.roll.jitter.ms` over `log.roll.jitter.hours`; `log.flush.interval.ms` over
              `log.flush.scheduler.interval.ms`; `log.dirs` over `log.dir`; `advertised.listeners` defaults to
              `listeners` without controller listeners, a wildcard host (empty or `0.0.0.0`) replaced by this
              machine's host name; `broker.id`, when set, must equal `node.id`.

            ## Where Samsa's defaults differ from Kafka's

            | key | Samsa | Kafka | why |
            | --- | --- | --- | --- |

            """);
        foreach (var definition in BrokerConfigs.All)
        {
            if (definition.KafkaDefaultText is not null)
            {
                md.Append(CultureInfoInvariant($"| `{definition.Name}` | {Code(definition.DefaultText)} | {Code(definition.KafkaDefaultText)} | {Why(definition.Name)} |\n"));
            }
        }

        md.Append("""

            Samsa serves PLAINTEXT listeners only so far: a listener mapped to SSL, SASL_PLAINTEXT or SASL_SSL stops
            start-up with a clear message. `request.timeout.ms` and `cluster.id` are not broker configs in Kafka
            (the first is a client setting, the second lives in `meta.properties`), so they are not listed here.

            ## All keys

            | key | type | default | valid values | update mode | live | description |
            | --- | --- | --- | --- | --- | --- | --- |

            """);
        foreach (var definition in BrokerConfigs.All)
        {
            md.Append(CultureInfoInvariant($"| `{definition.Name}` | {TypeName(definition.Type)} | {Code(definition.DefaultText)} | {definition.Validator?.Allowed ?? ""} | {Mode(definition.UpdateMode)} | {Live(definition)} | {definition.Documentation} |\n"));
        }

        return md.ToString();
    }

    private static string CultureInfoInvariant(FormattableString s) => FormattableString.Invariant(s);

    private static string Code(string? value) => value is null ? "null" : value.Length == 0 ? "\"\"" : $"`{value}`";

    private static string Why(string name) => name switch
    {
        "node.id" => "a single node runs without any configuration",
        "process.roles" => "one process is broker and controller (combined mode) by default",
        "listeners" => "loopback only until the operator opens it up; Kafka binds every interface",
        "log.dir" => "data next to where the broker runs, not in /tmp where it may be wiped; `log.dirs` stays unset so `log.dir` still works",
        _ => "",
    };

    private static string TypeName(ConfigType type) => type switch
    {
        ConfigType.Boolean => "boolean",
        ConfigType.Int => "int",
        ConfigType.Short => "short",
        ConfigType.Long => "long",
        ConfigType.Double => "double",
        ConfigType.List => "list",
        ConfigType.Class => "class",
        ConfigType.Password => "password",
        _ => "string",
    };

    private static string Live(ConfigDefinition definition) =>
        !definition.IsDynamic ? ""
        : TopicDefaultKeys.Contains(definition.Name) || Metadata.LogCleanerSettings.ThreadKeys.Contains(definition.Name) ? "live"
        : "at restart";

    private static readonly HashSet<string> TopicDefaultKeys =
        [.. Samsa.Metadata.Controller.TopicConfigs.All.SelectMany(Metadata.TopicConfigResolver.BrokerSynonyms)];

    private static string Mode(ConfigUpdateMode mode) => mode switch
    {
        ConfigUpdateMode.PerBroker => "per-broker",
        ConfigUpdateMode.ClusterWide => "cluster-wide",
        _ => "read-only",
    };
}
