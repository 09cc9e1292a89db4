using System.Net;
using System.Net.Sockets;

namespace Samsa.Client.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>A loopback port nothing listens on (bound and released at once).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
