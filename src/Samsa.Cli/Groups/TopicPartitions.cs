using System.Globalization;
using Samsa.Cli.Common;
using Samsa.Client;
using Samsa.Client.Admin;

namespace Samsa.Cli.Groups;

/// <summary>Kafka's topic selectors: <c>topic</c> (every partition) or <c>topic:0,2</c>.</summary>
internal static class TopicPartitions
{
    public static async Task<List<TopicPartition>> ResolveAsync(KafkaAdminClient admin, IEnumerable<string> selectors, CancellationToken ct)
    {
        var result = new List<TopicPartition>();
        var whole = new List<string>();
        foreach (var selector in selectors)
        {
            var colon = selector.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                whole.Add(selector);
                continue;
            }

            var topic = selector[..colon];
            foreach (var p in selector[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
                {
                    throw CliException.Usage($"bad partition '{p}' in '{selector}': expected topic or topic:0,1,2");
                }

                result.Add(new TopicPartition(topic, partition));
            }
        }

        if (whole.Count > 0)
        {
            result.AddRange(await Admin.PartitionsAsync(admin, whole, ct));
        }

        return result;
    }
}
