using Samsa.Broker.Configuration;

namespace Samsa.Broker.Tests.Configuration;

public sealed class DynamicConfigTests
{
    private static Dictionary<string, string?> Change(string key, string? value) => new() { [key] = value };

    [Fact]
    public void Dynamic_change_applies_notifies_and_reports_its_source()
    {
        var config = BrokerConfig.Load(null, ["log.retention.hours=10"]);
        IReadOnlyList<string>? notified = null;
        config.Changed += (_, e) => notified = e.ChangedKeys;

        var changed = config.ApplyDynamic(DynamicConfigScope.ThisBroker, Change("log.retention.ms", "1000"));

        Assert.Equal(["log.retention.ms"], changed);
        Assert.Equal(changed, notified);
        Assert.Equal(1000, config.LogRetentionMs);
        var entry = config.Describe("log.retention.ms");
        Assert.Equal(("1000", ConfigSource.DynamicBrokerConfig), (entry.Value, entry.Source));
    }

    [Fact]
    public void Per_broker_value_wins_over_cluster_default_which_wins_over_the_file()
    {
        var config = BrokerConfig.Load(null, ["message.max.bytes=1000"]);
        config.ApplyDynamic(DynamicConfigScope.ClusterDefault, Change("message.max.bytes", "2000"));
        Assert.Equal(2000, config.Get(BrokerConfigs.MessageMaxBytes));
        Assert.Equal(ConfigSource.DynamicDefaultBrokerConfig, config.SourceOf("message.max.bytes"));

        config.ApplyDynamic(DynamicConfigScope.ThisBroker, Change("message.max.bytes", "3000"));
        Assert.Equal(3000, config.Get(BrokerConfigs.MessageMaxBytes));
        Assert.Equal(
            [ConfigSource.DynamicBrokerConfig, ConfigSource.DynamicDefaultBrokerConfig, ConfigSource.StaticBrokerConfig, ConfigSource.DefaultConfig],
            config.Describe("message.max.bytes").Synonyms.Select(s => s.Source));

        config.ApplyDynamic(DynamicConfigScope.ThisBroker, Change("message.max.bytes", null));
        Assert.Equal(2000, config.Get(BrokerConfigs.MessageMaxBytes));
        config.ApplyDynamic(DynamicConfigScope.ClusterDefault, Change("message.max.bytes", null));
        Assert.Equal(1000, config.Get(BrokerConfigs.MessageMaxBytes));
        Assert.Equal(ConfigSource.StaticBrokerConfig, config.SourceOf("message.max.bytes"));
    }

    [Fact]
    public void Read_only_keys_cannot_change_at_runtime()
    {
        var config = BrokerConfig.CreateDefault();
        var ex = Assert.Throws<ConfigException>(() => config.ApplyDynamic(DynamicConfigScope.ThisBroker, Change("num.partitions", "3")));
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, config.Get(BrokerConfigs.NumPartitions));
    }

    [Fact]
    public void Per_broker_keys_cannot_be_set_as_cluster_default()
    {
        var config = BrokerConfig.CreateDefault();
        var ex = Assert.Throws<ConfigException>(() => config.ApplyDynamic(DynamicConfigScope.ClusterDefault, Change("advertised.listeners", "PLAINTEXT://h:1")));
        Assert.Contains("per broker only", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_change_is_rejected_whole_and_nothing_is_applied()
    {
        var config = BrokerConfig.CreateDefault();
        var notified = false;
        config.Changed += (_, _) => notified = true;
        var changes = new Dictionary<string, string?> { ["message.max.bytes"] = "5000", ["min.insync.replicas"] = "0" };

        var ex = Assert.Throws<ConfigException>(() => config.ApplyDynamic(DynamicConfigScope.ThisBroker, changes));

        Assert.Contains("min.insync.replicas", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1_048_588, config.Get(BrokerConfigs.MessageMaxBytes));
        Assert.False(notified);
        Assert.Throws<ConfigException>(() => config.ApplyDynamic(DynamicConfigScope.ThisBroker, Change("no.such.key", "1")));
        Assert.Throws<ConfigException>(() => config.ApplyDynamic(DynamicConfigScope.ThisBroker, Change("advertised.listeners", "OTHER://h:1")));
    }

    [Fact]
    public void Validate_only_reports_without_applying()
    {
        var config = BrokerConfig.CreateDefault();
        var changed = config.ApplyDynamic(DynamicConfigScope.ThisBroker, Change("log.cleaner.threads", "4"), validateOnly: true);
        Assert.Equal(["log.cleaner.threads"], changed);
        Assert.Equal(1, config.Get(BrokerConfigs.LogCleanerThreads));
    }
}
