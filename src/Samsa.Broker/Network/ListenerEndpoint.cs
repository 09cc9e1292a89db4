namespace Samsa.Broker.Network;

/// <summary>
/// One entry of <c>listeners</c>: <c>NAME://host:port</c>. An empty host or 0.0.0.0 binds every IPv4
/// interface, <c>[::]</c> every interface; port 0 asks the OS for a free port (tests).
/// </summary>
public sealed record ListenerEndpoint(string Name, string Host, int Port, string SecurityProtocol)
{
    public bool IsWildcardHost => Host.Length == 0 || Host is "0.0.0.0" or "::";

    public override string ToString() => $"{Name}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}
