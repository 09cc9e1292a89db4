using System.Text.RegularExpressions;
using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Compat;

/// <summary>
/// --include: the topics whose whole name matches a regular expression (Java's Pattern.matches), internal topics
/// left out as Kafka's consumer leaves them out. Resolved once when the tool starts.
/// </summary>
internal static class KafkaTopicPattern
{
    public static async Task<List<string>> MatchAsync(KafkaAdminClient admin, string pattern, CancellationToken ct)
    {
        Regex regex;
        try
        {
            regex = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"--include '{pattern}' is not a valid regular expression: {e.Message}");
        }

        var topics = (await admin.ListTopicsAsync(includeInternal: false, ct)).Where(t => regex.IsMatch(t)).Order(StringComparer.Ordinal).ToList();
        return topics.Count > 0 ? topics : throw new CliException($"no topic matches --include '{pattern}'");
    }
}
