using System.Collections.Immutable;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Image;

/// <summary>One endpoint of a registered broker: listener name, advertised host and port, security protocol id (0 = PLAINTEXT).</summary>
public sealed record BrokerEndpoint(string Name, string Host, int Port, short SecurityProtocol);

/// <summary>A feature range a broker supports.</summary>
public readonly record struct SupportedFeature(string Name, short MinVersion, short MaxVersion);

/// <summary>
/// A broker as the metadata log knows it: what RegisterBrokerRecord said, updated by Fence/Unfence and
/// BrokerRegistrationChange records. The epoch is the offset of the registration record.
/// </summary>
public sealed record BrokerRegistration
{
    public required int Id { get; init; }

    public required long Epoch { get; init; }

    public required Uuid IncarnationId { get; init; }

    public required ImmutableArray<BrokerEndpoint> Endpoints { get; init; }

    public ImmutableArray<SupportedFeature> Features { get; init; } = [];

    public string? Rack { get; init; }

    /// <summary>A fenced broker leads no partition and is left out of Metadata responses.</summary>
    public bool Fenced { get; init; } = true;

    public bool InControlledShutdown { get; init; }

    public ImmutableArray<Uuid> LogDirs { get; init; } = [];

    /// <summary>Unfenced and not shutting down: may lead partitions and join ISRs.</summary>
    public bool IsActive => !Fenced && !InControlledShutdown;

    /// <summary>Value equality, element by element (an ImmutableArray alone compares by reference).</summary>
    public bool Equals(BrokerRegistration? other) =>
        other is not null
        && Id == other.Id
        && Epoch == other.Epoch
        && IncarnationId == other.IncarnationId
        && Rack == other.Rack
        && Fenced == other.Fenced
        && InControlledShutdown == other.InControlledShutdown
        && Endpoints.SequenceEqual(other.Endpoints)
        && Features.SequenceEqual(other.Features)
        && LogDirs.SequenceEqual(other.LogDirs);

    public override int GetHashCode() => HashCode.Combine(Id, Epoch, IncarnationId);

    public BrokerEndpoint? Endpoint(string listenerName)
    {
        foreach (var endpoint in Endpoints)
        {
            if (string.Equals(endpoint.Name, listenerName, StringComparison.Ordinal))
            {
                return endpoint;
            }
        }

        return null;
    }
}
