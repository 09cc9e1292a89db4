using System.Globalization;
using System.Text.RegularExpressions;
using Samsa.Broker.Network;

namespace Samsa.Broker.Configuration;

/// <summary>Parses <c>listeners</c>-style values (<c>NAME://host:port,...</c>) and the listener security protocol map.</summary>
internal static partial class ListenerParser
{
    public static IReadOnlyList<ListenerEndpoint> Parse(string key, string value, IReadOnlyDictionary<string, string> protocols)
    {
        var result = new List<ListenerEndpoint>();
        foreach (var raw in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = ListenerPattern().Match(raw);
            if (!match.Success
                || !int.TryParse(match.Groups["port"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port > 65535)
            {
                throw new ConfigException(key, value, $"'{raw}' is not NAME://host:port with a port in 0..65535");
            }

            var name = match.Groups["name"].Value.ToUpperInvariant();
            if (!protocols.TryGetValue(name, out var protocol))
            {
                throw new ConfigException(key, value, $"listener {name} has no security protocol in listener.security.protocol.map");
            }

            if (result.Exists(l => l.Name == name))
            {
                throw new ConfigException(key, value, $"listener name {name} appears more than once");
            }

            if (result.Exists(l => l.Port == port && port != 0))
            {
                throw new ConfigException(key, value, $"each listener needs its own port; {port} is used twice");
            }

            result.Add(new ListenerEndpoint(name, match.Groups["host"].Value.Trim('[', ']'), port, protocol));
        }

        return result;
    }

    public static Dictionary<string, string> ParseProtocolMap(string value)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(':', StringSplitOptions.TrimEntries);
            var protocol = parts.Length == 2 ? parts[1].ToUpperInvariant() : "";
            if (parts.Length != 2 || parts[0].Length == 0 || protocol is not ("PLAINTEXT" or "SSL" or "SASL_PLAINTEXT" or "SASL_SSL"))
            {
                throw new ConfigException(BrokerConfigs.ListenerSecurityProtocolMap.Name, value, $"'{pair}' is not NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
            }

            map[parts[0].ToUpperInvariant()] = protocol;
        }

        return map;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_\-]+)://(?<host>\[[0-9A-Fa-f:.%a-z]*\]|[^:/\[\]]*):(?<port>[0-9]+)$")]
    private static partial Regex ListenerPattern();
}
