using System.Text.RegularExpressions;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

/// <summary>
/// kafka-topics.sh and kafka-configs.sh beyond the quick start: describe filters, --topic as a regular expression,
/// --topic-id, --replica-assignment, kafka-configs' entity flags, bracketed values, defaults, and Kafka's errors.
/// Flag sets follow Kafka's operations guide.
/// </summary>
public sealed class KafkaTopicsAndConfigsScriptTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    private static Task<CliResult> OkAsync(string script, params string[] args) => SamsaCli.ScriptOkAsync(script, null, args);

    private static async Task<CliResult> FailsAsync(int exitCode, string expected, string script, params string[] args)
    {
        var result = await SamsaCli.ScriptAsync(script, null, args);
        Assert.True(result.ExitCode == exitCode, $"{script} {string.Join(' ', args)}: {result}");
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        return result;
    }

    [Fact]
    public async Task Describe_filters_show_only_overridden_topics_or_the_matching_partitions()
    {
        var strict = BrokerFixture.Unique("strict");
        var plain = BrokerFixture.Unique("plain");
        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", strict, "--partitions", "2", "--replication-factor", "1", "--config", "min.insync.replicas=2", "--config", "max.message.bytes=64000");
        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", plain, "--partitions", "2");
        var both = $"{strict}|{plain}";

        var overrides = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--topics-with-overrides", "--topic", both);
        var line = Assert.Single(overrides.Lines);
        Assert.Matches($@"^Topic: {strict}\tTopicId: \S+\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: .*min\.insync\.replicas=2", line);
        Assert.Contains("max.message.bytes=64000", line, StringComparison.Ordinal);

        var underMinIsr = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--under-min-isr-partitions", "--topic", both);
        Assert.Equal([$"\tTopic: {strict}\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1", $"\tTopic: {strict}\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1"], underMinIsr.Lines);

        var atMinIsr = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--at-min-isr-partitions", "--topic", both);
        Assert.Equal([$"\tTopic: {plain}\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1", $"\tTopic: {plain}\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1"], atMinIsr.Lines);

        Assert.Empty((await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--under-replicated-partitions")).Lines);
        Assert.Empty((await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--unavailable-partitions", "--topic", both)).Lines);

        await FailsAsync(2, "Option \"[under-replicated-partitions]\" can't be used with option \"[topics-with-overrides]\"", "kafka-topics.sh", "--bootstrap-server", B, "--describe", "--under-replicated-partitions", "--topics-with-overrides");
    }

    [Fact]
    public async Task Topic_is_a_regular_expression_for_list_describe_alter_and_delete()
    {
        var prefix = BrokerFixture.Unique("rx");
        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", prefix + "-a", "--partitions", "1");
        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", prefix + "-b", "--partitions", "1");

        Assert.Equal([prefix + "-a", prefix + "-b"], (await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--list", "--topic", prefix + "-.*")).Lines);
        Assert.Empty((await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--list", "--topic", prefix)).Lines);

        await FailsAsync(1, $"Topic '{prefix}' does not exist as expected", "kafka-topics.sh", "--bootstrap-server", B, "--describe", "--topic", prefix);
        await FailsAsync(1, $"Topic '{prefix}' does not exist as expected", "kafka-topics.sh", "--bootstrap-server", B, "--delete", "--topic", prefix);
        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--delete", "--topic", prefix, "--if-exists");

        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--alter", "--topic", prefix + "-.*", "--partitions", "3");
        var described = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--topic", prefix + "-.*");
        Assert.Equal(2, described.Lines.Count(l => l.Contains("PartitionCount: 3", StringComparison.Ordinal)));

        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--delete", "--topic", prefix + "-.*");
        Assert.Empty((await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--list", "--topic", prefix + "-.*")).Lines);
    }

    [Fact]
    public async Task Topic_id_describes_the_topic_it_names()
    {
        var topic = await fixture.TopicAsync(partitions: 2);
        var byName = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--topic", topic);
        var id = Regex.Match(byName.Lines[0], @"TopicId: (\S+)").Groups[1].Value;

        var byId = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--topic-id", id);
        Assert.Equal(byName.Lines, byId.Lines);

        await FailsAsync(1, "TopicId 'AAAAAAAAAAAAAAAAAAAAAQ' does not exist as expected", "kafka-topics.sh", "--bootstrap-server", B, "--describe", "--topic-id", "AAAAAAAAAAAAAAAAAAAAAQ");
    }

    [Fact]
    public async Task Replica_assignment_places_partitions_on_registered_brokers_only()
    {
        var topic = BrokerFixture.Unique("placed");
        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", topic, "--replica-assignment", "1,1");
        await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--alter", "--topic", topic, "--partitions", "3", "--replica-assignment", "1,1,1");
        var described = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--describe", "--topic", topic);
        Assert.Contains("PartitionCount: 3\tReplicationFactor: 1", described.Lines[0], StringComparison.Ordinal);
        Assert.Equal($"\tTopic: {topic}\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1", described.Lines[3]);

        await FailsAsync(1, "The manual partition assignment includes broker 2, but no such broker is registered.", "kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", BrokerFixture.Unique("nowhere"), "--replica-assignment", "2");
        await FailsAsync(1, "Partition replica lists may not contain duplicate entries: 1", "kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", BrokerFixture.Unique("twice"), "--replica-assignment", "1:1");
        await FailsAsync(2, "Option \"[replica-assignment]\" can't be used with option \"[partitions]\"", "kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", topic, "--replica-assignment", "1", "--partitions", "2");
    }

    [Fact]
    public async Task Kafka_topics_refuses_what_Kafka_refuses()
    {
        var topic = await fixture.TopicAsync(partitions: 2);
        await FailsAsync(2, "can't be used with option \"[alter]\" (To alter topic configurations, the kafka-configs tool can be used.)", "kafka-topics.sh", "--bootstrap-server", B, "--alter", "--topic", topic, "--config", "retention.ms=1000");
        await FailsAsync(1, $"The topic {topic} currently has 2 partition(s); 1 would not be an increase.", "kafka-topics.sh", "--bootstrap-server", B, "--alter", "--topic", topic, "--partitions", "1");
        await FailsAsync(2, "Missing required argument \"[partitions]\"", "kafka-topics.sh", "--bootstrap-server", B, "--alter", "--topic", topic);
        await FailsAsync(2, "Missing required argument \"[topic]\"", "kafka-topics.sh", "--bootstrap-server", B, "--create", "--partitions", "1");
        await FailsAsync(2, "Option \"[partitions]\" can't be used with option \"[list]\"", "kafka-topics.sh", "--bootstrap-server", B, "--list", "--partitions", "3");
        await FailsAsync(2, "Option \"[if-exists]\" can't be used with option \"[create]\"", "kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", topic, "--if-exists");
        await FailsAsync(2, "The replication factor must be between 1 and 32767 inclusive", "kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", topic, "--replication-factor", "0");

        var dotted = BrokerFixture.Unique("with.dot");
        var created = await OkAsync("kafka-topics.sh", "--bootstrap-server", B, "--create", "--topic", dotted, "--config", "cleanup.policy=compact,delete");
        Assert.StartsWith("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide.", created.Lines[0], StringComparison.Ordinal);
        Assert.Equal($"Created topic {dotted}.", created.Lines[1]);
    }

    [Fact]
    public async Task Kafka_configs_adds_bracketed_values_and_a_file_and_deletes_only_what_is_set()
    {
        var topic = await fixture.TopicAsync();
        var altered = await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--entity-type", "topics", "--entity-name", topic, "--alter", "--add-config", "cleanup.policy=[compact,delete],max.message.bytes=128000", "--force");
        Assert.Equal($"Completed updating config for topic {topic}.", altered.Stdout.Trim());

        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "# from a file\nsegment.ms=3600000\n");
        await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--topic", topic, "--alter", "--add-config-file", file);
        File.Delete(file);

        var described = await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--entity-type", "topics", "--entity-name", topic, "--describe");
        Assert.Equal(
            [
                $"Dynamic configs for topic {topic} are:",
                "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}",
                "  max.message.bytes=128000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=128000, DEFAULT_CONFIG:message.max.bytes=1048588}",
                "  segment.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.ms=3600000, DEFAULT_CONFIG:log.roll.hours=168}",
            ],
            described.Lines);

        await FailsAsync(1, "Invalid config(s): flush.ms", "kafka-configs.sh", "--bootstrap-server", B, "--entity-type", "topics", "--entity-name", topic, "--alter", "--delete-config", "flush.ms,segment.ms");
        await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--entity-type", "topics", "--entity-name", topic, "--alter", "--delete-config", "max.message.bytes,segment.ms");
        Assert.Equal(2, (await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--topic", topic, "--describe")).Lines.Length);

        var all = await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--describe", "--entity-type", "topics");
        Assert.Contains($"Dynamic configs for topic {topic} are:", all.Lines);
    }

    [Fact]
    public async Task Kafka_configs_alters_and_describes_the_broker_defaults_and_every_broker()
    {
        var altered = await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--entity-type", "brokers", "--entity-default", "--alter", "--add-config", "log.cleaner.threads=2");
        Assert.Equal("Completed updating default config for brokers in the cluster.", altered.Stdout.Trim());
        try
        {
            var defaults = await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--entity-type", "brokers", "--entity-default", "--describe");
            Assert.Equal("Default configs for brokers in the cluster are:", defaults.Lines[0]);
            Assert.StartsWith("  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.threads=2", defaults.Lines[1], StringComparison.Ordinal);

            var everyBroker = await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--entity-type", "brokers", "--describe");
            Assert.Equal("Dynamic configs for broker 1 are:", everyBroker.Lines[0]);
            Assert.Contains("Default configs for brokers in the cluster are:", everyBroker.Lines);
        }
        finally
        {
            await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--broker-defaults", "--alter", "--delete-config", "log.cleaner.threads");
        }

        Assert.Equal(["Default configs for brokers in the cluster are:"], (await OkAsync("kafka-configs.sh", "--bootstrap-server", B, "--broker-defaults", "--describe")).Lines);
    }

    [Fact]
    public async Task Kafka_configs_fails_in_one_line_for_entities_Samsa_does_not_have_and_bad_flags()
    {
        await FailsAsync(1, "the broker does not support client quotas", "kafka-configs.sh", "--bootstrap-server", B, "--describe", "--entity-type", "users", "--entity-name", "alice");
        await FailsAsync(1, "the broker does not support client quotas", "kafka-configs.sh", "--bootstrap-server", B, "--alter", "--client-defaults", "--add-config", "producer_byte_rate=1024");
        var loggers = await FailsAsync(1, "the broker has no broker-logger configs: it answered INVALID_REQUEST", "kafka-configs.sh", "--bootstrap-server", B, "--describe", "--broker-logger", "1");
        Assert.Empty(loggers.Stdout);
        await FailsAsync(1, "the broker has no group configs: it answered INVALID_REQUEST", "kafka-configs.sh", "--bootstrap-server", B, "--alter", "--entity-type", "groups", "--entity-name", "g1", "--add-config", "consumer.session.timeout.ms=50000");
        await FailsAsync(2, "--bootstrap-controller is not available", "kafka-configs.sh", "--bootstrap-controller", B, "--describe", "--broker", "1");
        await FailsAsync(2, "Invalid entity type widgets, the entity type must be one of topics, clients, users, brokers, ips, broker-loggers, client-metrics, groups", "kafka-configs.sh", "--bootstrap-server", B, "--describe", "--entity-type", "widgets");
        await FailsAsync(2, "--entity-{type,name,default} should not be used in conjunction with specific entity flags", "kafka-configs.sh", "--bootstrap-server", B, "--describe", "--entity-name", "x", "--topic", "t");
        await FailsAsync(2, "At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter", "kafka-configs.sh", "--bootstrap-server", B, "--alter", "--topic", "t");
        await FailsAsync(2, "Invalid entity config: all configs to be added must be in the format", "kafka-configs.sh", "--bootstrap-server", B, "--alter", "--topic", "t", "--add-config", "retention.ms");
        await FailsAsync(2, "The entity name for brokers must be a valid integer broker id, but it is: one", "kafka-configs.sh", "--bootstrap-server", B, "--describe", "--entity-type", "brokers", "--entity-name", "one");
    }
}
