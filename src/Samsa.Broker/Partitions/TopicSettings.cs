using System.Globalization;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Broker.Partitions;

/// <summary>
/// The topic configs the broker (rather than storage) acts on, parsed once per config change:
/// <c>min.insync.replicas</c> and <c>compression.type</c> with its level.
/// </summary>
public sealed record TopicSettings(int MinInsyncReplicas, CompressionType? TargetCompression, int? CompressionLevel)
{
    public static readonly TopicSettings Default = new(1, null, null);

    /// <summary>Reads the settings from a LogConfig whose "other" configs carry the broker defaults and topic overrides.</summary>
    public static TopicSettings From(LogConfig config)
    {
        var others = config.Others;
        var minIsr = others.TryGetValue("min.insync.replicas", out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : 1;
        CompressionType? target = others.GetValueOrDefault("compression.type") switch
        {
            "uncompressed" => CompressionType.None,
            "gzip" => CompressionType.Gzip,
            "snappy" => CompressionType.Snappy,
            "lz4" => CompressionType.Lz4,
            "zstd" => CompressionType.Zstd,
            _ => null,
        };
        int? level = target switch
        {
            CompressionType.Gzip => Level(others, "compression.gzip.level", -1),
            CompressionType.Lz4 => Level(others, "compression.lz4.level", 9),
            CompressionType.Zstd => Level(others, "compression.zstd.level", 3),
            _ => null,
        };
        return new TopicSettings(minIsr, target, level);
    }

    /// <summary>The configured level, or null when it is the codec's default.</summary>
    private static int? Level(IReadOnlyDictionary<string, string> others, string key, int codecDefault) =>
        others.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) && level != codecDefault ? level : null;
}
