namespace Samsa.Protocol.Errors;

/// <summary>What the protocol says about one error code.</summary>
/// <param name="Code">The code.</param>
/// <param name="Name">Kafka's name for it, e.g. <c>UNKNOWN_TOPIC_OR_PARTITION</c>.</param>
/// <param name="IsRetriable">Whether Kafka's clients treat it as transient and retry.</param>
/// <param name="Message">A default human-readable message.</param>
public readonly record struct ErrorCodeInfo(ErrorCode Code, string Name, bool IsRetriable, string Message);

/// <summary>
/// The table of Kafka's error codes, from UNKNOWN_SERVER_ERROR (-1) to the newest codes of the 4.x line.
/// Lookups are array indexing: no dictionary, no allocation.
/// </summary>
public static class ErrorCodes
{
    public const short MinCode = -1;
    public const short MaxCode = 133;

    // Indexed by code - MinCode; the order is checked by a test.
    private static readonly ErrorCodeInfo[] Table =
    [
        new(ErrorCode.UnknownServerError, "UNKNOWN_SERVER_ERROR", false, "The broker hit an unexpected error while handling the request."),
        new(ErrorCode.None, "NONE", false, "No error."),
        new(ErrorCode.OffsetOutOfRange, "OFFSET_OUT_OF_RANGE", false, "The requested offset lies outside the range the partition holds."),
        new(ErrorCode.CorruptMessage, "CORRUPT_MESSAGE", true, "A record batch failed its checksum, has an impossible size, or is otherwise damaged."),
        new(ErrorCode.UnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION", true, "This broker does not host the requested topic-partition."),
        new(ErrorCode.InvalidFetchSize, "INVALID_FETCH_SIZE", false, "The requested fetch size is not valid."),
        new(ErrorCode.LeaderNotAvailable, "LEADER_NOT_AVAILABLE", true, "The partition has no leader right now, most likely because an election is under way."),
        new(ErrorCode.NotLeaderOrFollower, "NOT_LEADER_OR_FOLLOWER", true, "This broker is not the leader (or, for replica requests, not a replica) of the partition."),
        new(ErrorCode.RequestTimedOut, "REQUEST_TIMED_OUT", true, "The request did not complete within its timeout."),
        new(ErrorCode.BrokerNotAvailable, "BROKER_NOT_AVAILABLE", false, "The broker is not available."),
        new(ErrorCode.ReplicaNotAvailable, "REPLICA_NOT_AVAILABLE", true, "The replica is not available for this topic-partition."),
        new(ErrorCode.MessageTooLarge, "MESSAGE_TOO_LARGE", false, "A record batch is larger than the largest message the broker accepts."),
        new(ErrorCode.StaleControllerEpoch, "STALE_CONTROLLER_EPOCH", false, "The request came from a controller whose epoch is out of date."),
        new(ErrorCode.OffsetMetadataTooLarge, "OFFSET_METADATA_TOO_LARGE", false, "The metadata attached to the offset commit is too long."),
        new(ErrorCode.NetworkException, "NETWORK_EXCEPTION", true, "The connection closed before a response arrived."),
        new(ErrorCode.CoordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS", true, "The coordinator is still loading its state and cannot serve the request yet."),
        new(ErrorCode.CoordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE", true, "The coordinator is not available."),
        new(ErrorCode.NotCoordinator, "NOT_COORDINATOR", true, "This broker is not the coordinator for the group or transaction."),
        new(ErrorCode.InvalidTopicException, "INVALID_TOPIC_EXCEPTION", false, "The operation names a topic that is not valid for it."),
        new(ErrorCode.RecordListTooLarge, "RECORD_LIST_TOO_LARGE", false, "The produced records are larger than the partition's segment size."),
        new(ErrorCode.NotEnoughReplicas, "NOT_ENOUGH_REPLICAS", true, "The write was refused: fewer replicas are in sync than min.insync.replicas requires."),
        new(ErrorCode.NotEnoughReplicasAfterAppend, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true, "The write reached the log but fewer replicas than required acknowledged it."),
        new(ErrorCode.InvalidRequiredAcks, "INVALID_REQUIRED_ACKS", false, "The produce request asked for an acks value the broker does not accept."),
        new(ErrorCode.IllegalGeneration, "ILLEGAL_GENERATION", false, "The group generation in the request is not the current one."),
        new(ErrorCode.InconsistentGroupProtocol, "INCONSISTENT_GROUP_PROTOCOL", false, "The member's protocols do not match the group's, or the protocol list is empty."),
        new(ErrorCode.InvalidGroupId, "INVALID_GROUP_ID", false, "The group id is not valid."),
        new(ErrorCode.UnknownMemberId, "UNKNOWN_MEMBER_ID", false, "The coordinator does not know this member id."),
        new(ErrorCode.InvalidSessionTimeout, "INVALID_SESSION_TIMEOUT", false, "The session timeout is outside group.min.session.timeout.ms and group.max.session.timeout.ms."),
        new(ErrorCode.RebalanceInProgress, "REBALANCE_IN_PROGRESS", false, "The group is rebalancing; the member has to rejoin."),
        new(ErrorCode.InvalidCommitOffsetSize, "INVALID_COMMIT_OFFSET_SIZE", false, "The size of the offset commit is not valid."),
        new(ErrorCode.TopicAuthorizationFailed, "TOPIC_AUTHORIZATION_FAILED", false, "The principal is not authorized for this topic operation."),
        new(ErrorCode.GroupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED", false, "The principal is not authorized for this group operation."),
        new(ErrorCode.ClusterAuthorizationFailed, "CLUSTER_AUTHORIZATION_FAILED", false, "The principal is not authorized for this cluster operation."),
        new(ErrorCode.InvalidTimestamp, "INVALID_TIMESTAMP", false, "A record timestamp is outside the range the topic accepts."),
        new(ErrorCode.UnsupportedSaslMechanism, "UNSUPPORTED_SASL_MECHANISM", false, "The broker does not offer the requested SASL mechanism."),
        new(ErrorCode.IllegalSaslState, "ILLEGAL_SASL_STATE", false, "The request is not allowed at this point of the SASL exchange."),
        new(ErrorCode.UnsupportedVersion, "UNSUPPORTED_VERSION", false, "The broker does not support this version of the API."),
        new(ErrorCode.TopicAlreadyExists, "TOPIC_ALREADY_EXISTS", false, "A topic with this name already exists."),
        new(ErrorCode.InvalidPartitions, "INVALID_PARTITIONS", false, "The number of partitions is not valid."),
        new(ErrorCode.InvalidReplicationFactor, "INVALID_REPLICATION_FACTOR", false, "The replication factor is below 1 or above the number of available brokers."),
        new(ErrorCode.InvalidReplicaAssignment, "INVALID_REPLICA_ASSIGNMENT", false, "The replica assignment is not valid."),
        new(ErrorCode.InvalidConfig, "INVALID_CONFIG", false, "The configuration is not valid."),
        new(ErrorCode.NotController, "NOT_CONTROLLER", true, "This node is not the active controller."),
        new(ErrorCode.InvalidRequest, "INVALID_REQUEST", false, "The request is malformed or not valid for this broker; the broker log has details."),
        new(ErrorCode.UnsupportedForMessageFormat, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false, "The operation is not supported by the record format in use."),
        new(ErrorCode.PolicyViolation, "POLICY_VIOLATION", false, "The request breaks a policy configured on the broker."),
        new(ErrorCode.OutOfOrderSequenceNumber, "OUT_OF_ORDER_SEQUENCE_NUMBER", false, "The producer sequence number is not the next one the broker expects."),
        new(ErrorCode.DuplicateSequenceNumber, "DUPLICATE_SEQUENCE_NUMBER", false, "The producer sequence number was already written."),
        new(ErrorCode.InvalidProducerEpoch, "INVALID_PRODUCER_EPOCH", false, "The producer epoch is older than the current one."),
        new(ErrorCode.InvalidTxnState, "INVALID_TXN_STATE", false, "The transactional operation is not valid in the transaction's current state."),
        new(ErrorCode.InvalidProducerIdMapping, "INVALID_PRODUCER_ID_MAPPING", false, "The producer id is not the one currently assigned to this transactional id."),
        new(ErrorCode.InvalidTransactionTimeout, "INVALID_TRANSACTION_TIMEOUT", false, "The transaction timeout exceeds transaction.max.timeout.ms."),
        new(ErrorCode.ConcurrentTransactions, "CONCURRENT_TRANSACTIONS", true, "Another operation on the same transaction is still in progress."),
        new(ErrorCode.TransactionCoordinatorFenced, "TRANSACTION_COORDINATOR_FENCED", false, "The transaction coordinator that sent the marker is no longer the current one."),
        new(ErrorCode.TransactionalIdAuthorizationFailed, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false, "The principal is not authorized for this transactional id."),
        new(ErrorCode.SecurityDisabled, "SECURITY_DISABLED", false, "Security features are not enabled on this broker."),
        new(ErrorCode.OperationNotAttempted, "OPERATION_NOT_ATTEMPTED", false, "The broker skipped this operation because another part of the batched request failed."),
        new(ErrorCode.KafkaStorageError, "KAFKA_STORAGE_ERROR", true, "A disk error occurred while accessing the log."),
        new(ErrorCode.LogDirNotFound, "LOG_DIR_NOT_FOUND", false, "The named log directory is not configured on this broker."),
        new(ErrorCode.SaslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED", false, "SASL authentication failed."),
        new(ErrorCode.UnknownProducerId, "UNKNOWN_PRODUCER_ID", false, "The broker has no state for this producer id, for example because its records were removed by retention."),
        new(ErrorCode.ReassignmentInProgress, "REASSIGNMENT_IN_PROGRESS", false, "A partition reassignment is in progress."),
        new(ErrorCode.DelegationTokenAuthDisabled, "DELEGATION_TOKEN_AUTH_DISABLED", false, "Delegation tokens are not enabled."),
        new(ErrorCode.DelegationTokenNotFound, "DELEGATION_TOKEN_NOT_FOUND", false, "The delegation token does not exist."),
        new(ErrorCode.DelegationTokenOwnerMismatch, "DELEGATION_TOKEN_OWNER_MISMATCH", false, "The principal is not the owner or a renewer of the delegation token."),
        new(ErrorCode.DelegationTokenRequestNotAllowed, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false, "Delegation token requests are not allowed on this connection."),
        new(ErrorCode.DelegationTokenAuthorizationFailed, "DELEGATION_TOKEN_AUTHORIZATION_FAILED", false, "The principal is not authorized for this delegation token operation."),
        new(ErrorCode.DelegationTokenExpired, "DELEGATION_TOKEN_EXPIRED", false, "The delegation token has expired."),
        new(ErrorCode.InvalidPrincipalType, "INVALID_PRINCIPAL_TYPE", false, "The principal type is not supported."),
        new(ErrorCode.NonEmptyGroup, "NON_EMPTY_GROUP", false, "The group still has members."),
        new(ErrorCode.GroupIdNotFound, "GROUP_ID_NOT_FOUND", false, "The group does not exist."),
        new(ErrorCode.FetchSessionIdNotFound, "FETCH_SESSION_ID_NOT_FOUND", true, "The fetch session does not exist."),
        new(ErrorCode.InvalidFetchSessionEpoch, "INVALID_FETCH_SESSION_EPOCH", true, "The fetch session epoch is not the expected one."),
        new(ErrorCode.ListenerNotFound, "LISTENER_NOT_FOUND", true, "The leader has no listener matching the one this request arrived on."),
        new(ErrorCode.TopicDeletionDisabled, "TOPIC_DELETION_DISABLED", false, "Topic deletion is disabled."),
        new(ErrorCode.FencedLeaderEpoch, "FENCED_LEADER_EPOCH", true, "The leader epoch in the request is older than the broker's."),
        new(ErrorCode.UnknownLeaderEpoch, "UNKNOWN_LEADER_EPOCH", true, "The leader epoch in the request is newer than the broker's."),
        new(ErrorCode.UnsupportedCompressionType, "UNSUPPORTED_COMPRESSION_TYPE", false, "The client cannot handle the compression type used by the partition."),
        new(ErrorCode.StaleBrokerEpoch, "STALE_BROKER_EPOCH", false, "The broker epoch in the request is out of date."),
        new(ErrorCode.OffsetNotAvailable, "OFFSET_NOT_AVAILABLE", true, "The new leader's high watermark has not caught up yet, so the offset cannot be served safely."),
        new(ErrorCode.MemberIdRequired, "MEMBER_ID_REQUIRED", false, "The member has to obtain a member id before joining the group."),
        new(ErrorCode.PreferredLeaderNotAvailable, "PREFERRED_LEADER_NOT_AVAILABLE", true, "The preferred leader is not available."),
        new(ErrorCode.GroupMaxSizeReached, "GROUP_MAX_SIZE_REACHED", false, "The group already has its maximum number of members."),
        new(ErrorCode.FencedInstanceId, "FENCED_INSTANCE_ID", false, "Another member with the same group.instance.id replaced this one."),
        new(ErrorCode.EligibleLeadersNotAvailable, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true, "No eligible leader is available for the partition."),
        new(ErrorCode.ElectionNotNeeded, "ELECTION_NOT_NEEDED", true, "The partition does not need a leader election."),
        new(ErrorCode.NoReassignmentInProgress, "NO_REASSIGNMENT_IN_PROGRESS", false, "No partition reassignment is in progress."),
        new(ErrorCode.GroupSubscribedToTopic, "GROUP_SUBSCRIBED_TO_TOPIC", false, "The group's offsets for a topic cannot be deleted while the group is subscribed to it."),
        new(ErrorCode.InvalidRecord, "INVALID_RECORD", false, "A record failed the broker's validation and was rejected."),
        new(ErrorCode.UnstableOffsetCommit, "UNSTABLE_OFFSET_COMMIT", true, "There are pending transactional offset commits for this partition."),
        new(ErrorCode.ThrottlingQuotaExceeded, "THROTTLING_QUOTA_EXCEEDED", true, "The request exceeded a throttling quota."),
        new(ErrorCode.ProducerFenced, "PRODUCER_FENCED", false, "A newer producer with the same transactional id fenced this one."),
        new(ErrorCode.ResourceNotFound, "RESOURCE_NOT_FOUND", false, "The request refers to a resource that does not exist."),
        new(ErrorCode.DuplicateResource, "DUPLICATE_RESOURCE", false, "The request names the same resource more than once."),
        new(ErrorCode.UnacceptableCredential, "UNACCEPTABLE_CREDENTIAL", false, "The credential does not meet the acceptance criteria."),
        new(ErrorCode.InconsistentVoterSet, "INCONSISTENT_VOTER_SET", false, "The sender or receiver of a voter request is not one of the expected voters."),
        new(ErrorCode.InvalidUpdateVersion, "INVALID_UPDATE_VERSION", false, "The update version is not valid."),
        new(ErrorCode.FeatureUpdateFailed, "FEATURE_UPDATE_FAILED", false, "The finalized features could not be updated because of an unexpected error."),
        new(ErrorCode.PrincipalDeserializationFailure, "PRINCIPAL_DESERIALIZATION_FAILURE", false, "The forwarded request's principal could not be deserialized."),
        new(ErrorCode.SnapshotNotFound, "SNAPSHOT_NOT_FOUND", false, "The requested snapshot does not exist."),
        new(ErrorCode.PositionOutOfRange, "POSITION_OUT_OF_RANGE", false, "The requested position is negative or past the end of the snapshot."),
        new(ErrorCode.UnknownTopicId, "UNKNOWN_TOPIC_ID", true, "This broker does not host a topic with this id."),
        new(ErrorCode.DuplicateBrokerRegistration, "DUPLICATE_BROKER_REGISTRATION", false, "Another broker already registered this broker id."),
        new(ErrorCode.BrokerIdNotRegistered, "BROKER_ID_NOT_REGISTERED", false, "The broker id is not registered."),
        new(ErrorCode.InconsistentTopicId, "INCONSISTENT_TOPIC_ID", true, "The topic id in the request does not match the log's topic id."),
        new(ErrorCode.InconsistentClusterId, "INCONSISTENT_CLUSTER_ID", false, "The cluster id in the request does not match this cluster."),
        new(ErrorCode.TransactionalIdNotFound, "TRANSACTIONAL_ID_NOT_FOUND", false, "The transactional id does not exist."),
        new(ErrorCode.FetchSessionTopicIdError, "FETCH_SESSION_TOPIC_ID_ERROR", true, "The fetch session used topic ids inconsistently."),
        new(ErrorCode.IneligibleReplica, "INELIGIBLE_REPLICA", false, "The proposed ISR contains a replica that is not eligible."),
        new(ErrorCode.NewLeaderElected, "NEW_LEADER_ELECTED", false, "The partition state was updated, but a new leader has been elected."),
        new(ErrorCode.OffsetMovedToTieredStorage, "OFFSET_MOVED_TO_TIERED_STORAGE", false, "The requested offset has moved to tiered storage."),
        new(ErrorCode.FencedMemberEpoch, "FENCED_MEMBER_EPOCH", false, "The member epoch was fenced; the member has to give up its partitions and rejoin."),
        new(ErrorCode.UnreleasedInstanceId, "UNRELEASED_INSTANCE_ID", false, "Another member of the group still uses this instance id."),
        new(ErrorCode.UnsupportedAssignor, "UNSUPPORTED_ASSIGNOR", false, "The group does not support the requested assignor or assignor version."),
        new(ErrorCode.StaleMemberEpoch, "STALE_MEMBER_EPOCH", false, "The member epoch is out of date; the member has to refresh it by heartbeating."),
        new(ErrorCode.MismatchedEndpointType, "MISMATCHED_ENDPOINT_TYPE", false, "The request was sent to the wrong type of endpoint."),
        new(ErrorCode.UnsupportedEndpointType, "UNSUPPORTED_ENDPOINT_TYPE", false, "This endpoint type is not supported."),
        new(ErrorCode.UnknownControllerId, "UNKNOWN_CONTROLLER_ID", false, "The controller id is not known."),
        new(ErrorCode.UnknownSubscriptionId, "UNKNOWN_SUBSCRIPTION_ID", false, "The telemetry subscription id is unknown or out of date."),
        new(ErrorCode.TelemetryTooLarge, "TELEMETRY_TOO_LARGE", false, "The pushed telemetry is larger than the broker accepts."),
        new(ErrorCode.InvalidRegistration, "INVALID_REGISTRATION", false, "The controller considers the broker registration not valid."),
        new(ErrorCode.TransactionAbortable, "TRANSACTION_ABORTABLE", false, "The transaction hit an error; aborting it lets the producer continue with this transactional id."),
        new(ErrorCode.InvalidRecordState, "INVALID_RECORD_STATE", false, "The record is not in a state that allows this acknowledgement."),
        new(ErrorCode.ShareSessionNotFound, "SHARE_SESSION_NOT_FOUND", true, "The share session does not exist."),
        new(ErrorCode.InvalidShareSessionEpoch, "INVALID_SHARE_SESSION_EPOCH", true, "The share session epoch is not the expected one."),
        new(ErrorCode.FencedStateEpoch, "FENCED_STATE_EPOCH", false, "The share-group state epoch does not match the coordinator's."),
        new(ErrorCode.InvalidVoterKey, "INVALID_VOTER_KEY", false, "The voter key does not match the receiving replica's key."),
        new(ErrorCode.DuplicateVoter, "DUPLICATE_VOTER", false, "The voter is already in the voter set."),
        new(ErrorCode.VoterNotFound, "VOTER_NOT_FOUND", false, "The voter is not in the voter set."),
        new(ErrorCode.InvalidRegularExpression, "INVALID_REGULAR_EXPRESSION", false, "The regular expression is not valid."),
        new(ErrorCode.RebootstrapRequired, "REBOOTSTRAP_REQUIRED", false, "The client's metadata is stale; it has to bootstrap again."),
        new(ErrorCode.StreamsInvalidTopology, "STREAMS_INVALID_TOPOLOGY", false, "The streams topology is not valid."),
        new(ErrorCode.StreamsInvalidTopologyEpoch, "STREAMS_INVALID_TOPOLOGY_EPOCH", false, "The streams topology epoch is not valid."),
        new(ErrorCode.StreamsTopologyFenced, "STREAMS_TOPOLOGY_FENCED", false, "The streams topology epoch is out of date."),
        new(ErrorCode.ShareSessionLimitReached, "SHARE_SESSION_LIMIT_REACHED", true, "The broker already has its maximum number of share sessions."),
    ];

    /// <summary>Every known code, in numeric order.</summary>
    public static IReadOnlyList<ErrorCodeInfo> All => Table;

    public static bool IsKnown(short code) => code >= MinCode && code <= MaxCode;

    /// <summary>The entry for a code; a code this table does not know reads as UNKNOWN_SERVER_ERROR, as Kafka's clients do.</summary>
    public static ErrorCodeInfo GetInfo(this ErrorCode code) =>
        IsKnown((short)code) ? Table[(short)code - MinCode] : Table[0];

    public static bool TryGetInfo(short code, out ErrorCodeInfo info)
    {
        if (!IsKnown(code))
        {
            info = default;
            return false;
        }

        info = Table[code - MinCode];
        return true;
    }

    /// <summary>Kafka's name for the code, e.g. <c>NOT_LEADER_OR_FOLLOWER</c>.</summary>
    public static string KafkaName(this ErrorCode code) => code.GetInfo().Name;

    public static bool IsRetriable(this ErrorCode code) => code.GetInfo().IsRetriable;

    public static string DefaultMessage(this ErrorCode code) => code.GetInfo().Message;
}
