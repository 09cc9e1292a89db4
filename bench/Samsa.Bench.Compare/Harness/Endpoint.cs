using System.Globalization;
using System.Net;

namespace Samsa.Bench.Compare.Harness;

/// <summary>The harness only ever talks to this machine: every endpoint must be a loopback address.</summary>
internal static class Endpoint
{
    /// <summary>Returns "127.0.0.1:port" (or the given loopback address) or throws for anything else.</summary>
    public static string RequireLoopback(string hostPort)
    {
        var (host, port) = Split(hostPort);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            host = "127.0.0.1";
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"'{hostPort}' is not a loopback address: the harness only talks to 127.0.0.0/8 or [::1]");
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]:{port}"
            : $"{address}:{port}";
    }

    public static (string Host, int Port) Split(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{hostPort}' is not host:port");
        }

        return (hostPort[..colon], port);
    }
}
