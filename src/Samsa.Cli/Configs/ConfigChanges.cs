using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Configs;

/// <summary>Applies set and delete changes to one resource with IncrementalAlterConfigs.</summary>
internal static class ConfigChanges
{
    public static async Task ApplyAsync(KafkaAdminClient admin, ConfigResource resource, string[]? set, string[]? delete, CancellationToken ct)
    {
        var changes = KeyValues.Parse(set, "--set").Select(kv => new ConfigAlteration(kv.Key, ConfigOperation.Set, kv.Value))
            .Concat((delete ?? []).SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(k => new ConfigAlteration(k, ConfigOperation.Delete)))
            .ToList();
        if (changes.Count == 0)
        {
            throw CliException.Usage("nothing to change: give --set key=value or --delete key");
        }

        (await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<ConfigAlteration>> { [resource] = changes }, ct: ct)).ThrowIfAnyFailed();
        Console.Out.WriteLine($"Completed updating config for {Describe(resource)}.");
    }

    public static string Describe(ConfigResource resource) => resource.Type switch
    {
        ConfigResourceType.Topic => $"topic {resource.Name}",
        ConfigResourceType.Broker when resource.Name.Length == 0 => "broker default",
        _ => $"broker {resource.Name}",
    };
}
