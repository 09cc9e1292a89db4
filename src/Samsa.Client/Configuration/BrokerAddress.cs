using System.Globalization;
using Samsa.Client.Errors;

namespace Samsa.Client.Configuration;

/// <summary>A broker's host and port, as <c>bootstrap.servers</c> lists them and Metadata returns them.</summary>
public readonly record struct BrokerAddress(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses <c>host:port</c>, <c>[ipv6]:port</c>, optionally prefixed with a listener name as <c>PLAINTEXT://</c>.</summary>
    public static BrokerAddress Parse(string text)
    {
        var s = text.Trim();
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            s = s[(scheme + 3)..];
        }

        string host;
        string port;
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= s.Length || s[close + 1] != ':')
            {
                throw Invalid(text);
            }

            host = s[1..close];
            port = s[(close + 2)..];
        }
        else
        {
            var colon = s.LastIndexOf(':');
            if (colon <= 0)
            {
                throw Invalid(text);
            }

            host = s[..colon];
            port = s[(colon + 1)..];
        }

        if (host.Length == 0 || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is <= 0 or > 65535)
        {
            throw Invalid(text);
        }

        return new BrokerAddress(host, p);
    }

    /// <summary>Parses a comma-separated list, as in <c>bootstrap.servers</c>.</summary>
    public static IReadOnlyList<BrokerAddress> ParseList(string text)
    {
        var result = new List<BrokerAddress>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result.Add(Parse(part));
        }

        if (result.Count == 0)
        {
            throw new ClientConfigException("bootstrap.servers lists no broker");
        }

        return result;
    }

    private static ClientConfigException Invalid(string text) =>
        new($"invalid broker address '{text}' in bootstrap.servers: expected host:port");
}
