using Samsa.Client.Configuration;

namespace Samsa.Client.Network;

/// <summary>What one broker connection needs from the client configuration.</summary>
internal sealed record ConnectionSettings(
    string ClientId,
    int RequestTimeoutMs,
    int ConnectTimeoutMs,
    int MaxInFlight,
    int SendBufferBytes,
    int ReceiveBufferBytes,
    string SoftwareName,
    string SoftwareVersion)
{
    public static ConnectionSettings From(ClientConfig config) => new(
        config.ClientId,
        config.RequestTimeoutMs,
        config.SocketConnectionSetupTimeoutMs,
        config.MaxInFlightRequestsPerConnection,
        config.SendBufferBytes,
        config.ReceiveBufferBytes,
        config.ClientSoftwareName,
        config.ClientSoftwareVersion);
}
