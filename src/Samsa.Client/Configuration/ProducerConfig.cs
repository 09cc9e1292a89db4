using Samsa.Client.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Client.Configuration;

/// <summary>Producer settings under Kafka's names and defaults (those of the Java producer of Kafka 4).</summary>
public sealed class ProducerConfig : ClientConfig
{
    /// <summary><c>acks</c>: 0 (no response), 1 (leader appended) or -1/all (in-sync replicas appended).</summary>
    public short Acks { get; set; } = -1;

    /// <summary><c>batch.size</c>: bytes of records gathered per partition before a batch is sent.</summary>
    public int BatchSize { get; set; } = 16_384;

    /// <summary><c>linger.ms</c>: how long a batch that is not full waits for more records.</summary>
    public int LingerMs { get; set; } = 5;

    /// <summary><c>compression.type</c>: none, gzip, snappy, lz4 or zstd.</summary>
    public CompressionType CompressionType { get; set; } = CompressionType.None;

    /// <summary><c>compression.gzip.level</c>, <c>compression.lz4.level</c>, <c>compression.zstd.level</c> (KIP-390); null for the codec default.</summary>
    public int? CompressionLevel { get; set; }

    /// <summary><c>retries</c>: how often a batch that failed with a retriable error is sent again.</summary>
    public int Retries { get; set; } = int.MaxValue;

    /// <summary><c>delivery.timeout.ms</c>: upper bound from a record's append to its result, retries included.</summary>
    public int DeliveryTimeoutMs { get; set; } = 120_000;

    /// <summary><c>buffer.memory</c>: bytes of unsent records the producer holds before <c>ProduceAsync</c> waits.</summary>
    public long BufferMemory { get; set; } = 33_554_432;

    /// <summary><c>max.block.ms</c>: how long <c>ProduceAsync</c> waits for metadata or buffer space.</summary>
    public int MaxBlockMs { get; set; } = 60_000;

    /// <summary><c>max.request.size</c>: the largest Produce request (and so the largest record) sent.</summary>
    public int MaxRequestSize { get; set; } = 1_048_576;

    /// <summary><c>partitioner.ignore.keys</c>: spread keyed records as if unkeyed.</summary>
    public bool PartitionerIgnoreKeys { get; set; }

    /// <summary><c>enable.idempotence</c>: not implemented yet; true is refused.</summary>
    public bool EnableIdempotence { get; set; }

    /// <summary><c>transactional.id</c>: not implemented yet; setting it is refused.</summary>
    public string? TransactionalId { get; set; }

    /// <summary><c>allow.auto.create.topics</c>: ask the broker to create unknown topics on metadata requests.</summary>
    public bool AllowAutoCreateTopics { get; set; } = true;

    public override void Validate()
    {
        base.Validate();
        if (Acks is not (0 or 1 or -1))
        {
            throw new ClientConfigException($"acks must be 0, 1, -1 or all, got {Acks}");
        }

        RequirePositive("batch.size", Math.Max(BatchSize, 1));
        RequirePositive("buffer.memory", BufferMemory);
        RequirePositive("max.request.size", MaxRequestSize);
        if (LingerMs < 0 || Retries < 0 || DeliveryTimeoutMs <= 0 || MaxBlockMs < 0)
        {
            throw new ClientConfigException("linger.ms, retries and max.block.ms must not be negative; delivery.timeout.ms must be positive");
        }

        if (EnableIdempotence)
        {
            throw new ClientConfigException("enable.idempotence=true is not supported yet: set enable.idempotence=false (idempotence comes with the full producer)");
        }

        if (!string.IsNullOrEmpty(TransactionalId))
        {
            throw new ClientConfigException("transactional.id is not supported yet: transactions come with the full producer");
        }
    }

    protected override bool TryApply(string key, string value)
    {
        switch (key)
        {
            case "acks":
                Acks = value.ToUpperInvariant() switch
                {
                    "ALL" or "-1" => -1,
                    "1" => 1,
                    "0" => 0,
                    _ => throw new FormatException("expected all, -1, 0 or 1"),
                };
                return true;
            case "batch.size": BatchSize = Int(value); return true;
            case "linger.ms": LingerMs = Int(value); return true;
            case "compression.type": CompressionType = ParseCompression(value); return true;
            case "compression.gzip.level":
            case "compression.lz4.level":
            case "compression.zstd.level":
                CompressionLevel = Int(value);
                return true;
            case "retries": Retries = Int(value); return true;
            case "delivery.timeout.ms": DeliveryTimeoutMs = Int(value); return true;
            case "buffer.memory": BufferMemory = Long(value); return true;
            case "max.block.ms": MaxBlockMs = Int(value); return true;
            case "max.request.size": MaxRequestSize = Int(value); return true;
            case "partitioner.ignore.keys": PartitionerIgnoreKeys = Bool(value); return true;
            case "enable.idempotence": EnableIdempotence = Bool(value); return true;
            case "transactional.id": TransactionalId = value; return true;
            case "allow.auto.create.topics": AllowAutoCreateTopics = Bool(value); return true;
            case "key.serializer":
            case "value.serializer":
            case "partitioner.class":
            case "partitioner.adaptive.partitioning.enable":
            case "partitioner.availability.timeout.ms":
            case "metadata.max.idle.ms":
            case "interceptor.classes":
                return true;
            default:
                return base.TryApply(key, value);
        }
    }

    /// <summary>Kafka's <c>compression.type</c> names.</summary>
    public static CompressionType ParseCompression(string value) => value.ToUpperInvariant() switch
    {
        "NONE" => CompressionType.None,
        "GZIP" => CompressionType.Gzip,
        "SNAPPY" => CompressionType.Snappy,
        "LZ4" => CompressionType.Lz4,
        "ZSTD" => CompressionType.Zstd,
        _ => throw new FormatException("expected none, gzip, snappy, lz4 or zstd"),
    };
}
