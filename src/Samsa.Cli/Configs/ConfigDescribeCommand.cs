using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Configs;

/// <summary><c>samsa config describe (--topic T | --broker N | --broker-defaults) [--all]</c>.</summary>
internal static class ConfigDescribeCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("describe", "Show configs: those set explicitly, or all with --all");
        var target = new ConfigTarget();
        target.AddTo(command);
        var all = new Option<bool>("--all") { Description = "Include defaults" };
        command.Options.Add(all);
        Run.Action(command, async (parse, ct) =>
        {
            var resource = target.Resolve(parse);
            await using var admin = Admin.Create(options, parse);
            var result = (await admin.DescribeConfigsAsync([resource], ct: ct)).ThrowIfAnyFailed()[0];
            var table = new Table("configs", "NAME", "VALUE", "SOURCE", "READ-ONLY", "SENSITIVE");
            foreach (var entry in result.Entries.Where(e => parse.GetValue(all) || !e.IsDefault).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                table.Add(entry.Name, entry.IsSensitive ? null : entry.Value, Source(entry.Source), entry.IsReadOnly, entry.IsSensitive);
            }

            Printer.Print(options.Format(parse), table);
            return 0;
        });
        return command;
    }

    /// <summary>Kafka's names of config sources (what kafka-configs.sh prints).</summary>
    public static string Source(ConfigSource source) => source switch
    {
        ConfigSource.DynamicTopicConfig => "DYNAMIC_TOPIC_CONFIG",
        ConfigSource.DynamicBrokerConfig => "DYNAMIC_BROKER_CONFIG",
        ConfigSource.DynamicDefaultBrokerConfig => "DYNAMIC_DEFAULT_BROKER_CONFIG",
        ConfigSource.StaticBrokerConfig => "STATIC_BROKER_CONFIG",
        ConfigSource.DefaultConfig => "DEFAULT_CONFIG",
        ConfigSource.DynamicBrokerLoggerConfig => "DYNAMIC_BROKER_LOGGER_CONFIG",
        ConfigSource.ClientMetricsConfig => "CLIENT_METRICS_CONFIG",
        ConfigSource.GroupConfig => "GROUP_CONFIG",
        _ => "UNKNOWN",
    };
}
