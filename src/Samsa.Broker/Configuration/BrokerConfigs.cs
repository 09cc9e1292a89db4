using static Samsa.Broker.Configuration.ConfigUpdateMode;
using static Samsa.Broker.Configuration.ConfigValidator;

namespace Samsa.Broker.Configuration;

/// <summary>
/// The table of broker config keys Samsa knows, with Kafka's names, types, defaults, valid values and dynamic
/// update modes (Kafka 4.x). Samsa's own defaults differ from Kafka's only where <c>KafkaDefaultText</c> is
/// set. Documentation lines are our own words.
/// </summary>
public static class BrokerConfigs
{
    private const string LongMax = "9223372036854775807";
    private const string IntMax = "2147483647";

    // Declared first: the field initialisers below append to it in declaration order.
    private static readonly List<ConfigDefinition> Defined = [];

    // ---- node identity and roles ----
    public static readonly ConfigDefinition<int> NodeId = Int("node.id", "1", ReadOnly, "Id of this node in the cluster, unique among brokers and controllers.", kafkaDefault: "-1");
    public static readonly ConfigDefinition<int> BrokerId = Int("broker.id", "-1", ReadOnly, "Older name of node.id; when set it must equal node.id.");
    public static readonly ConfigDefinition<IReadOnlyList<string>> ProcessRoles = List("process.roles", "broker,controller", ReadOnly, "The roles this node plays: broker, controller, or both (combined mode).", ListOf(false, "broker", "controller"), kafkaDefault: "");
    public static readonly ConfigDefinition<string?> BrokerRack = NullableString("broker.rack", ReadOnly, "Rack (or availability zone) of this broker, used for rack-aware replica placement and fetch-from-follower.");

    // ---- listeners ----
    public static readonly ConfigDefinition<string> Listeners = String("listeners", "PLAINTEXT://127.0.0.1:9092", PerBroker, "Addresses to accept connections on, as NAME://host:port, comma-separated. Empty host or 0.0.0.0 means every interface.", kafkaDefault: "PLAINTEXT://:9092");
    public static readonly ConfigDefinition<string?> AdvertisedListeners = NullableString("advertised.listeners", PerBroker, "Addresses given to clients in metadata, if different from listeners. Unset means listeners, with a wildcard host replaced by this machine's host name.");
    public static readonly ConfigDefinition<string> ListenerSecurityProtocolMap = String("listener.security.protocol.map", "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT", PerBroker, "Security protocol of each listener name, as NAME:PROTOCOL pairs.");
    public static readonly ConfigDefinition<string?> ControllerListenerNames = NullableString("controller.listener.names", ReadOnly, "Listener names used by the controller quorum.");
    public static readonly ConfigDefinition<IReadOnlyList<string>> ControllerQuorumVoters = List("controller.quorum.voters", "", ReadOnly, "Static controller quorum as id@host:port entries. Empty on a combined single node means a quorum of this node alone.");
    public static readonly ConfigDefinition<IReadOnlyList<string>> ControllerQuorumBootstrapServers = List("controller.quorum.bootstrap.servers", "", ReadOnly, "host:port of controllers to discover a dynamic quorum from.");
    public static readonly ConfigDefinition<string?> InterBrokerListenerName = NullableString("inter.broker.listener.name", ReadOnly, "Listener brokers use to talk to each other; unset means the one for security.inter.broker.protocol.");
    public static readonly ConfigDefinition<string> SecurityInterBrokerProtocol = String("security.inter.broker.protocol", "PLAINTEXT", ReadOnly, "Security protocol between brokers when inter.broker.listener.name is unset.", OneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"));

    // ---- socket server ----
    public static readonly ConfigDefinition<int> SocketRequestMaxBytes = Int("socket.request.max.bytes", "104857600", ReadOnly, "Largest request frame accepted; a larger size field closes the connection before any memory is allocated.", AtLeast(1));
    public static readonly ConfigDefinition<int> SocketSendBufferBytes = Int("socket.send.buffer.bytes", "-1", ReadOnly, "SO_SNDBUF of client sockets; -1 (the default; Kafka's is 102400) keeps the operating system's autotuned buffer.");
    public static readonly ConfigDefinition<int> SocketReceiveBufferBytes = Int("socket.receive.buffer.bytes", "-1", ReadOnly, "SO_RCVBUF of client sockets; -1 (the default; Kafka's is 102400) keeps the operating system's autotuned buffer.");
    public static readonly ConfigDefinition<int> SocketListenBacklogSize = Int("socket.listen.backlog.size", "50", ReadOnly, "Queue length of connections not yet accepted, per listener (the OS may cap it).", AtLeast(1));
    public static readonly ConfigDefinition<long> ConnectionsMaxIdleMs = Long("connections.max.idle.ms", "600000", ReadOnly, "A connection without traffic for this long is closed; negative disables idle closing.");
    public static readonly ConfigDefinition<int> MaxConnections = Int("max.connections", IntMax, ClusterWide, "Most connections the broker keeps open; more are refused at accept.", AtLeast(0));
    public static readonly ConfigDefinition<int> MaxConnectionsPerIp = Int("max.connections.per.ip", IntMax, ClusterWide, "Most connections from one client address.", AtLeast(0));
    public static readonly ConfigDefinition<string> MaxConnectionsPerIpOverrides = String("max.connections.per.ip.overrides", "", ClusterWide, "Per-address exceptions to max.connections.per.ip, as host:count pairs.");
    public static readonly ConfigDefinition<int> MaxConnectionCreationRate = Int("max.connection.creation.rate", IntMax, ClusterWide, "Most new connections per second the broker accepts.", AtLeast(0));
    public static readonly ConfigDefinition<int> NumNetworkThreads = Int("num.network.threads", "3", ClusterWide, "Network threads in Kafka. Samsa's sockets are asynchronous on the shared thread pool; accepted for compatibility.", AtLeast(1));
    public static readonly ConfigDefinition<int> NumIoThreads = Int("num.io.threads", "8", ClusterWide, "Request handler threads in Kafka; accepted for compatibility and as a concurrency hint.", AtLeast(1));
    public static readonly ConfigDefinition<int> QueuedMaxRequests = Int("queued.max.requests", "500", ReadOnly, "Requests that may wait for a handler before reading from sockets pauses.", AtLeast(1));
    public static readonly ConfigDefinition<long> QueuedMaxRequestBytes = Long("queued.max.request.bytes", "-1", ReadOnly, "Bytes of queued requests before reading pauses; -1 means no byte limit.");

    // ---- log storage ----
    public static readonly ConfigDefinition<IReadOnlyList<string>?> LogDirs = NullableList("log.dirs", ReadOnly, "Directories holding partition data, comma-separated. Unset means log.dir.", NonEmptyDistinctList());
    public static readonly ConfigDefinition<IReadOnlyList<string>> LogDir = List("log.dir", "./data", ReadOnly, "Data directory used when log.dirs is unset.", NonEmptyDistinctList(), kafkaDefault: "/tmp/kafka-logs");
    public static readonly ConfigDefinition<string?> MetadataLogDir = NullableString("metadata.log.dir", ReadOnly, "Directory of the metadata log; unset means the first data directory.");
    public static readonly ConfigDefinition<int> NumPartitions = Int("num.partitions", "1", ReadOnly, "Partitions of a topic created without a partition count.", AtLeast(1));
    public static readonly ConfigDefinition<int> DefaultReplicationFactor = Int("default.replication.factor", "1", ReadOnly, "Replication factor of topics created without one, including auto-created topics.");
    public static readonly ConfigDefinition<int> MinInsyncReplicas = Int("min.insync.replicas", "1", ClusterWide, "In-sync replicas that must have a write for an acks=all produce to succeed.", AtLeast(1));
    public static readonly ConfigDefinition<bool> AutoCreateTopicsEnable = Bool("auto.create.topics.enable", "true", ReadOnly, "Create a topic when a client asks for metadata of, or produces to, one that does not exist.");
    public static readonly ConfigDefinition<bool> DeleteTopicEnable = Bool("delete.topic.enable", "true", ReadOnly, "Allow topics to be deleted.");
    public static readonly ConfigDefinition<int> MaxRequestPartitionSizeLimit = Int("max.request.partition.size.limit", "2000", ReadOnly, "Most partitions one DescribeTopicPartitions response describes; a client pages through more with its cursor.", AtLeast(1));
    public static readonly ConfigDefinition<int> LogSegmentBytes = Int("log.segment.bytes", "1073741824", ClusterWide, "Size at which a partition's active segment is closed and a new one started.", AtLeast(1024 * 1024));
    public static readonly ConfigDefinition<long?> LogRollMs = NullableLong("log.roll.ms", ClusterWide, "Age at which the active segment is rolled even if not full; unset means log.roll.hours.");
    public static readonly ConfigDefinition<int> LogRollHours = Int("log.roll.hours", "168", ClusterWide, "Segment roll age in hours, used when log.roll.ms is unset.", AtLeast(1));
    public static readonly ConfigDefinition<long?> LogRollJitterMs = NullableLong("log.roll.jitter.ms", ClusterWide, "Most random time subtracted from the roll age so segments do not roll together; unset means log.roll.jitter.hours.");
    public static readonly ConfigDefinition<int> LogRollJitterHours = Int("log.roll.jitter.hours", "0", ClusterWide, "Roll jitter in hours, used when log.roll.jitter.ms is unset.", AtLeast(0));
    public static readonly ConfigDefinition<long?> LogRetentionMs = NullableLong("log.retention.ms", ClusterWide, "How long data is kept before it may be deleted; -1 keeps it forever. Unset means log.retention.minutes.");
    public static readonly ConfigDefinition<int?> LogRetentionMinutes = NullableInt("log.retention.minutes", ClusterWide, "Retention in minutes, used when log.retention.ms is unset; unset means log.retention.hours.");
    public static readonly ConfigDefinition<int> LogRetentionHours = Int("log.retention.hours", "168", ClusterWide, "Retention in hours, used when neither log.retention.ms nor log.retention.minutes is set.");
    public static readonly ConfigDefinition<long> LogRetentionBytes = Long("log.retention.bytes", "-1", ClusterWide, "Largest size a partition may grow to before old segments are deleted; -1 means no size limit.");
    public static readonly ConfigDefinition<long> LogRetentionCheckIntervalMs = Long("log.retention.check.interval.ms", "300000", ReadOnly, "How often segments are checked against the retention limits.", AtLeast(1));
    public static readonly ConfigDefinition<IReadOnlyList<string>> LogCleanupPolicy = List("log.cleanup.policy", "delete", ClusterWide, "What happens to old segments: delete them, compact them (keep the last record per key), or both.", ListOf(false, "compact", "delete"));
    public static readonly ConfigDefinition<int> LogIndexSizeMaxBytes = Int("log.index.size.max.bytes", "10485760", ClusterWide, "Largest offset index file per segment; a full index rolls the segment.", AtLeast(4));
    public static readonly ConfigDefinition<int> LogIndexIntervalBytes = Int("log.index.interval.bytes", "4096", ClusterWide, "Bytes of records between two offset index entries.", AtLeast(0));
    public static readonly ConfigDefinition<long> LogFlushIntervalMessages = Long("log.flush.interval.messages", LongMax, ClusterWide, "Records appended to a partition before it is fsynced. The default leaves durability to replication.", AtLeast(1));
    public static readonly ConfigDefinition<long?> LogFlushIntervalMs = NullableLong("log.flush.interval.ms", ClusterWide, "Longest time appended records stay un-fsynced; unset means log.flush.scheduler.interval.ms.");
    public static readonly ConfigDefinition<long> LogFlushSchedulerIntervalMs = Long("log.flush.scheduler.interval.ms", LongMax, ReadOnly, "How often partitions are checked for a due time-based flush.");
    public static readonly ConfigDefinition<int> LogFlushOffsetCheckpointIntervalMs = Int("log.flush.offset.checkpoint.interval.ms", "60000", ReadOnly, "How often the recovery point (last flushed offset) of each partition is checkpointed.", AtLeast(0));
    public static readonly ConfigDefinition<int> LogFlushStartOffsetCheckpointIntervalMs = Int("log.flush.start.offset.checkpoint.interval.ms", "60000", ReadOnly, "How often each partition's log start offset is checkpointed.", AtLeast(0));
    public static readonly ConfigDefinition<long> LogSegmentDeleteDelayMs = Long("log.segment.delete.delay.ms", "60000", ClusterWide, "Time a deleted segment's files remain, so reads in progress can finish.", AtLeast(0));
    public static readonly ConfigDefinition<bool> LogPreallocate = Bool("log.preallocate", "false", ClusterWide, "Allocate a new segment's file at full size up front.");
    public static readonly ConfigDefinition<string> LogMessageTimestampType = String("log.message.timestamp.type", "CreateTime", ClusterWide, "Whether record timestamps are the producer's (CreateTime) or the broker's append time (LogAppendTime).", OneOf("CreateTime", "LogAppendTime"));
    public static readonly ConfigDefinition<long> LogMessageTimestampBeforeMaxMs = Long("log.message.timestamp.before.max.ms", LongMax, ClusterWide, "How far in the past a CreateTime timestamp may be before the batch is rejected.", AtLeast(0));
    public static readonly ConfigDefinition<long> LogMessageTimestampAfterMaxMs = Long("log.message.timestamp.after.max.ms", "3600000", ClusterWide, "How far in the future a CreateTime timestamp may be before the batch is rejected.", AtLeast(0));
    public static readonly ConfigDefinition<int> NumRecoveryThreadsPerDataDir = Int("num.recovery.threads.per.data.dir", "2", ClusterWide, "Threads per data directory that recover logs at start-up and flush them at shutdown.", AtLeast(1));
    public static readonly ConfigDefinition<int> BackgroundThreads = Int("background.threads", "10", ClusterWide, "Threads for background jobs such as segment deletion.", AtLeast(1));
    public static readonly ConfigDefinition<string?> CreateTopicPolicyClassName = NullableClass("create.topic.policy.class.name", ReadOnly, "Policy that validates topic creation (Kafka plugin interface; not supported by Samsa yet).");
    public static readonly ConfigDefinition<string?> AlterConfigPolicyClassName = NullableClass("alter.config.policy.class.name", ReadOnly, "Policy that validates config changes (Kafka plugin interface; not supported by Samsa yet).");

    // ---- log cleaner (compaction) ----
    public static readonly ConfigDefinition<bool> LogCleanerEnable = Bool("log.cleaner.enable", "true", ReadOnly, "Run the log cleaner, which compacts topics whose cleanup policy includes compact.");
    public static readonly ConfigDefinition<int> LogCleanerThreads = Int("log.cleaner.threads", "1", ClusterWide, "Threads that compact logs.", AtLeast(0));
    public static readonly ConfigDefinition<long> LogCleanerDedupeBufferSize = Long("log.cleaner.dedupe.buffer.size", "134217728", ClusterWide, "Memory for the key-to-offset map of all cleaner threads together.");
    public static readonly ConfigDefinition<int> LogCleanerIoBufferSize = Int("log.cleaner.io.buffer.size", "524288", ClusterWide, "Read and write buffer memory of all cleaner threads together.", AtLeast(0));
    public static readonly ConfigDefinition<double> LogCleanerIoBufferLoadFactor = Double("log.cleaner.io.buffer.load.factor", "0.9", ClusterWide, "How full the cleaner's dedupe map may get.");
    public static readonly ConfigDefinition<double> LogCleanerIoMaxBytesPerSecond = Double("log.cleaner.io.max.bytes.per.second", "1.7976931348623157E308", ClusterWide, "Throttle on the cleaner's combined read and write rate.");
    public static readonly ConfigDefinition<long> LogCleanerBackoffMs = Long("log.cleaner.backoff.ms", "15000", ClusterWide, "Pause of a cleaner thread when there is nothing to clean.", AtLeast(0));
    public static readonly ConfigDefinition<double> LogCleanerMinCleanableRatio = Double("log.cleaner.min.cleanable.ratio", "0.5", ClusterWide, "Share of a log that must be uncleaned (dirty) before it is compacted.", Between(0, 1));
    public static readonly ConfigDefinition<long> LogCleanerDeleteRetentionMs = Long("log.cleaner.delete.retention.ms", "86400000", ClusterWide, "How long tombstones (null-value records) survive compaction, so consumers can see deletes.", AtLeast(0));
    public static readonly ConfigDefinition<long> LogCleanerMinCompactionLagMs = Long("log.cleaner.min.compaction.lag.ms", "0", ClusterWide, "Youngest a record may be and still be compacted away.", AtLeast(0));
    public static readonly ConfigDefinition<long> LogCleanerMaxCompactionLagMs = Long("log.cleaner.max.compaction.lag.ms", LongMax, ClusterWide, "Longest a record may stay uncompacted.", AtLeast(1));

    // ---- records ----
    public static readonly ConfigDefinition<string> CompressionType = String("compression.type", "producer", ClusterWide, "Compression of stored batches: producer keeps the producer's codec; another value recompresses.", OneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"));
    public static readonly ConfigDefinition<int> CompressionGzipLevel = Int("compression.gzip.level", "-1", ClusterWide, "Level when the broker compresses with gzip.", Custom("[1,...,9] or -1", v => v is int i && (i == -1 || i is >= 1 and <= 9)));
    public static readonly ConfigDefinition<int> CompressionLz4Level = Int("compression.lz4.level", "9", ClusterWide, "Level when the broker compresses with lz4.", Between(1, 17));
    public static readonly ConfigDefinition<int> CompressionZstdLevel = Int("compression.zstd.level", "3", ClusterWide, "Level when the broker compresses with zstd.", Between(-131072, 22));
    public static readonly ConfigDefinition<int> MessageMaxBytes = Int("message.max.bytes", "1048588", ClusterWide, "Largest record batch a partition accepts (after compression).", AtLeast(0));

    // ---- replication ----
    public static readonly ConfigDefinition<bool> UncleanLeaderElectionEnable = Bool("unclean.leader.election.enable", "false", ClusterWide, "Let an out-of-sync replica become leader when no in-sync one is left, at the cost of losing data.");
    public static readonly ConfigDefinition<bool> AutoLeaderRebalanceEnable = Bool("auto.leader.rebalance.enable", "true", ReadOnly, "Move leadership back to preferred replicas when it drifts.");
    public static readonly ConfigDefinition<long> LeaderImbalanceCheckIntervalSeconds = Long("leader.imbalance.check.interval.seconds", "300", ReadOnly, "How often leadership balance is checked.", AtLeast(1));
    public static readonly ConfigDefinition<int> LeaderImbalancePerBrokerPercentage = Int("leader.imbalance.per.broker.percentage", "10", ReadOnly, "Imbalance per broker, in percent, that triggers a leader rebalance.");
    public static readonly ConfigDefinition<int> ReplicaFetchMaxBytes = Int("replica.fetch.max.bytes", "1048576", ReadOnly, "Bytes a follower asks for per partition in one fetch (a larger first batch is still returned).", AtLeast(0));
    public static readonly ConfigDefinition<int> ReplicaFetchResponseMaxBytes = Int("replica.fetch.response.max.bytes", "10485760", ReadOnly, "Bytes a follower asks for in one whole fetch response.", AtLeast(0));
    public static readonly ConfigDefinition<int> ReplicaFetchWaitMaxMs = Int("replica.fetch.wait.max.ms", "500", ReadOnly, "Longest a follower's fetch waits for data at the leader.");
    public static readonly ConfigDefinition<int> ReplicaFetchMinBytes = Int("replica.fetch.min.bytes", "1", ReadOnly, "Bytes a follower's fetch waits for before the leader answers.");
    public static readonly ConfigDefinition<long> ReplicaLagTimeMaxMs = Long("replica.lag.time.max.ms", "30000", ReadOnly, "A follower that has not caught up for this long leaves the in-sync replica set.");
    public static readonly ConfigDefinition<int> NumReplicaFetchers = Int("num.replica.fetchers", "1", ClusterWide, "Fetcher threads per source broker.");
    public static readonly ConfigDefinition<int> FetchMaxBytes = Int("fetch.max.bytes", "57671680", ReadOnly, "Most bytes a consumer fetch response may carry.", AtLeast(1024));
    public static readonly ConfigDefinition<int> MaxIncrementalFetchSessionCacheSlots = Int("max.incremental.fetch.session.cache.slots", "1000", ReadOnly, "Incremental fetch sessions (KIP-227) the broker keeps; a client beyond them fetches without a session.", AtLeast(0));

    // ---- group coordinator ----
    public static readonly ConfigDefinition<int> GroupInitialRebalanceDelayMs = Int("group.initial.rebalance.delay.ms", "3000", ReadOnly, "Wait for more members before the first rebalance of a new classic group.");
    public static readonly ConfigDefinition<int> GroupMinSessionTimeoutMs = Int("group.min.session.timeout.ms", "6000", ReadOnly, "Shortest session timeout a classic group member may ask for.");
    public static readonly ConfigDefinition<int> GroupMaxSessionTimeoutMs = Int("group.max.session.timeout.ms", "1800000", ReadOnly, "Longest session timeout a classic group member may ask for.");
    public static readonly ConfigDefinition<int> GroupMaxSize = Int("group.max.size", IntMax, ReadOnly, "Most members of one classic group.", AtLeast(1));
    public static readonly ConfigDefinition<IReadOnlyList<string>> GroupCoordinatorRebalanceProtocols = List("group.coordinator.rebalance.protocols", "classic,consumer", ReadOnly, "Group protocols the coordinator serves: classic (JoinGroup/SyncGroup) and consumer (KIP-848 heartbeats).", ListOf(false, "classic", "consumer", "share", "streams"));
    public static readonly ConfigDefinition<int> GroupConsumerSessionTimeoutMs = Int("group.consumer.session.timeout.ms", "45000", ReadOnly, "Session timeout of consumer-protocol group members.", AtLeast(1));
    public static readonly ConfigDefinition<int> GroupConsumerMinSessionTimeoutMs = Int("group.consumer.min.session.timeout.ms", "45000", ReadOnly, "Lowest session timeout a consumer-protocol group may be configured with.", AtLeast(1));
    public static readonly ConfigDefinition<int> GroupConsumerMaxSessionTimeoutMs = Int("group.consumer.max.session.timeout.ms", "60000", ReadOnly, "Highest session timeout a consumer-protocol group may be configured with.", AtLeast(1));
    public static readonly ConfigDefinition<int> GroupConsumerHeartbeatIntervalMs = Int("group.consumer.heartbeat.interval.ms", "5000", ReadOnly, "Heartbeat interval given to consumer-protocol group members.", AtLeast(1));
    public static readonly ConfigDefinition<int> GroupConsumerMinHeartbeatIntervalMs = Int("group.consumer.min.heartbeat.interval.ms", "5000", ReadOnly, "Lowest heartbeat interval a consumer-protocol group may be configured with.", AtLeast(1));
    public static readonly ConfigDefinition<int> GroupConsumerMaxHeartbeatIntervalMs = Int("group.consumer.max.heartbeat.interval.ms", "15000", ReadOnly, "Highest heartbeat interval a consumer-protocol group may be configured with.", AtLeast(1));
    public static readonly ConfigDefinition<int> GroupConsumerMaxSize = Int("group.consumer.max.size", IntMax, ReadOnly, "Most members of one consumer-protocol group.", AtLeast(1));
    public static readonly ConfigDefinition<IReadOnlyList<string>> GroupConsumerAssignors = List("group.consumer.assignors", "uniform,range", ReadOnly, "Server-side assignors for consumer-protocol groups; the first is the default.");
    public static readonly ConfigDefinition<string> GroupConsumerMigrationPolicy = String("group.consumer.migration.policy", "bidirectional", ReadOnly, "Whether groups may convert between the classic and consumer protocols.", OneOfIgnoringCase("disabled", "downgrade", "upgrade", "bidirectional"));

    // ---- offsets (__consumer_offsets) ----
    public static readonly ConfigDefinition<int> OffsetsTopicNumPartitions = Int("offsets.topic.num.partitions", "50", ReadOnly, "Partitions of __consumer_offsets; do not change after the topic exists.", AtLeast(1));
    public static readonly ConfigDefinition<short> OffsetsTopicReplicationFactor = Short("offsets.topic.replication.factor", "3", ReadOnly, "Replication factor of __consumer_offsets (capped by the number of brokers on a small cluster).", AtLeast(1));
    public static readonly ConfigDefinition<int> OffsetsTopicSegmentBytes = Int("offsets.topic.segment.bytes", "104857600", ReadOnly, "Segment size of __consumer_offsets, kept small for fast compaction and loading.", AtLeast(1));
    public static readonly ConfigDefinition<int> OffsetsRetentionMinutes = Int("offsets.retention.minutes", "10080", ReadOnly, "How long committed offsets of an empty group are kept.", AtLeast(1));
    public static readonly ConfigDefinition<long> OffsetsRetentionCheckIntervalMs = Long("offsets.retention.check.interval.ms", "600000", ReadOnly, "How often expired offsets are looked for.", AtLeast(1));
    public static readonly ConfigDefinition<int> OffsetsCommitTimeoutMs = Int("offsets.commit.timeout.ms", "5000", ReadOnly, "Longest an offset commit waits for its replicas.", AtLeast(1));
    public static readonly ConfigDefinition<int> OffsetsLoadBufferSize = Int("offsets.load.buffer.size", "5242880", ReadOnly, "Read size when loading offsets into the cache.", AtLeast(1));
    public static readonly ConfigDefinition<int> OffsetMetadataMaxBytes = Int("offset.metadata.max.bytes", "4096", ReadOnly, "Largest metadata string stored with a committed offset.");

    // ---- transactions and idempotence ----
    public static readonly ConfigDefinition<int> TransactionStateLogNumPartitions = Int("transaction.state.log.num.partitions", "50", ReadOnly, "Partitions of __transaction_state; do not change after the topic exists.", AtLeast(1));
    public static readonly ConfigDefinition<short> TransactionStateLogReplicationFactor = Short("transaction.state.log.replication.factor", "3", ReadOnly, "Replication factor of __transaction_state.", AtLeast(1));
    public static readonly ConfigDefinition<int> TransactionStateLogMinIsr = Int("transaction.state.log.min.isr", "2", ReadOnly, "min.insync.replicas of __transaction_state.", AtLeast(1));
    public static readonly ConfigDefinition<int> TransactionStateLogSegmentBytes = Int("transaction.state.log.segment.bytes", "104857600", ReadOnly, "Segment size of __transaction_state.", AtLeast(1));
    public static readonly ConfigDefinition<int> TransactionStateLogLoadBufferSize = Int("transaction.state.log.load.buffer.size", "5242880", ReadOnly, "Read size when loading transaction state.", AtLeast(1));
    public static readonly ConfigDefinition<int> TransactionMaxTimeoutMs = Int("transaction.max.timeout.ms", "900000", ReadOnly, "Longest transaction timeout a producer may ask for.", AtLeast(1));
    public static readonly ConfigDefinition<int> TransactionalIdExpirationMs = Int("transactional.id.expiration.ms", "604800000", ReadOnly, "A transactional id unused for this long is forgotten.", AtLeast(1));
    public static readonly ConfigDefinition<int> TransactionAbortTimedOutTransactionCleanupIntervalMs = Int("transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000", ReadOnly, "How often timed-out transactions are rolled back.", AtLeast(1));
    public static readonly ConfigDefinition<int> TransactionRemoveExpiredTransactionCleanupIntervalMs = Int("transaction.remove.expired.transaction.cleanup.interval.ms", "3600000", ReadOnly, "How often expired transactional ids are removed.", AtLeast(1));
    public static readonly ConfigDefinition<int> ProducerIdExpirationMs = Int("producer.id.expiration.ms", "86400000", ClusterWide, "A partition forgets a producer id's idempotence state after this long without writes from it.", AtLeast(1));

    // ---- security (parsed so a Kafka server.properties loads; Samsa serves PLAINTEXT only so far) ----
    public static readonly ConfigDefinition<Password?> SslKeystorePassword = Secret("ssl.keystore.password", PerBroker, "Password of the TLS key store.");
    public static readonly ConfigDefinition<Password?> SslKeyPassword = Secret("ssl.key.password", PerBroker, "Password of the private key in the key store.");
    public static readonly ConfigDefinition<Password?> SslTruststorePassword = Secret("ssl.truststore.password", PerBroker, "Password of the TLS trust store.");
    public static readonly ConfigDefinition<IReadOnlyList<string>> SaslEnabledMechanisms = List("sasl.enabled.mechanisms", "GSSAPI", PerBroker, "SASL mechanisms the broker offers.");
    public static readonly ConfigDefinition<string> PrincipalBuilderClass = Class("principal.builder.class", "org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder", ReadOnly, "Builds the principal of an authenticated connection (Kafka plugin interface).");
    public static readonly ConfigDefinition<string> AuthorizerClassName = String("authorizer.class.name", "", ReadOnly, "Authorizer plugin; empty means no authorization.");

    private static readonly Dictionary<string, ConfigDefinition> ByName = Defined.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>Every known key, in the table's order (grouped by concern).</summary>
    public static IReadOnlyList<ConfigDefinition> All => Defined;

    public static ConfigDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    private static ConfigDefinition<T> Add<T>(ConfigDefinition<T> definition)
    {
        Defined.Add(definition);
        return definition;
    }

    private static ConfigDefinition<bool> Bool(string name, string @default, ConfigUpdateMode mode, string doc) =>
        Add(new ConfigDefinition<bool>(name, ConfigType.Boolean, @default, null, mode, doc, null));

    private static ConfigDefinition<string> String(string name, string @default, ConfigUpdateMode mode, string doc, ConfigValidator? validator = null, string? kafkaDefault = null) =>
        Add(new ConfigDefinition<string>(name, ConfigType.String, @default, validator, mode, doc, kafkaDefault));

    private static ConfigDefinition<string?> NullableString(string name, ConfigUpdateMode mode, string doc) =>
        Add(new ConfigDefinition<string?>(name, ConfigType.String, null, null, mode, doc, null));

    private static ConfigDefinition<string> Class(string name, string @default, ConfigUpdateMode mode, string doc) =>
        Add(new ConfigDefinition<string>(name, ConfigType.Class, @default, null, mode, doc, null));

    private static ConfigDefinition<string?> NullableClass(string name, ConfigUpdateMode mode, string doc) =>
        Add(new ConfigDefinition<string?>(name, ConfigType.Class, null, null, mode, doc, null));

    private static ConfigDefinition<Password?> Secret(string name, ConfigUpdateMode mode, string doc) =>
        Add(new ConfigDefinition<Password?>(name, ConfigType.Password, null, null, mode, doc, null));

    private static ConfigDefinition<int> Int(string name, string @default, ConfigUpdateMode mode, string doc, ConfigValidator? validator = null, string? kafkaDefault = null) =>
        Add(new ConfigDefinition<int>(name, ConfigType.Int, @default, validator, mode, doc, kafkaDefault));

    private static ConfigDefinition<int?> NullableInt(string name, ConfigUpdateMode mode, string doc) =>
        Add(new ConfigDefinition<int?>(name, ConfigType.Int, null, null, mode, doc, null));

    private static ConfigDefinition<short> Short(string name, string @default, ConfigUpdateMode mode, string doc, ConfigValidator? validator = null) =>
        Add(new ConfigDefinition<short>(name, ConfigType.Short, @default, validator, mode, doc, null));

    private static ConfigDefinition<long> Long(string name, string @default, ConfigUpdateMode mode, string doc, ConfigValidator? validator = null) =>
        Add(new ConfigDefinition<long>(name, ConfigType.Long, @default, validator, mode, doc, null));

    private static ConfigDefinition<long?> NullableLong(string name, ConfigUpdateMode mode, string doc) =>
        Add(new ConfigDefinition<long?>(name, ConfigType.Long, null, null, mode, doc, null));

    private static ConfigDefinition<double> Double(string name, string @default, ConfigUpdateMode mode, string doc, ConfigValidator? validator = null) =>
        Add(new ConfigDefinition<double>(name, ConfigType.Double, @default, validator, mode, doc, null));

    private static ConfigDefinition<IReadOnlyList<string>?> NullableList(string name, ConfigUpdateMode mode, string doc, ConfigValidator? validator = null) =>
        Add(new ConfigDefinition<IReadOnlyList<string>?>(name, ConfigType.List, null, validator, mode, doc, null));

    private static ConfigDefinition<IReadOnlyList<string>> List(string name, string @default, ConfigUpdateMode mode, string doc, ConfigValidator? validator = null, string? kafkaDefault = null) =>
        Add(new ConfigDefinition<IReadOnlyList<string>>(name, ConfigType.List, @default, validator, mode, doc, kafkaDefault));
}
