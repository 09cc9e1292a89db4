using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Network;

/// <summary>The client broke the framing (bad size field, frame cut short): only its connection is closed.</summary>
internal sealed class ConnectionClosingException(string message, LogLevel level) : Exception(message)
{
    public LogLevel Level { get; } = level;
}
