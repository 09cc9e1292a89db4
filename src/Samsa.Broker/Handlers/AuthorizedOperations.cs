namespace Samsa.Broker.Handlers;

/// <summary>
/// The authorized-operations bit fields of Metadata and DescribeCluster (bit n = Kafka's AclOperation n). With no
/// authorizer every operation the resource supports is allowed, as Kafka reports it; INT_MIN means "not asked".
/// </summary>
internal static class AuthorizedOperations
{
    public const int NotRequested = int.MinValue;

    // READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11.
    public const int Topic = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

    // CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12,
    // CREATE_TOKENS 13, DESCRIBE_TOKENS 14.
    public const int Cluster = (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);
}
