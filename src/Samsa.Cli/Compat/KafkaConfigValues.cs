using System.Text.RegularExpressions;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>How kafka-configs.sh reads --add-config (square brackets group a value's commas), --add-config-file and --delete-config.</summary>
internal static class KafkaConfigValues
{
    /// <summary>A comma or equals sign outside square brackets: what follows it reaches a '[' or the end before any ']'.</summary>
    private const string OutsideBrackets = @"(?=[^\]]*(?:\[|$))";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>The configs to set: the file's properties, then those of "k1=v1,k2=[v2a,v2b]" ("k=" sets an empty value).</summary>
    public static Dictionary<string, string> ToAdd(string? addConfig, string? addConfigFile)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (addConfigFile is not null)
        {
            if (!File.Exists(addConfigFile))
            {
                throw CliException.Usage($"--add-config-file: file {addConfigFile} does not exist");
            }

            foreach (var (key, value) in JavaPropertiesReader.ReadFile(addConfigFile))
            {
                result[key] = value;
            }
        }

        foreach (var pair in addConfig is null ? [] : Regex.Split(addConfig, "," + OutsideBrackets, RegexOptions.None, Timeout))
        {
            var parts = Regex.Split(pair, @"\s*=\s*" + OutsideBrackets, RegexOptions.None, Timeout);
            if (parts.Length != 2)
            {
                throw CliException.Usage("Invalid entity config: all configs to be added must be in the format \"key=val\" or  \"key=[val1,val2]\" to group values which contain commas.");
            }

            result[parts[0].Trim()] = parts[1].Replace("[", string.Empty, StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal).Trim();
        }

        if (result.Keys.FirstOrDefault(k => !Regex.IsMatch(k, @"\A[a-zA-Z0-9._-]*\z", RegexOptions.None, Timeout)) is { } bad)
        {
            throw CliException.Usage($"Invalid character found for config key: {bad}");
        }

        return result;
    }

    /// <summary>The keys of every --delete-config, each a comma-separated list.</summary>
    public static List<string> ToDelete(IEnumerable<string>? deleteConfig) =>
        [.. (deleteConfig ?? []).SelectMany(d => d.Split(',')).Select(k => k.Trim())];
}
