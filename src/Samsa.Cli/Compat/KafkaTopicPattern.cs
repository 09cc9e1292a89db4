using System.Text.RegularExpressions;
using Samsa.Cli.Common;
using Samsa.Client;
using Samsa.Client.Admin;
using Samsa.Client.Consumer;

namespace Samsa.Cli.Compat;

/// <summary>
/// --include: the topics whose whole name matches a regular expression (Java's Pattern.matches), internal topics
/// left out as Kafka's consumer leaves them out. Resolved once when the tool starts.
/// </summary>
internal static class KafkaTopicPattern
{
    public static async Task<List<string>> MatchAsync(KafkaAdminClient admin, string pattern, CancellationToken ct)
    {
        var regex = WholeName(pattern, e => CliException.Usage($"--include '{pattern}' is not a valid regular expression: {e.Message}"));
        var topics = (await admin.ListTopicsAsync(includeInternal: false, ct)).Where(t => regex.IsMatch(t)).Order(StringComparer.Ordinal).ToList();
        return topics.Count > 0 ? topics : throw new CliException($"no topic matches --include '{pattern}'");
    }

    /// <summary>A regular expression that must match a whole topic name (Java's Pattern.matches); <paramref name="invalid"/> says why one does not compile.</summary>
    public static Regex WholeName(string pattern, Func<ArgumentException, Exception> invalid)
    {
        try
        {
            return new Regex($@"\A(?:{pattern})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw invalid(e);
        }
    }

    /// <summary>
    /// The console and perf consumers' start: with a group, subscribes to the named or matched topics and returns
    /// null; without one, returns those topics' partitions for the caller to assign and position.
    /// </summary>
    public static async Task<List<TopicPartition>?> SubscribeOrListAsync(
        KafkaConsumer consumer, KafkaAdminClient admin, IReadOnlyList<string>? topics, string? include, string? group, CancellationToken ct)
    {
        var named = topics ?? await MatchAsync(admin, include!, ct);
        if (group is not null)
        {
            consumer.Subscribe(named);
            return null;
        }

        return await Admin.PartitionsAsync(admin, named, ct);
    }
}
