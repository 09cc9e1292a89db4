using Samsa.Metadata.Image;
using Samsa.Metadata.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Controller;

/// <summary>Broker registration, fencing and producer id blocks, as Kafka's ClusterControlManager and ProducerIdControlManager.</summary>
internal static class ClusterControl
{
    /// <summary>
    /// A registration record for the broker, fenced, whose epoch is the offset the record will have. A broker that
    /// re-registers (a restart: a new incarnation) replaces its old registration.
    /// </summary>
    public static ControllerResult<BrokerRegistrationResponse> Register(MetadataImage image, BrokerRegistrationRequest request, long nextOffset)
    {
        if (request.ClusterId != image.ClusterId)
        {
            return Error(ErrorCode.InconsistentClusterId);
        }

        var level = image.Features.MetadataVersionLevel;
        var metadataVersion = request.Features.FirstOrDefault(f => f.Name == MetadataVersion.FeatureName);
        if (metadataVersion is null || level < metadataVersion.MinSupportedVersion || level > metadataVersion.MaxSupportedVersion)
        {
            return Error(ErrorCode.UnsupportedVersion);
        }

        var record = new RegisterBrokerRecord
        {
            BrokerId = request.BrokerId,
            IncarnationId = request.IncarnationId,
            BrokerEpoch = nextOffset,
            EndPoints = [.. request.Listeners.Select(l => new RegisterBrokerRecord.BrokerEndpoint { Name = l.Name, Host = l.Host, Port = l.Port, SecurityProtocol = l.SecurityProtocol })],
            Features = [.. request.Features.Select(f => new RegisterBrokerRecord.BrokerFeature { Name = f.Name, MinSupportedVersion = f.MinSupportedVersion, MaxSupportedVersion = f.MaxSupportedVersion })],
            Rack = request.Rack,
            Fenced = true,
            InControlledShutdown = false,
            LogDirs = [.. request.LogDirs],
        };
        return new ControllerResult<BrokerRegistrationResponse>(
            [MetadataRecordAndVersion.Of(record)],
            new BrokerRegistrationResponse { BrokerEpoch = nextOffset });
    }

    /// <summary>
    /// A heartbeat: a fenced broker that does not want to stay fenced and has replayed the log up to its
    /// registration is unfenced, and becomes leader of the partitions it can lead.
    /// </summary>
    public static ControllerResult<BrokerHeartbeatResponse> Heartbeat(MetadataImage image, BrokerHeartbeatRequest request)
    {
        var broker = image.Cluster.Broker(request.BrokerId);
        if (broker is null || broker.Epoch != request.BrokerEpoch)
        {
            return ControllerResult.Of(new BrokerHeartbeatResponse { ErrorCode = (short)ErrorCode.StaleBrokerEpoch, IsFenced = true });
        }

        var caughtUp = request.CurrentMetadataOffset >= broker.Epoch;
        var records = new List<MetadataRecordAndVersion>();
        var fenced = broker.Fenced;
        if (broker.Fenced && !request.WantFence && caughtUp)
        {
            records.Add(MetadataRecordAndVersion.Of(new UnfenceBrokerRecord { Id = broker.Id, Epoch = broker.Epoch }));
            ReplicationControl.ElectUnfencedBroker(image, broker.Id, records);
            fenced = false;
        }
        else if (!broker.Fenced && request.WantFence)
        {
            records.Add(MetadataRecordAndVersion.Of(new FenceBrokerRecord { Id = broker.Id, Epoch = broker.Epoch }));
            fenced = true;
        }

        return new ControllerResult<BrokerHeartbeatResponse>(records, new BrokerHeartbeatResponse
        {
            IsCaughtUp = caughtUp,
            IsFenced = fenced,
            ShouldShutDown = request.WantShutDown,
        });
    }

    public static ControllerResult<AllocateProducerIdsResponse> AllocateProducerIds(MetadataImage image, AllocateProducerIdsRequest request, int blockSize)
    {
        var broker = image.Cluster.Broker(request.BrokerId);
        if (broker is null || broker.Epoch != request.BrokerEpoch)
        {
            return ControllerResult.Of(new AllocateProducerIdsResponse { ErrorCode = (short)ErrorCode.StaleBrokerEpoch });
        }

        var start = Math.Max(image.ProducerIds.NextProducerId, 0);
        if (start > long.MaxValue - blockSize)
        {
            return ControllerResult.Of(new AllocateProducerIdsResponse { ErrorCode = (short)ErrorCode.UnknownServerError });
        }

        var record = new ProducerIdsRecord { BrokerId = request.BrokerId, BrokerEpoch = request.BrokerEpoch, NextProducerId = start + blockSize };
        return new ControllerResult<AllocateProducerIdsResponse>(
            [MetadataRecordAndVersion.Of(record)],
            new AllocateProducerIdsResponse { ProducerIdStart = start, ProducerIdLen = blockSize });
    }

    private static ControllerResult<BrokerRegistrationResponse> Error(ErrorCode code) =>
        ControllerResult.Of(new BrokerRegistrationResponse { ErrorCode = (short)code, BrokerEpoch = -1 });
}
