using System.Text.RegularExpressions;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

/// <summary>bin/kafka-*.sh with the flag sets of Kafka's quick start and operations docs; output parsed as scripts parse Kafka's.</summary>
public sealed class KafkaScriptTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    private static Task<CliResult> OkAsync(string script, string? stdin, params string[] args) => SamsaCli.ScriptOkAsync(script, stdin, args);

    [Fact]
    public async Task Kafka_topics_creates_lists_describes_alters_and_deletes()
    {
        var topic = BrokerFixture.Unique("quickstart-events");
        var created = await OkAsync("kafka-topics.sh", null, "--create", "--topic", topic, "--bootstrap-server", B, "--partitions", "2", "--replication-factor", "1");
        Assert.Equal($"Created topic {topic}.", created.Stdout.Trim());
        Assert.Contains(topic, (await OkAsync("kafka-topics.sh", null, "--list", "--bootstrap-server", B)).Lines);

        var described = await OkAsync("kafka-topics.sh", null, "--describe", "--topic", topic, "--bootstrap-server", B);
        Assert.Matches($@"^Topic: {topic}\tTopicId: \S+\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: ", described.Lines[0]);
        Assert.Equal($"\tTopic: {topic}\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1", described.Lines[2]);

        await OkAsync("kafka-topics.sh", null, "--alter", "--topic", topic, "--partitions", "4", "--bootstrap-server", B);
        Assert.Contains("PartitionCount: 4", (await OkAsync("kafka-topics.sh", null, "--describe", "--topic", topic, "--bootstrap-server", B)).Stdout);

        var duplicate = await SamsaCli.ScriptAsync("kafka-topics.sh", null, "--create", "--topic", topic, "--bootstrap-server", B);
        Assert.Equal(1, duplicate.ExitCode);
        await OkAsync("kafka-topics.sh", null, "--create", "--if-not-exists", "--topic", topic, "--bootstrap-server", B);

        await OkAsync("kafka-topics.sh", null, "--delete", "--topic", topic, "--bootstrap-server", B);
        Assert.DoesNotContain(topic, (await OkAsync("kafka-topics.sh", null, "--list", "--bootstrap-server", B)).Lines);
    }

    [Fact]
    public async Task Console_producer_and_consumer_with_keys_and_print_properties()
    {
        var topic = await fixture.TopicAsync();
        await OkAsync(
            "kafka-console-producer.sh", "k1:first\nk2:second\n",
            "--topic", topic, "--bootstrap-server", B, "--property", "parse.key=true", "--property", "key.separator=:", "--producer-property", "acks=all");

        var plain = await OkAsync("kafka-console-consumer.sh", null, "--topic", topic, "--from-beginning", "--bootstrap-server", B, "--max-messages", "2");
        Assert.Equal(["first", "second"], plain.Lines);
        Assert.Contains("Processed a total of 2 messages", plain.Stderr);

        var detailed = await OkAsync(
            "kafka-console-consumer.sh", null, "--topic", topic, "--from-beginning", "--bootstrap-server", B, "--max-messages", "2",
            "--property", "print.key=true", "--property", "print.timestamp=true", "--property", "print.partition=true", "--property", "print.offset=true", "--property", "key.separator=|");
        Assert.Matches(@"^CreateTime:\d{13}\|Partition:0\|Offset:0\|k1\|first$", detailed.Lines[0]);
        Assert.Matches(@"^CreateTime:\d{13}\|Partition:0\|Offset:1\|k2\|second$", detailed.Lines[1]);

        var fromOffset = await OkAsync("kafka-console-consumer.sh", null, "--topic", topic, "--partition", "0", "--offset", "1", "--bootstrap-server", B, "--timeout-ms", "1500");
        Assert.Equal(["second"], fromOffset.Lines);
    }

    [Fact]
    public async Task Producer_and_consumer_perf_tests_print_kafkas_lines()
    {
        var topic = await fixture.TopicAsync();
        var produced = await OkAsync(
            "kafka-producer-perf-test.sh", null, "--topic", topic, "--num-records", "5000", "--record-size", "100", "--throughput", "-1",
            "--producer-props", $"bootstrap.servers={B}", "acks=1", "linger.ms=5");
        Assert.Matches(
            new Regex(@"(?m)^5000 records sent, [\d.]+ records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$"),
            produced.Stdout);

        var consumed = await OkAsync("kafka-consumer-perf-test.sh", null, "--bootstrap-server", B, "--topic", topic, "--messages", "5000");
        Assert.Equal("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec", consumed.Lines[0]);
        var fields = consumed.Lines[1].Split(", ");
        Assert.Equal(10, fields.Length);
        Assert.Equal("0.4768", fields[2]);
        Assert.Equal("5000", fields[4]);
    }

    [Fact]
    public async Task Scripts_fail_with_one_line_on_bad_flags_and_unknown_topics()
    {
        var noAction = await SamsaCli.ScriptAsync("kafka-topics.sh", null, "--topic", "x", "--bootstrap-server", B);
        Assert.Equal(2, noAction.ExitCode);
        Assert.Contains("give exactly one of --create, --list, --describe, --delete, --alter", noAction.Stderr);

        var unknown = await SamsaCli.ScriptAsync("kafka-topics.sh", null, "--describe", "--topic", "no-such-topic", "--bootstrap-server", B);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Single(unknown.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("kafka-topics.sh", "--create")]
    [InlineData("kafka-consumer-groups.sh", "--reset-offsets")]
    [InlineData("kafka-configs.sh", "--add-config")]
    [InlineData("kafka-console-producer.sh", "--producer-property")]
    [InlineData("kafka-console-consumer.sh", "--from-beginning")]
    [InlineData("kafka-producer-perf-test.sh", "--num-records")]
    [InlineData("kafka-consumer-perf-test.sh", "--messages")]
    public async Task Scripts_print_their_flags_for_help_and_a_version(string script, string flag)
    {
        var help = await OkAsync(script, null, "--help");
        Assert.Contains(flag, help.Stdout);

        var version = await OkAsync(script, null, "--version");
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
    }
}
