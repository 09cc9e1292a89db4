namespace Samsa.Cli.Common;

/// <summary>Parses repeated <c>key=value</c> flags (--config, --property, --producer-props).</summary>
internal static class KeyValues
{
    public static Dictionary<string, string> Parse(IEnumerable<string>? pairs, string flag)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            foreach (var item in pair.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = item.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw CliException.Usage($"{flag} expects key=value, got '{item}'");
                }

                result[item[..equals].Trim()] = item[(equals + 1)..].Trim();
            }
        }

        return result;
    }
}
