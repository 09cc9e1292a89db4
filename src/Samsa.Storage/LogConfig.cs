using System.Collections.Frozen;
using System.Globalization;

namespace Samsa.Storage;

/// <summary>How a topic's old data goes away (<c>cleanup.policy</c>).</summary>
[Flags]
public enum CleanupPolicy
{
    None = 0,
    Delete = 1,
    Compact = 2,
}

/// <summary><c>message.timestamp.type</c>.</summary>
public enum TimestampType
{
    CreateTime,
    LogAppendTime,
}

/// <summary>
/// The topic-level settings storage obeys, with Kafka's config names and defaults. Immutable: a
/// runtime change builds a new one (<see cref="WithOverrides"/>) and hands it to
/// <see cref="PartitionLog.UpdateConfig"/>.
/// </summary>
public sealed record LogConfig
{
    public const string SegmentBytesConfig = "segment.bytes";
    public const string SegmentMsConfig = "segment.ms";
    public const string SegmentJitterMsConfig = "segment.jitter.ms";
    public const string SegmentIndexBytesConfig = "segment.index.bytes";
    public const string IndexIntervalBytesConfig = "index.interval.bytes";
    public const string FlushMessagesConfig = "flush.messages";
    public const string FlushMsConfig = "flush.ms";
    public const string RetentionMsConfig = "retention.ms";
    public const string RetentionBytesConfig = "retention.bytes";
    public const string FileDeleteDelayMsConfig = "file.delete.delay.ms";
    public const string CleanupPolicyConfig = "cleanup.policy";
    public const string MaxMessageBytesConfig = "max.message.bytes";
    public const string MessageTimestampTypeConfig = "message.timestamp.type";
    public const string MessageTimestampBeforeMaxMsConfig = "message.timestamp.before.max.ms";
    public const string MessageTimestampAfterMaxMsConfig = "message.timestamp.after.max.ms";
    public const string PreallocateConfig = "preallocate";
    public const string DeleteRetentionMsConfig = "delete.retention.ms";
    public const string MinCleanableDirtyRatioConfig = "min.cleanable.dirty.ratio";
    public const string MinCompactionLagMsConfig = "min.compaction.lag.ms";
    public const string MaxCompactionLagMsConfig = "max.compaction.lag.ms";

    /// <summary>Topic configs that other layers own (replication, compression, tiering); kept as given.</summary>
    private static readonly FrozenSet<string> OtherTopicConfigs = new[]
    {
        "compression.type", "compression.gzip.level", "compression.lz4.level", "compression.zstd.level",
        "min.insync.replicas", "unclean.leader.election.enable", "message.downconversion.enable",
        "leader.replication.throttled.replicas", "follower.replication.throttled.replicas",
        "local.retention.ms", "local.retention.bytes", "remote.storage.enable",
        "remote.log.copy.disable", "remote.log.delete.on.disable",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static LogConfig Default { get; } = new();

    public int SegmentBytes { get; init; } = 1024 * 1024 * 1024;

    public long SegmentMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    public long SegmentJitterMs { get; init; }

    public int SegmentIndexBytes { get; init; } = 10 * 1024 * 1024;

    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary><see cref="long.MaxValue"/> (the default) leaves flushing to the OS.</summary>
    public long FlushMessages { get; init; } = long.MaxValue;

    public long FlushMs { get; init; } = long.MaxValue;

    /// <summary>-1 keeps data forever.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>-1 means no size limit.</summary>
    public long RetentionBytes { get; init; } = -1;

    public long FileDeleteDelayMs { get; init; } = 60_000;

    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    public int MaxMessageBytes { get; init; } = 1024 * 1024 + 12;

    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;

    public long MessageTimestampBeforeMaxMs { get; init; } = long.MaxValue;

    /// <summary>Kafka 4.0 bounds future timestamps to one hour by default.</summary>
    public long MessageTimestampAfterMaxMs { get; init; } = 60L * 60 * 1000;

    public bool Preallocate { get; init; }

    public long DeleteRetentionMs { get; init; } = 24L * 60 * 60 * 1000;

    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    public long MinCompactionLagMs { get; init; }

    public long MaxCompactionLagMs { get; init; } = long.MaxValue;

    /// <summary>Topic configs that storage does not interpret, kept for the layers that do.</summary>
    public IReadOnlyDictionary<string, string> Others { get; init; } = FrozenDictionary<string, string>.Empty;

    public bool IsDeleteEnabled => (CleanupPolicy & CleanupPolicy.Delete) != 0;

    public bool IsCompactEnabled => (CleanupPolicy & CleanupPolicy.Compact) != 0;

    /// <summary>
    /// The age at which the active segment rolls: <c>segment.ms</c>, or for a compacted topic
    /// <c>max.compaction.lag.ms</c> when smaller, since the cleaner never touches the active segment (as Kafka).
    /// </summary>
    public long MaxSegmentMs => IsCompactEnabled && MaxCompactionLagMs < SegmentMs ? MaxCompactionLagMs : SegmentMs;

    /// <summary>Parses topic configs over the defaults; throws <see cref="LogConfigException"/> naming the first bad key.</summary>
    public static LogConfig Parse(IEnumerable<KeyValuePair<string, string>> properties) => Default.WithOverrides(properties);

    /// <summary>This config with the given keys replaced, validated as Kafka validates them.</summary>
    public LogConfig WithOverrides(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var config = this;
        Dictionary<string, string>? others = null;
        foreach (var (key, value) in properties)
        {
            if (OtherTopicConfigs.Contains(key))
            {
                others ??= new Dictionary<string, string>(config.Others, StringComparer.Ordinal);
                others[key] = value;
                continue;
            }

            config = config.With(key, value.Trim());
        }

        return others is null ? config : config with { Others = others.ToFrozenDictionary(StringComparer.Ordinal) };
    }

    private LogConfig With(string key, string value) => key switch
    {
        SegmentBytesConfig => this with { SegmentBytes = ParseInt(key, value, 14) },
        SegmentMsConfig => this with { SegmentMs = ParseLong(key, value, 1) },
        SegmentJitterMsConfig => this with { SegmentJitterMs = ParseLong(key, value, 0) },
        SegmentIndexBytesConfig => this with { SegmentIndexBytes = ParseInt(key, value, 4) },
        IndexIntervalBytesConfig => this with { IndexIntervalBytes = ParseInt(key, value, 0) },
        FlushMessagesConfig => this with { FlushMessages = ParseLong(key, value, 1) },
        FlushMsConfig => this with { FlushMs = ParseLong(key, value, 0) },
        RetentionMsConfig => this with { RetentionMs = ParseLong(key, value, -1) },
        RetentionBytesConfig => this with { RetentionBytes = ParseLong(key, value, long.MinValue) },
        FileDeleteDelayMsConfig => this with { FileDeleteDelayMs = ParseLong(key, value, 0) },
        CleanupPolicyConfig => this with { CleanupPolicy = ParseCleanupPolicy(key, value) },
        MaxMessageBytesConfig => this with { MaxMessageBytes = ParseInt(key, value, 0) },
        MessageTimestampTypeConfig => this with { MessageTimestampType = ParseTimestampType(key, value) },
        MessageTimestampBeforeMaxMsConfig => this with { MessageTimestampBeforeMaxMs = ParseLong(key, value, 0) },
        MessageTimestampAfterMaxMsConfig => this with { MessageTimestampAfterMaxMs = ParseLong(key, value, 0) },
        PreallocateConfig => this with { Preallocate = ParseBool(key, value) },
        DeleteRetentionMsConfig => this with { DeleteRetentionMs = ParseLong(key, value, 0) },
        MinCleanableDirtyRatioConfig => this with { MinCleanableDirtyRatio = ParseRatio(key, value) },
        MinCompactionLagMsConfig => this with { MinCompactionLagMs = ParseLong(key, value, 0) },
        MaxCompactionLagMsConfig => this with { MaxCompactionLagMs = ParseLong(key, value, 1) },
        _ => throw new LogConfigException(key, "unknown topic config"),
    };

    /// <summary>The configs as Kafka's names and string values, for DescribeConfigs.</summary>
    public IReadOnlyDictionary<string, string> ToProperties()
    {
        var c = CultureInfo.InvariantCulture;
        var result = new Dictionary<string, string>(Others, StringComparer.Ordinal)
        {
            [SegmentBytesConfig] = SegmentBytes.ToString(c),
            [SegmentMsConfig] = SegmentMs.ToString(c),
            [SegmentJitterMsConfig] = SegmentJitterMs.ToString(c),
            [SegmentIndexBytesConfig] = SegmentIndexBytes.ToString(c),
            [IndexIntervalBytesConfig] = IndexIntervalBytes.ToString(c),
            [FlushMessagesConfig] = FlushMessages.ToString(c),
            [FlushMsConfig] = FlushMs.ToString(c),
            [RetentionMsConfig] = RetentionMs.ToString(c),
            [RetentionBytesConfig] = RetentionBytes.ToString(c),
            [FileDeleteDelayMsConfig] = FileDeleteDelayMs.ToString(c),
            [CleanupPolicyConfig] = FormatCleanupPolicy(CleanupPolicy),
            [MaxMessageBytesConfig] = MaxMessageBytes.ToString(c),
            [MessageTimestampTypeConfig] = MessageTimestampType.ToString(),
            [MessageTimestampBeforeMaxMsConfig] = MessageTimestampBeforeMaxMs.ToString(c),
            [MessageTimestampAfterMaxMsConfig] = MessageTimestampAfterMaxMs.ToString(c),
            [PreallocateConfig] = Preallocate ? "true" : "false",
            [DeleteRetentionMsConfig] = DeleteRetentionMs.ToString(c),
            [MinCleanableDirtyRatioConfig] = MinCleanableDirtyRatio.ToString(c),
            [MinCompactionLagMsConfig] = MinCompactionLagMs.ToString(c),
            [MaxCompactionLagMsConfig] = MaxCompactionLagMs.ToString(c),
        };
        return result;
    }

    private static int ParseInt(string key, string value, int min)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
        {
            throw new LogConfigException(key, $"'{value}' is not a 32-bit integer");
        }

        return result >= min ? result : throw new LogConfigException(key, $"{result} is below the minimum {min}");
    }

    private static long ParseLong(string key, string value, long min)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
        {
            throw new LogConfigException(key, $"'{value}' is not a 64-bit integer");
        }

        return result >= min ? result : throw new LogConfigException(key, $"{result} is below the minimum {min}");
    }

    private static double ParseRatio(string key, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result) || double.IsNaN(result))
        {
            throw new LogConfigException(key, $"'{value}' is not a number");
        }

        return result is >= 0 and <= 1 ? result : throw new LogConfigException(key, $"{result} is not between 0 and 1");
    }

    private static bool ParseBool(string key, string value) =>
        bool.TryParse(value, out var result) ? result : throw new LogConfigException(key, $"'{value}' is not true or false");

    private static TimestampType ParseTimestampType(string key, string value) => value switch
    {
        "CreateTime" => TimestampType.CreateTime,
        "LogAppendTime" => TimestampType.LogAppendTime,
        _ => throw new LogConfigException(key, $"'{value}' is not CreateTime or LogAppendTime"),
    };

    private static CleanupPolicy ParseCleanupPolicy(string key, string value)
    {
        var policy = CleanupPolicy.None;
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            policy |= part switch
            {
                "delete" => CleanupPolicy.Delete,
                "compact" => CleanupPolicy.Compact,
                _ => throw new LogConfigException(key, $"'{part}' is not delete or compact"),
            };
        }

        return policy;
    }

    private static string FormatCleanupPolicy(CleanupPolicy policy) => policy switch
    {
        CleanupPolicy.Delete => "delete",
        CleanupPolicy.Compact => "compact",
        CleanupPolicy.Delete | CleanupPolicy.Compact => "delete,compact",
        _ => string.Empty,
    };
}
