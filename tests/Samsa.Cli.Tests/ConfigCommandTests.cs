using System.Text.Json;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

/// <summary>Config commands against the real broker: these need its DescribeConfigs and IncrementalAlterConfigs.</summary>
public sealed class ConfigCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    private async Task<Dictionary<string, string?>> TopicConfigsAsync(string topic)
    {
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("config", "describe", "--topic", topic, "-b", B, "-o", "json")).Stdout);
        return json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Topic_configs_are_set_shown_and_deleted()
    {
        var topic = await fixture.TopicAsync();
        await SamsaCli.OkAsync("config", "set", "--topic", topic, "retention.ms=3600000", "segment.bytes=1048576", "-b", B);
        var configs = await TopicConfigsAsync(topic);
        Assert.Equal("3600000", configs["retention.ms"]);
        Assert.Equal("1048576", configs["segment.bytes"]);

        await SamsaCli.OkAsync("config", "delete", "--topic", topic, "retention.ms", "-b", B);
        Assert.DoesNotContain("retention.ms", (await TopicConfigsAsync(topic)).Keys);

        await SamsaCli.OkAsync("topic", "alter-config", topic, "--set", "cleanup.policy=compact", "-b", B);
        Assert.Equal("compact", (await TopicConfigsAsync(topic))["cleanup.policy"]);
        Assert.Contains("cleanup.policy=compact", (await SamsaCli.OkAsync("topic", "describe", topic, "-b", B)).Stdout);
    }

    [Fact]
    public async Task Broker_configs_are_described_with_their_sources()
    {
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("config", "describe", "--broker", "1", "--all", "-b", B, "-o", "json")).Stdout);
        var entries = json.RootElement.EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("name").GetString() == "log.dirs" && e.GetProperty("value").GetString() == fixture.Broker.DataDir);
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("source").GetString())));
    }

    [Fact]
    public async Task Kafka_configs_script_alters_and_describes()
    {
        var topic = await fixture.TopicAsync();
        var altered = await SamsaCli.ScriptAsync("kafka-configs.sh", null, "--bootstrap-server", B, "--entity-type", "topics", "--entity-name", topic, "--alter", "--add-config", "retention.ms=7200000,max.message.bytes=2000000");
        Assert.Equal($"Completed updating config for topic {topic}.", altered.Stdout.Trim());
        var described = await SamsaCli.ScriptAsync("kafka-configs.sh", null, "--bootstrap-server", B, "--describe", "--topic", topic);
        Assert.Equal($"Dynamic configs for topic {topic} are:", described.Lines[0]);
        Assert.Contains(described.Lines, l => l.StartsWith("  retention.ms=7200000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=7200000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_value_is_the_brokers_one_line_error()
    {
        var topic = await fixture.TopicAsync();
        var result = await SamsaCli.RunAsync("config", "set", "--topic", topic, "retention.ms=soon", "-b", B);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("INVALID_CONFIG", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }
}
