using Samsa.Client.Errors;

namespace Samsa.Client.Configuration;

/// <summary>What a consumer does when it has no valid position: Kafka's <c>auto.offset.reset</c>.</summary>
public enum AutoOffsetReset
{
    Latest,
    Earliest,

    /// <summary>Raise the error to the caller instead of moving.</summary>
    None,
}

/// <summary>Kafka's <c>isolation.level</c>.</summary>
public enum IsolationLevel
{
    ReadUncommitted = 0,
    ReadCommitted = 1,
}

/// <summary>Consumer settings under Kafka's names and defaults.</summary>
public sealed class ConsumerConfig : ClientConfig
{
    /// <summary><c>group.id</c>: the consumer group (group membership is not implemented yet; manual assignment works without one).</summary>
    public string? GroupId { get; set; }

    /// <summary><c>auto.offset.reset</c>.</summary>
    public AutoOffsetReset AutoOffsetReset { get; set; } = AutoOffsetReset.Latest;

    /// <summary><c>fetch.min.bytes</c>: the broker waits until this much data is ready (or <see cref="FetchMaxWaitMs"/> passes).</summary>
    public int FetchMinBytes { get; set; } = 1;

    /// <summary><c>fetch.max.wait.ms</c>.</summary>
    public int FetchMaxWaitMs { get; set; } = 500;

    /// <summary><c>fetch.max.bytes</c>: the most data one Fetch response carries (at least one batch is always returned).</summary>
    public int FetchMaxBytes { get; set; } = 52_428_800;

    /// <summary><c>max.partition.fetch.bytes</c>.</summary>
    public int MaxPartitionFetchBytes { get; set; } = 1_048_576;

    /// <summary><c>isolation.level</c>: read_uncommitted or read_committed.</summary>
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadUncommitted;

    /// <summary><c>max.poll.records</c>: the most records one <c>ConsumeAsync</c> returns.</summary>
    public int MaxPollRecords { get; set; } = 500;

    /// <summary><c>check.crcs</c>: verify each fetched batch's CRC-32C.</summary>
    public bool CheckCrcs { get; set; } = true;

    /// <summary><c>client.rack</c>: sent in Fetch (KIP-392).</summary>
    public string ClientRack { get; set; } = string.Empty;

    /// <summary><c>allow.auto.create.topics</c>.</summary>
    public bool AllowAutoCreateTopics { get; set; } = true;

    /// <summary>
    /// How many fetch responses the consumer buffers ahead of the application per broker (not a Kafka key; the Java
    /// consumer prefetches one response per broker). Higher values trade memory for throughput.
    /// </summary>
    public int PrefetchResponses { get; set; } = 2;

    /// <summary>group.instance.id: a static member's identity (KIP-345), null for dynamic membership.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>session.timeout.ms: how long the coordinator waits for a heartbeat before dropping the member.</summary>
    public int SessionTimeoutMs { get; set; } = 45_000;

    /// <summary>heartbeat.interval.ms.</summary>
    public int HeartbeatIntervalMs { get; set; } = 3_000;

    /// <summary>max.poll.interval.ms: also the rebalance timeout of JoinGroup.</summary>
    public int MaxPollIntervalMs { get; set; } = 300_000;

    /// <summary>enable.auto.commit: commit positions every auto.commit.interval.ms, on rebalance and on close.</summary>
    public bool EnableAutoCommit { get; set; } = true;

    /// <summary>auto.commit.interval.ms.</summary>
    public int AutoCommitIntervalMs { get; set; } = 5_000;

    public override void Validate()
    {
        base.Validate();
        RequirePositive("max.poll.records", MaxPollRecords);
        RequirePositive("fetch.max.bytes", FetchMaxBytes);
        RequirePositive("max.partition.fetch.bytes", MaxPartitionFetchBytes);
        if (FetchMinBytes < 0 || FetchMaxWaitMs < 0)
        {
            throw new ClientConfigException("fetch.min.bytes and fetch.max.wait.ms must not be negative");
        }

        RequirePositive("prefetch responses", PrefetchResponses);
        RequirePositive("session.timeout.ms", SessionTimeoutMs);
        RequirePositive("heartbeat.interval.ms", HeartbeatIntervalMs);
        RequirePositive("max.poll.interval.ms", MaxPollIntervalMs);
        RequirePositive("auto.commit.interval.ms", AutoCommitIntervalMs);
    }

    protected override bool TryApply(string key, string value)
    {
        switch (key)
        {
            case "group.id": GroupId = value; return true;
            case "auto.offset.reset":
                AutoOffsetReset = value.ToUpperInvariant() switch
                {
                    "LATEST" => AutoOffsetReset.Latest,
                    "EARLIEST" => AutoOffsetReset.Earliest,
                    "NONE" => AutoOffsetReset.None,
                    _ => throw new FormatException("expected latest, earliest or none"),
                };
                return true;
            case "fetch.min.bytes": FetchMinBytes = Int(value); return true;
            case "fetch.max.wait.ms": FetchMaxWaitMs = Int(value); return true;
            case "fetch.max.bytes": FetchMaxBytes = Int(value); return true;
            case "max.partition.fetch.bytes": MaxPartitionFetchBytes = Int(value); return true;
            case "isolation.level":
                IsolationLevel = value.ToUpperInvariant() switch
                {
                    "READ_UNCOMMITTED" => IsolationLevel.ReadUncommitted,
                    "READ_COMMITTED" => IsolationLevel.ReadCommitted,
                    _ => throw new FormatException("expected read_uncommitted or read_committed"),
                };
                return true;
            case "max.poll.records": MaxPollRecords = Int(value); return true;
            case "check.crcs": CheckCrcs = Bool(value); return true;
            case "client.rack": ClientRack = value; return true;
            case "allow.auto.create.topics": AllowAutoCreateTopics = Bool(value); return true;

            case "group.instance.id": GroupInstanceId = value; return true;
            case "session.timeout.ms": SessionTimeoutMs = Int(value); return true;
            case "heartbeat.interval.ms": HeartbeatIntervalMs = Int(value); return true;
            case "max.poll.interval.ms": MaxPollIntervalMs = Int(value); return true;
            case "enable.auto.commit": EnableAutoCommit = Bool(value); return true;
            case "auto.commit.interval.ms": AutoCommitIntervalMs = Int(value); return true;

            // Accepted for compatibility: the classic protocol with the range assignor is what this client speaks.
            case "group.protocol":
            case "group.remote.assignor":
            case "partition.assignment.strategy":
            case "exclude.internal.topics":
            case "key.deserializer":
            case "value.deserializer":
            case "interceptor.classes":
                return true;
            default:
                return base.TryApply(key, value);
        }
    }
}
