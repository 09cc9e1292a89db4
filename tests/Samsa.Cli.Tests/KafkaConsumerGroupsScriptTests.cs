using Samsa.Cli.Tests.Infrastructure;
using Samsa.Client.Configuration;
using Samsa.Client.Consumer;

namespace Samsa.Cli.Tests;

/// <summary>bin/kafka-consumer-groups.sh against the real broker, asserting Kafka's columns, messages and exit codes.</summary>
public sealed class KafkaConsumerGroupsScriptTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    private Task<CliResult> RunAsync(params string[] args) => SamsaCli.ScriptAsync("kafka-consumer-groups.sh", null, ["--bootstrap-server", B, .. args]);

    private Task<CliResult> OkAsync(params string[] args) => SamsaCli.ScriptOkAsync("kafka-consumer-groups.sh", null, ["--bootstrap-server", B, .. args]);

    /// <summary>A two-partition topic with 6 records in partition 0 and 4 in partition 1.</summary>
    private async Task<string> TopicAsync()
    {
        var topic = await fixture.TopicAsync(partitions: 2);
        await SamsaCli.RunWithInputAsync("a\nb\nc\nd\ne\nf\n", "produce", topic, "--partition", "0", "-b", B);
        await SamsaCli.RunWithInputAsync("a\nb\nc\nd\n", "produce", topic, "--partition", "1", "-b", B);
        return topic;
    }

    /// <summary>A group that has never had members, given committed offsets the way operators seed one: a reset with --execute.</summary>
    private async Task<string> GroupWithOffsetsAsync(string topic, string offsets = "2")
    {
        var group = BrokerFixture.Unique("g");
        await OkAsync("--reset-offsets", "--group", group, "--topic", topic, "--to-offset", offsets, "--execute");
        return group;
    }

    private async Task<KafkaConsumer> ActiveMemberAsync(string topic, string group)
    {
        var consumer = new KafkaConsumer(new ConsumerConfig { BootstrapServers = B, GroupId = group, ClientId = "ops-client", AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Subscribe([topic]);
        for (var i = 0; i < 50 && consumer.Assignment.Count < 2; i++)
        {
            await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(2, consumer.Assignment.Count);
        return consumer;
    }

    [Fact]
    public async Task Describe_an_active_group_as_offsets_members_and_state_and_refuse_to_reset_it()
    {
        var topic = await TopicAsync();
        var group = await GroupWithOffsetsAsync(topic);
        await using var consumer = await ActiveMemberAsync(topic, group);
        var member = consumer.MemberId!;

        var offsets = await OkAsync("--describe", "--group", group);
        Assert.Equal(string.Empty, offsets.Stderr);
        Assert.Matches(@"(?m)^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID$", offsets.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+2\s+6\s+4\s+{member}\s+/\S+\s+ops-client$", offsets.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+1\s+2\s+4\s+2\s+{member}\s", offsets.Stdout);
        Assert.Matches(@"(?m)^GROUP\s+TOPIC\s+PARTITION\s+LEADER-EPOCH\s+CURRENT-OFFSET", (await OkAsync("--describe", "--group", group, "--offsets", "--verbose")).Stdout);

        var members = await OkAsync("--describe", "--group", group, "--members");
        Assert.Matches(@"(?m)^GROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s*$", members.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{member}\s+/\S+\s+ops-client\s+2\s*$", members.Stdout);
        var verbose = await OkAsync("--describe", "--group", group, "--members", "--verbose");
        Assert.Matches(@"(?m)^GROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s+CURRENT-EPOCH\s+CURRENT-ASSIGNMENT\s+TARGET-EPOCH\s+TARGET-ASSIGNMENT\s*$", verbose.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{member}\s+\S+\s+ops-client\s+2\s+-\s+{topic}:0,1\s+-\s+-\s*$", verbose.Stdout);

        var state = await OkAsync("--describe", "--group", group, "--state");
        Assert.Matches(@"(?m)^GROUP\s+COORDINATOR \(ID\)\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS$", state.Stdout);
        Assert.Matches($@"(?m)^{group}\s+\S+:\d+  \(1\)\s+range\s+Stable\s+1$", state.Stdout);

        var reset = await OkAsync("--reset-offsets", "--group", group, "--topic", topic, "--to-earliest", "--execute");
        Assert.Contains($"Error: Assignments can only be reset if the group '{group}' is inactive, but the current state is Stable.", reset.Stdout);
        Assert.DoesNotMatch($"(?m)^{group}", reset.Stdout);
    }

    [Fact]
    public async Task Describe_warns_while_a_group_rebalances()
    {
        var topic = await TopicAsync();
        var group = BrokerFixture.Unique("g");
        var first = await ActiveMemberAsync(topic, group);
        await using var second = new KafkaConsumer(new ConsumerConfig { BootstrapServers = B, GroupId = group, ClientId = "joiner" });
        second.Subscribe([topic]);
        var joining = second.ConsumeAsync(TimeSpan.FromMilliseconds(200));
        try
        {
            // The joiner's JoinGroup may reach the broker after the script starts: look again a few times.
            var state = await OkAsync("--describe", "--group", group, "--state");
            for (var i = 0; i < 5 && !state.Stdout.Contains("PreparingRebalance", StringComparison.Ordinal); i++)
            {
                state = await OkAsync("--describe", "--group", group, "--state");
            }

            Assert.Contains($"Warning: Consumer group '{group}' is rebalancing.", state.Stderr);
            Assert.Matches($@"(?m)^{group}\s+\S+  \(1\)\s+-\s+PreparingRebalance\s+\d$", state.Stdout);
        }
        finally
        {
            // Leaving lets the rebalance finish at once instead of waiting for the first member to rejoin.
            await first.DisposeAsync();
            await joining;
        }
    }

    [Fact]
    public async Task Describe_reports_missing_and_empty_groups_as_kafka_does()
    {
        var topic = await TopicAsync();
        var group = await GroupWithOffsetsAsync(topic);

        var missing = await OkAsync("--describe", "--group", "no-such-group");
        Assert.Equal("\nError: Consumer group 'no-such-group' does not exist.\n", missing.Stdout);

        var empty = await OkAsync("--describe", "--group", group, "--group", "no-such-group");
        Assert.Contains($"Consumer group '{group}' has no active members.", empty.Stderr);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+2\s+6\s+4\s+-\s+-\s+-$", empty.Stdout);
        Assert.Contains("Error: Consumer group 'no-such-group' does not exist.", empty.Stdout);

        var state = await OkAsync("--describe", "--all-groups", "--state");
        Assert.Matches($@"(?m)^{group}\s+\S+  \(1\)\s+-\s+Empty\s+0$", state.Stdout);
        var members = await OkAsync("--describe", "--group", group, "--members");
        Assert.Matches(@"^\nGROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s*\n$", members.Stdout);
        Assert.Contains($"Consumer group '{group}' has no active members.", members.Stderr);

        var twoViews = await RunAsync("--describe", "--group", group, "--members", "--state");
        Assert.Equal(2, twoViews.ExitCode);
        Assert.Contains("Option [describe] takes at most one of these options: [members], [offsets], [state]", twoViews.Stderr);
        var noGroup = await RunAsync("--describe");
        Assert.Equal(2, noGroup.ExitCode);
        Assert.Contains("Option [describe] takes one of these options: [all-groups], [group]", noGroup.Stderr);
    }

    [Fact]
    public async Task List_shows_state_and_type_columns_and_filters_by_them()
    {
        var topic = await TopicAsync();
        var group = await GroupWithOffsetsAsync(topic);

        Assert.Contains(group, (await OkAsync("--list")).Lines);
        var withState = await OkAsync("--list", "--state");
        Assert.Matches(@"^GROUP\s+STATE\s*$", withState.Lines[0]);
        Assert.Contains($"{group.PadRight(25)} {"Empty",-20}\n", withState.Stdout);
        Assert.Contains(group, (await OkAsync("--list", "--state", "empty,stable")).Stdout);
        Assert.DoesNotContain(group, (await OkAsync("--list", "--state", "Stable")).Stdout);

        var typed = await OkAsync("--list", "--type", "classic,consumer", "--state");
        Assert.Matches(@"^GROUP\s+TYPE\s+STATE\s*$", typed.Lines[0]);

        var bad = await RunAsync("--list", "--state", "sleepy");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Invalid state list 'sleepy'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling", bad.Stderr);
    }

    [Fact]
    public async Task Reset_to_current_partition_lists_export_and_from_file()
    {
        var topic = await TopicAsync();
        var group = BrokerFixture.Unique("g");

        var first = await OkAsync("--reset-offsets", "--group", group, "--topic", $"{topic}:0", "--to-offset", "3", "--execute");
        Assert.Matches(@"(?m)^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET$", first.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+3$", first.Stdout);
        Assert.DoesNotContain($"{topic} 1", first.Stdout);

        var current = await OkAsync("--reset-offsets", "--group", group, "--topic", $"{topic}:0,1", "--to-current", "--dry-run");
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+3$", current.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+1\s+4$", current.Stdout);
        Assert.Equal(string.Empty, current.Stderr);

        var exported = await OkAsync("--reset-offsets", "--group", group, "--all-topics", "--shift-by", "-1", "--export");
        Assert.Equal($"{topic},0,2\n\n", exported.Stdout);
        Assert.Contains("WARN: No action will be performed as the --execute option is missing.", exported.Stderr);

        var plan = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(plan, $"{topic},0,1\n{topic},1,99\n");
            var fromFile = await OkAsync("--reset-offsets", "--group", group, "--from-file", plan, "--execute");
            Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+1$", fromFile.Stdout);
            Assert.Matches($@"(?m)^{group}\s+{topic}\s+1\s+4$", fromFile.Stdout);
        }
        finally
        {
            File.Delete(plan);
        }

        var described = await OkAsync("--describe", "--group", group);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+1\s+6\s+5\s", described.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+1\s+4\s+4\s+0\s", described.Stdout);

        var noScope = await RunAsync("--reset-offsets", "--group", group, "--to-earliest");
        Assert.Equal(2, noScope.ExitCode);
        Assert.Contains("One of the reset scopes should be defined: --all-topics, --topic.", noScope.Stderr);
    }

    [Fact]
    public async Task Shift_by_needs_a_committed_offset_and_every_strategy_is_accepted()
    {
        var topic = await TopicAsync();
        var group = BrokerFixture.Unique("g");
        var shift = await RunAsync("--reset-offsets", "--group", group, "--topic", topic, "--shift-by", "1", "--dry-run");
        Assert.Equal(2, shift.ExitCode);
        Assert.Contains($"Cannot shift offset for partition {topic}-0 since there is no current committed offset", shift.Stderr);

        foreach (var (strategy, p0) in new[] { (new[] { "--to-earliest" }, 0), (["--to-latest"], 6), (["--to-offset", "9"], 6), (["--to-datetime", "2999-01-01T00:00:00.000"], 6), (["--by-duration", "PT1H"], 0) })
        {
            var result = await OkAsync(["--reset-offsets", "--group", group, "--topic", $"{topic}:0", .. strategy, "--dry-run"]);
            Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+{p0}$", result.Stdout);
        }
    }

    [Fact]
    public async Task Delete_offsets_then_several_groups_at_once()
    {
        var topic = await TopicAsync();
        var first = await GroupWithOffsetsAsync(topic);
        var second = await GroupWithOffsetsAsync(topic);

        var offsets = await OkAsync("--delete-offsets", "--group", first, "--topic", $"{topic}:0", "--timeout", "10000");
        Assert.Equal($"Request succeeded for deleting offsets from group {first}.", offsets.Lines[0]);
        Assert.Matches(@"(?m)^TOPIC\s+PARTITION\s+STATUS\s*$", offsets.Stdout);
        Assert.Matches($@"(?m)^{topic}\s+0\s+Successful\s*$", offsets.Stdout);
        Assert.DoesNotMatch($@"(?m)^{first}\s+{topic}\s+0\s", (await OkAsync("--describe", "--group", first)).Stdout);

        var deleted = await OkAsync("--delete", "--group", first, "--group", second);
        Assert.Equal($"Deletion of requested consumer groups ('{first}', '{second}') was successful.", deleted.Stdout.Trim());

        var again = await OkAsync("--delete", "--group", first);
        Assert.Contains("Error: Deletion of some consumer groups failed:", again.Stdout);
        Assert.Contains($"* Group '{first}' could not be deleted due to: GROUP_ID_NOT_FOUND", again.Stdout);

        var withTopic = await RunAsync("--delete", "--group", first, "--topic", topic);
        Assert.Equal(2, withTopic.ExitCode);
        Assert.Contains("The consumer does not support topic-specific offset deletion from a consumer group.", withTopic.Stderr);
    }

    [Fact]
    public async Task Command_config_timeout_and_validate_regex()
    {
        Assert.Equal("The regular expression `orders-.*` is valid.\n", (await OkAsync("--validate-regex", "orders-.*")).Stdout);
        Assert.StartsWith("The regular expression `orders-(.*` is invalid: ", (await OkAsync("--validate-regex", "orders-(.*")).Stdout);

        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, "client.id=ops\nrequest.timeout.ms=4000\n");
            await OkAsync("--list", "--command-config", config, "--timeout", "5000");
            await File.WriteAllTextAsync(config, "request.timeout.ms=soon\n");
            var bad = await RunAsync("--list", "--command-config", config);
            Assert.Equal(2, bad.ExitCode);
        }
        finally
        {
            File.Delete(config);
        }

        var unreachable = await SamsaCli.ScriptAsync("kafka-consumer-groups.sh", null, "--bootstrap-server", "127.0.0.1:1", "--list", "--timeout", "1000");
        Assert.NotEqual(0, unreachable.ExitCode);
    }
}
