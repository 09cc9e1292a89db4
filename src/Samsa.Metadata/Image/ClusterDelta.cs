using System.Collections.Immutable;
using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Image;

/// <summary>Broker registration changes in a delta; a null entry means the broker was unregistered.</summary>
internal sealed class ClusterDelta(ClusterImage image)
{
    public Dictionary<int, BrokerRegistration?> Changed { get; } = [];

    public void Replay(RegisterBrokerRecord record)
    {
        var endpoints = ImmutableArray.CreateBuilder<BrokerEndpoint>(record.EndPoints.Count);
        foreach (var endpoint in record.EndPoints)
        {
            endpoints.Add(new BrokerEndpoint(endpoint.Name, endpoint.Host, endpoint.Port, endpoint.SecurityProtocol));
        }

        var features = ImmutableArray.CreateBuilder<SupportedFeature>(record.Features.Count);
        foreach (var feature in record.Features)
        {
            features.Add(new SupportedFeature(feature.Name, feature.MinSupportedVersion, feature.MaxSupportedVersion));
        }

        Changed[record.BrokerId] = new BrokerRegistration
        {
            Id = record.BrokerId,
            Epoch = record.BrokerEpoch,
            IncarnationId = record.IncarnationId,
            Endpoints = endpoints.MoveToImmutable(),
            Features = features.MoveToImmutable(),
            Rack = record.Rack,
            Fenced = record.Fenced,
            InControlledShutdown = record.InControlledShutdown,
            LogDirs = [.. record.LogDirs],
        };
    }

    public void Replay(UnregisterBrokerRecord record)
    {
        var current = Current(record.BrokerId, "UnregisterBrokerRecord");
        if (current.Epoch != record.BrokerEpoch)
        {
            throw new MetadataReplayException($"UnregisterBrokerRecord for broker {record.BrokerId} epoch {record.BrokerEpoch}, but its epoch is {current.Epoch}");
        }

        Changed[record.BrokerId] = null;
    }

    public void SetFenced(int id, long epoch, bool fenced)
    {
        var current = Current(id, fenced ? "FenceBrokerRecord" : "UnfenceBrokerRecord");
        if (current.Epoch != epoch)
        {
            throw new MetadataReplayException($"{(fenced ? "Fence" : "Unfence")}BrokerRecord for broker {id} epoch {epoch}, but its epoch is {current.Epoch}");
        }

        Changed[id] = current with { Fenced = fenced };
    }

    /// <summary>Fenced: 1 fences, -1 unfences, 0 leaves it; InControlledShutdown: 1 enters it; LogDirs replace when present.</summary>
    public void Replay(BrokerRegistrationChangeRecord record)
    {
        var current = Current(record.BrokerId, "BrokerRegistrationChangeRecord");
        if (current.Epoch != record.BrokerEpoch)
        {
            throw new MetadataReplayException($"BrokerRegistrationChangeRecord for broker {record.BrokerId} epoch {record.BrokerEpoch}, but its epoch is {current.Epoch}");
        }

        var next = record.Fenced switch
        {
            1 => current with { Fenced = true },
            -1 => current with { Fenced = false },
            0 => current,
            _ => throw new MetadataReplayException($"BrokerRegistrationChangeRecord has unknown fencing change {record.Fenced}"),
        };
        if (record.InControlledShutdown == 1)
        {
            next = next with { InControlledShutdown = true };
        }

        if (record.LogDirs.Count > 0)
        {
            next = next with { LogDirs = [.. record.LogDirs] };
        }

        Changed[record.BrokerId] = next;
    }

    public ClusterImage Apply()
    {
        if (Changed.Count == 0)
        {
            return image;
        }

        var brokers = image.Brokers.ToBuilder();
        foreach (var (id, registration) in Changed)
        {
            if (registration is null)
            {
                brokers.Remove(id);
            }
            else
            {
                brokers[id] = registration;
            }
        }

        return new ClusterImage(brokers.ToImmutable());
    }

    private BrokerRegistration Current(int id, string recordName)
    {
        if (Changed.TryGetValue(id, out var changed))
        {
            return changed ?? throw new MetadataReplayException($"{recordName} for broker {id}, which was unregistered");
        }

        return image.Broker(id) ?? throw new MetadataReplayException($"{recordName} for broker {id}, which is not registered");
    }
}
