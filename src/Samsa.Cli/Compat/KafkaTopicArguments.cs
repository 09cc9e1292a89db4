using System.Globalization;
using System.Text.RegularExpressions;
using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Compat;

/// <summary>How kafka-topics.sh reads --topic (a regular expression), --replica-assignment and --config.</summary>
internal static class KafkaTopicArguments
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The topics whose whole name matches <paramref name="pattern"/> as Kafka reads it (commas mean "or", spaces and
    /// surrounding quotes are dropped), sorted; every topic when there is no pattern.
    /// </summary>
    public static async Task<List<string>> MatchingAsync(KafkaAdminClient admin, string? pattern, bool excludeInternal, CancellationToken ct)
    {
        var all = await admin.ListTopicsAsync(includeInternal: !excludeInternal, ct);
        if (pattern is null)
        {
            return [.. all];
        }

        var regex = Compile(pattern);
        return [.. all.Where(t => regex.IsMatch(t))];
    }

    /// <summary>Kafka's "does not exist as expected" failure when a named topic matched nothing (exit 1, as for an unknown topic).</summary>
    public static void EnsureFound(IReadOnlyCollection<string> found, string? pattern, bool ifExists)
    {
        if (!string.IsNullOrEmpty(pattern) && !ifExists && found.Count == 0)
        {
            throw new CliException($"Topic '{pattern}' does not exist as expected");
        }
    }

    private static Regex Compile(string pattern)
    {
        var text = Regex.Replace(pattern.Trim().Replace(',', '|').Replace(" ", string.Empty, StringComparison.Ordinal), "^[\"']+|[\"']+$", string.Empty, RegexOptions.None, RegexTimeout);
        return KafkaTopicPattern.WholeName(text, _ => CliException.Usage($"{text} is an invalid regex."));
    }

    /// <summary>"1:2,2:3" → partition 0 on brokers 1 and 2, partition 1 on 2 and 3; every partition with the same replica count.</summary>
    public static Dictionary<int, IReadOnlyList<int>> ReplicaAssignment(string text)
    {
        var result = new Dictionary<int, IReadOnlyList<int>>();
        var partitions = text.Split(',');
        for (var partition = 0; partition < partitions.Length; partition++)
        {
            var brokers = partitions[partition].Split(':').Select(BrokerId).ToList();
            var duplicates = brokers.GroupBy(b => b).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
            {
                throw new CliException($"Partition replica lists may not contain duplicate entries: {string.Join(',', duplicates)}");
            }

            if (partition > 0 && brokers.Count != result[0].Count)
            {
                throw new CliException($"Partition {partition} has different replication factor: [{string.Join(", ", brokers)}]");
            }

            result[partition] = brokers;
        }

        return result;
    }

    private static int BrokerId(string text) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw CliException.Usage($"--replica-assignment: For input string: \"{text.Trim()}\" (expected broker ids, e.g. 1:2,2:3)");

    /// <summary>Each --config is one name=value (the value may hold commas, as in cleanup.policy=compact,delete).</summary>
    public static Dictionary<string, string?> Configs(IEnumerable<string>? configs)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var config in configs ?? [])
        {
            var parts = Regex.Split(config, @"\s*=\s*", RegexOptions.None, RegexTimeout).Reverse().SkipWhile(p => p.Length == 0).Reverse().ToList();
            if (parts.Count != 2)
            {
                throw CliException.Usage("requirement failed: Invalid topic config: all configs to be added must be in the format \"key=val\".");
            }

            result[parts[0].Trim()] = parts[1].Trim();
        }

        return result;
    }
}
