using System.Net;
using Samsa.Broker.Configuration;

namespace Samsa.Broker.Tests.Configuration;

public sealed class BrokerConfigTests
{
    private static BrokerConfig With(params string[] entries) => BrokerConfig.Load(null, entries);

    [Fact]
    public void Defaults_run_a_single_local_node()
    {
        var config = BrokerConfig.CreateDefault();
        Assert.Equal(1, config.NodeId);
        Assert.Equal(["broker", "controller"], config.ProcessRoles);
        var listener = Assert.Single(config.Listeners);
        Assert.Equal(("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT"), (listener.Name, listener.Host, listener.Port, listener.SecurityProtocol));
        Assert.Equal(config.Listeners, config.AdvertisedListeners);
        Assert.Equal(["./data"], config.LogDirs);
        Assert.Equal(168L * 3_600_000, config.LogRetentionMs);
        Assert.Equal(168L * 3_600_000, config.LogRollMs);
        Assert.Equal(0, config.LogRollJitterMs);
        Assert.Equal(long.MaxValue, config.LogFlushIntervalMs);
    }

    [Fact]
    public void Kafka_defaults_are_kept_where_samsa_does_not_differ()
    {
        var config = BrokerConfig.CreateDefault();
        Assert.Equal(1_048_588, config.Get(BrokerConfigs.MessageMaxBytes));
        Assert.Equal(104_857_600, config.Get(BrokerConfigs.SocketRequestMaxBytes));
        Assert.Equal(600_000, config.Get(BrokerConfigs.ConnectionsMaxIdleMs));
        Assert.Equal(1_073_741_824, config.Get(BrokerConfigs.LogSegmentBytes));
        Assert.Equal((short)3, config.Get(BrokerConfigs.OffsetsTopicReplicationFactor));
        Assert.Equal(["delete"], config.Get(BrokerConfigs.LogCleanupPolicy));
        Assert.Equal(0.5, config.Get(BrokerConfigs.LogCleanerMinCleanableRatio));
        Assert.False(config.Get(BrokerConfigs.UncleanLeaderElectionEnable));
        Assert.Null(config.Get(BrokerConfigs.LogRetentionMs));
        Assert.Equal(["classic", "consumer"], config.Get(BrokerConfigs.GroupCoordinatorRebalanceProtocols));
    }

    [Theory]
    [InlineData(new[] { "log.retention.hours=2" }, 2L * 3_600_000)]
    [InlineData(new[] { "log.retention.hours=2", "log.retention.minutes=3" }, 3L * 60_000)]
    [InlineData(new[] { "log.retention.hours=2", "log.retention.minutes=3", "log.retention.ms=4" }, 4L)]
    [InlineData(new[] { "log.retention.ms=-1" }, -1L)]
    [InlineData(new[] { "log.retention.hours=-5" }, -1L)]
    public void Retention_ms_wins_over_minutes_over_hours(string[] entries, long expected) =>
        Assert.Equal(expected, With(entries).LogRetentionMs);

    [Fact]
    public void Roll_jitter_and_flush_prefer_the_millisecond_keys()
    {
        var hours = With("log.roll.hours=2", "log.roll.jitter.hours=1", "log.flush.scheduler.interval.ms=3000");
        Assert.Equal(2L * 3_600_000, hours.LogRollMs);
        Assert.Equal(3_600_000L, hours.LogRollJitterMs);
        Assert.Equal(3000L, hours.LogFlushIntervalMs);

        var ms = With("log.roll.hours=2", "log.roll.ms=5", "log.roll.jitter.hours=1", "log.roll.jitter.ms=6", "log.flush.interval.ms=7");
        Assert.Equal((5L, 6L, 7L), (ms.LogRollMs, ms.LogRollJitterMs, ms.LogFlushIntervalMs));
    }

    [Fact]
    public void Log_dirs_wins_over_log_dir()
    {
        Assert.Equal(["/var/a"], With("log.dir=/var/a").LogDirs);
        Assert.Equal(["/x", "/y"], With("log.dir=/var/a", "log.dirs=/x, /y").LogDirs);
    }

    [Fact]
    public void Advertised_listeners_default_to_listeners_with_wildcard_host_made_concrete()
    {
        var config = With("listeners=PLAINTEXT://:9092,CONTROLLER://0.0.0.0:9093", "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        Assert.Equal(2, config.Listeners.Count);
        var advertised = Assert.Single(config.AdvertisedListeners);
        Assert.Equal(("PLAINTEXT", Dns.GetHostName(), 9092), (advertised.Name, advertised.Host, advertised.Port));
    }

    [Fact]
    public void Explicit_advertised_listeners_are_used_and_checked()
    {
        var config = With("listeners=PLAINTEXT://0.0.0.0:9092", "advertised.listeners=PLAINTEXT://broker1.example:19092");
        Assert.Equal("PLAINTEXT://broker1.example:19092", Assert.Single(config.AdvertisedListeners).ToString());

        Assert.Contains("listener EXTERNAL is not in listeners",
            Assert.Throws<ConfigException>(() => With("advertised.listeners=EXTERNAL://h:1", "listener.security.protocol.map=EXTERNAL:PLAINTEXT,PLAINTEXT:PLAINTEXT")).Message,
            StringComparison.Ordinal);
        Assert.Contains("routable", Assert.Throws<ConfigException>(() => With("advertised.listeners=PLAINTEXT://0.0.0.0:9092")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("num.partitions=0", "num.partitions", "'0'", "[1,...]")]
    [InlineData("num.partitions=many", "num.partitions", "'many'", "a 32-bit integer")]
    [InlineData("auto.create.topics.enable=yes", "auto.create.topics.enable", "'yes'", "true or false")]
    [InlineData("log.cleanup.policy=delete,shred", "log.cleanup.policy", "'delete,shred'", "[compact, delete]")]
    [InlineData("compression.type=brotli", "compression.type", "'brotli'", "zstd")]
    [InlineData("log.segment.bytes=1000", "log.segment.bytes", "'1000'", "[1048576,...]")]
    [InlineData("log.cleaner.min.cleanable.ratio=1.5", "log.cleaner.min.cleanable.ratio", "'1.5'", "[0,...,1]")]
    [InlineData("listeners=PLAINTEXT://host", "listeners", "PLAINTEXT://host", "NAME://host:port")]
    [InlineData("listeners=PLAINTEXT://:9092,PLAINTEXT://:9093", "listeners", "", "more than once")]
    [InlineData("listeners=PLAINTEXT://a:9092,SSL://b:9092", "listeners", "", "its own port")]
    [InlineData("listeners=SSL://:9093", "listeners", "'SSL://:9093'", "PLAINTEXT listeners only")]
    [InlineData("listeners=INTERNAL://:9093", "listeners", "", "no security protocol")]
    [InlineData("node.id=-1", "node.id", "'-1'", "non-negative")]
    [InlineData("group.consumer.heartbeat.interval.ms=50000", "group.consumer.heartbeat.interval.ms", "50000", "")]
    public void Invalid_value_names_the_key_the_value_and_what_is_allowed(string entry, string key, string value, string allowed)
    {
        var ex = Assert.Throws<ConfigException>(() => With(entry));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_id_and_broker_id_must_agree()
    {
        Assert.Equal(7, With("broker.id=7").NodeId);
        Assert.Equal(7, With("broker.id=7", "node.id=7").NodeId);
        var ex = Assert.Throws<ConfigException>(() => With("broker.id=7", "node.id=8"));
        Assert.Contains("broker.id (7) and node.id (8)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_warned_about_and_ignored()
    {
        var warnings = new List<string>();
        var config = BrokerConfig.Load(null, ["zookeeper.connect=localhost:2181", "num.partitions=3"], warnings);
        Assert.Equal(3, config.Get(BrokerConfigs.NumPartitions));
        Assert.Contains(warnings, w => w.Contains("zookeeper.connect", StringComparison.Ordinal));
        Assert.Single(warnings);
    }

    [Fact]
    public void Overrides_win_over_the_file_and_must_be_key_value()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "num.partitions=3\nlog.dirs=/from/file\n");
            var config = BrokerConfig.Load(path, ["num.partitions=6"]);
            Assert.Equal(6, config.Get(BrokerConfigs.NumPartitions));
            Assert.Equal(["/from/file"], config.LogDirs);
            Assert.Equal(ConfigSource.StaticBrokerConfig, config.SourceOf("num.partitions"));
            Assert.Contains("key=value", Assert.Throws<ConfigException>(() => BrokerConfig.Load(path, ["num.partitions"])).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_config_file_is_a_clear_error()
    {
        var ex = Assert.Throws<ConfigException>(() => BrokerConfig.Load("/nonexistent/server.properties", []));
        Assert.Contains("/nonexistent/server.properties", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_lists_every_key_with_value_and_source_and_hides_passwords()
    {
        var config = With("num.partitions=4", "ssl.keystore.password=s3cret");
        var entries = config.Describe();
        Assert.Equal(BrokerConfigs.All.Select(d => d.Name), entries.Select(e => e.Name));

        var partitions = config.Describe("num.partitions");
        Assert.Equal(("4", ConfigSource.StaticBrokerConfig, true), (partitions.Value, partitions.Source, partitions.IsReadOnly));
        Assert.Equal([ConfigSource.StaticBrokerConfig, ConfigSource.DefaultConfig], partitions.Synonyms.Select(s => s.Source));

        var password = config.Describe("ssl.keystore.password");
        Assert.True(password.IsSensitive);
        Assert.Null(password.Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, password.Source);
        Assert.Equal("s3cret", config.Get(BrokerConfigs.SslKeystorePassword)!.Value);
        Assert.DoesNotContain("s3cret", config.Get(BrokerConfigs.SslKeystorePassword)!.ToString(), StringComparison.Ordinal);

        Assert.Equal(ConfigSource.DefaultConfig, config.Describe("message.max.bytes").Source);
    }

    [Fact]
    public void Table_has_unique_names_and_every_default_is_valid()
    {
        Assert.Equal(BrokerConfigs.All.Count, BrokerConfigs.All.Select(d => d.Name).Distinct().Count());
        Assert.All(BrokerConfigs.All, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Documentation));
            Assert.DoesNotContain("|", d.Documentation, StringComparison.Ordinal);
            if (d.DefaultText is not null)
            {
                d.Parse(d.DefaultText);
            }
        });
        Assert.True(BrokerConfigs.All.Count >= 100);
    }
}
