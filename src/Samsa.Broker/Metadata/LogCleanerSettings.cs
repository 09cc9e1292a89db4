using Samsa.Broker.Configuration;
using Samsa.Storage.Cleaning;

namespace Samsa.Broker.Metadata;

/// <summary>
/// The log cleaner's settings from the broker's <c>log.cleaner.*</c> keys, and their live updates: a dynamic change
/// of any of them restarts the cleaner threads with the new settings, as Kafka does. The cleaner's topic-level
/// defaults (<c>log.cleaner.min.cleanable.ratio</c>, <c>.delete.retention.ms</c>, <c>.min/max.compaction.lag.ms</c>)
/// are topic config defaults and reach the logs through <see cref="TopicConfigResolver"/>.
/// </summary>
public static class LogCleanerSettings
{
    /// <summary>The keys whose change restarts the cleaner threads.</summary>
    public static IReadOnlySet<string> ThreadKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        BrokerConfigs.LogCleanerThreads.Name,
        BrokerConfigs.LogCleanerDedupeBufferSize.Name,
        BrokerConfigs.LogCleanerIoBufferSize.Name,
        BrokerConfigs.LogCleanerIoBufferLoadFactor.Name,
        BrokerConfigs.LogCleanerIoMaxBytesPerSecond.Name,
        BrokerConfigs.LogCleanerBackoffMs.Name,
    };

    public static LogCleanerOptions From(BrokerConfig config) => new()
    {
        Enable = config.Get(BrokerConfigs.LogCleanerEnable) && config.Get(BrokerConfigs.LogCleanerThreads) > 0,
        Threads = Math.Max(1, config.Get(BrokerConfigs.LogCleanerThreads)),
        DedupeBufferSize = config.Get(BrokerConfigs.LogCleanerDedupeBufferSize),
        DedupeBufferLoadFactor = config.Get(BrokerConfigs.LogCleanerIoBufferLoadFactor),
        IoBufferSize = config.Get(BrokerConfigs.LogCleanerIoBufferSize),
        IoMaxBytesPerSecond = config.Get(BrokerConfigs.LogCleanerIoMaxBytesPerSecond),
        BackoffMs = config.Get(BrokerConfigs.LogCleanerBackoffMs),
    };

    /// <summary>Reconfigures <paramref name="cleaner"/> whenever one of <see cref="ThreadKeys"/> changes.</summary>
    public static void Follow(BrokerConfig config, LogCleaner cleaner)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(cleaner);
        config.Changed += (_, e) =>
        {
            if (e.ChangedKeys.Any(ThreadKeys.Contains))
            {
                cleaner.Reconfigure(From(config));
            }
        };
    }
}
