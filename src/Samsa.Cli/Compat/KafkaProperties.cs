using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>
/// Property flags and files as Kafka's tools read them: each flag value is one key=value split at its first '='
/// (commas and spaces stay in the value, so <c>headers.separator=,</c> works), and files are Java properties files.
/// </summary>
internal static class KafkaProperties
{
    public static Dictionary<string, string> Parse(IEnumerable<string>? pairs, string flag)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw CliException.Usage($"{flag} expects key=value, got '{pair}'");
            }

            result[pair[..equals].Trim()] = pair[(equals + 1)..];
        }

        return result;
    }

    /// <summary>A properties file named by <paramref name="flag"/>, or nothing when the flag was not given.</summary>
    public static Dictionary<string, string> File(string? path, string flag) =>
        path is null ? []
        : System.IO.File.Exists(path) ? JavaPropertiesReader.ReadFile(path)
        : throw CliException.Usage($"{flag}: file {path} does not exist");

    /// <summary>Later dictionaries win, as Kafka's flags take precedence over its files.</summary>
    public static Dictionary<string, string> Merge(params IEnumerable<KeyValuePair<string, string>>[] layers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in layers.SelectMany(l => l))
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>Shells pass "\t" as two characters; in a separator it means the tab (and "\n" the newline).</summary>
    public static string Unescape(string text) =>
        text.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\r", "\r", StringComparison.Ordinal);

    /// <summary>Kafka's reading of a true/false property: "true" in any case, anything else is false.</summary>
    public static bool IsTrue(IReadOnlyDictionary<string, string> properties, string key, bool fallback) =>
        properties.TryGetValue(key, out var value) ? value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) : fallback;
}
