using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Controller;

/// <summary>
/// What a broker asks of the active controller: every change to cluster metadata goes through here and becomes
/// records in the metadata log. The request and response types are the protocol's own (as Kafka's
/// <c>Controller</c> interface), so a forwarding implementation can send them to a remote active controller
/// (Kafka's broker-to-controller channel) without changing any handler.
/// </summary>
public interface IClusterController
{
    /// <summary>
    /// CreateTopics: per-topic results with Kafka's error codes and messages; with <c>validateOnly</c> nothing is
    /// written. Completes after the records are committed.
    /// </summary>
    Task<CreateTopicsResponse> CreateTopicsAsync(CreateTopicsRequest request, CancellationToken cancellationToken);

    /// <summary>DeleteTopics by name or id (either in each entry); one result per entry, in order.</summary>
    Task<List<DeleteTopicsResponse.DeletableTopicResult>> DeleteTopicsAsync(IReadOnlyList<DeleteTopicsRequest.DeleteTopicState> topics, CancellationToken cancellationToken);

    Task<CreatePartitionsResponse> CreatePartitionsAsync(CreatePartitionsRequest request, CancellationToken cancellationToken);

    /// <summary>IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT) on topic and broker resources.</summary>
    Task<IncrementalAlterConfigsResponse> IncrementalAlterConfigsAsync(IncrementalAlterConfigsRequest request, CancellationToken cancellationToken);

    /// <summary>The legacy AlterConfigs: each resource's overrides are replaced by the given set.</summary>
    Task<AlterConfigsResponse> LegacyAlterConfigsAsync(AlterConfigsRequest request, CancellationToken cancellationToken);

    /// <summary>A block of producer ids for a broker's transaction coordinator or idempotent producers.</summary>
    Task<AllocateProducerIdsResponse> AllocateProducerIdsAsync(AllocateProducerIdsRequest request, CancellationToken cancellationToken);

    /// <summary>A broker joins (or rejoins after a restart): registered fenced, with a new broker epoch.</summary>
    Task<BrokerRegistrationResponse> RegisterBrokerAsync(BrokerRegistrationRequest request, CancellationToken cancellationToken);

    /// <summary>A broker's heartbeat: unfences it once it has caught up with the metadata log, and elects it leader where nobody leads.</summary>
    Task<BrokerHeartbeatResponse> BrokerHeartbeatAsync(BrokerHeartbeatRequest request, CancellationToken cancellationToken);
}
