namespace Samsa.GroupCoordinator;

/// <summary>What the coordinator needs to know about the request beyond its body.</summary>
/// <param name="ApiVersion">The request's version; responses are shaped for it.</param>
/// <param name="ClientId">The request header's client id.</param>
/// <param name="ClientHost">The client's address as Kafka shows it (<c>/127.0.0.1</c>).</param>
public readonly record struct CoordinatorRequestContext(short ApiVersion, string ClientId, string ClientHost);
