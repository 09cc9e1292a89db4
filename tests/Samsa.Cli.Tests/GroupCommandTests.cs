using System.Text.Json;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

/// <summary>Group commands against the real broker: these need its group APIs (FindCoordinator, JoinGroup, DescribeGroups, OffsetCommit, ...).</summary>
public sealed class GroupCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    private async Task<(string Topic, string Group)> GroupThatReadAsync(int produced, int consumed)
    {
        var topic = await fixture.TopicAsync();
        await SamsaCli.RunWithInputAsync(string.Concat(Enumerable.Range(0, produced).Select(i => $"r{i}\n")), "produce", topic, "-b", B);
        var group = BrokerFixture.Unique("g");
        var read = await SamsaCli.OkAsync("consume", topic, "--group", group, "--from-beginning", "--max-messages", consumed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", B);
        Assert.Equal(consumed, read.Lines.Length);
        return (topic, group);
    }

    private static async Task<JsonElement> DescribeAsync(string group, string bootstrap)
    {
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("group", "describe", group, "-b", bootstrap, "-o", "json")).Stdout);
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task Describe_shows_lag_as_log_end_minus_committed()
    {
        var (topic, group) = await GroupThatReadAsync(produced: 10, consumed: 4);
        var described = await DescribeAsync(group, B);
        var offsets = Assert.Single(described.GetProperty("offsets").EnumerateArray());
        Assert.Equal(topic, offsets.GetProperty("topic").GetString());
        Assert.Equal(4, offsets.GetProperty("currentOffset").GetInt64());
        Assert.Equal(10, offsets.GetProperty("logEndOffset").GetInt64());
        Assert.Equal(6, offsets.GetProperty("lag").GetInt64());
        Assert.Equal(6, described.GetProperty("group")[0].GetProperty("totalLag").GetInt64());
        Assert.Equal("Empty", described.GetProperty("group")[0].GetProperty("state").GetString());

        Assert.Contains(group, (await SamsaCli.OkAsync("group", "list", "-b", B)).Stdout);
        var text = await SamsaCli.OkAsync("group", "describe", group, "-b", B);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+4\s+10\s+6\s", text.Stdout);
    }

    [Fact]
    public async Task Reset_offsets_plans_by_default_and_commits_with_execute()
    {
        var (topic, group) = await GroupThatReadAsync(produced: 10, consumed: 4);
        async Task<long> ResetAsync(params string[] strategy)
        {
            using var plan = JsonDocument.Parse((await SamsaCli.OkAsync(["group", "reset-offsets", group, "--topic", topic, .. strategy, "-b", B, "-o", "json"])).Stdout);
            return plan.RootElement[0].GetProperty("newOffset").GetInt64();
        }

        async Task<long> CommittedAsync() => (await DescribeAsync(group, B)).GetProperty("offsets")[0].GetProperty("currentOffset").GetInt64();

        Assert.Equal(0, await ResetAsync("--to-earliest"));
        Assert.Equal(4, await CommittedAsync());
        Assert.Equal(0, await ResetAsync("--to-earliest", "--execute"));
        Assert.Equal(0, await CommittedAsync());
        Assert.Equal(7, await ResetAsync("--to-offset", "7", "--execute"));
        Assert.Equal(5, await ResetAsync("--shift-by", "-2", "--execute"));
        Assert.Equal(10, await ResetAsync("--shift-by", "100", "--execute"));
        Assert.Equal(0, await ResetAsync("--by-duration", "PT1H", "--execute"));
        Assert.Equal(10, await ResetAsync("--to-datetime", "2999-01-01T00:00:00.000", "--execute"));
        Assert.Equal(10, await ResetAsync("--to-latest", "--dry-run"));
        Assert.Equal(10, await CommittedAsync());

        var rest = await SamsaCli.OkAsync("group", "reset-offsets", group, "--all-topics", "--to-offset", "8", "--execute", "-b", B);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+8$", rest.Stdout);
        var resumed = await SamsaCli.OkAsync("consume", topic, "--group", group, "--max-messages", "2", "-b", B);
        Assert.Equal(["r8", "r9"], resumed.Lines);
    }

    [Fact]
    public async Task Delete_offsets_then_delete_the_group()
    {
        var (topic, group) = await GroupThatReadAsync(produced: 3, consumed: 3);
        var deleted = await SamsaCli.OkAsync("group", "delete-offsets", group, "--topic", topic, "-b", B);
        Assert.Matches($@"(?m)^{topic}\s+0\s+Successful$", deleted.Stdout);

        Assert.Equal($"Deletion of requested consumer groups ('{group}') was successful.", (await SamsaCli.OkAsync("group", "delete", group, "-b", B)).Stdout.Trim());
        var gone = await SamsaCli.RunAsync("group", "describe", group, "-b", B);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains($"consumer group '{group}' does not exist", gone.Stderr);
    }

    [Fact]
    public async Task Kafka_consumer_groups_script_lists_describes_and_resets()
    {
        var (topic, group) = await GroupThatReadAsync(produced: 5, consumed: 2);
        Assert.Contains(group, (await SamsaCli.ScriptAsync("kafka-consumer-groups.sh", null, "--bootstrap-server", B, "--list")).Lines);

        var described = await SamsaCli.ScriptAsync("kafka-consumer-groups.sh", null, "--bootstrap-server", B, "--describe", "--group", group);
        Assert.Contains($"Consumer group '{group}' has no active members.", described.Stderr);
        Assert.Matches(@"(?m)^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID$", described.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+2\s+5\s+3\s+-\s+-\s+-$", described.Stdout);

        var reset = await SamsaCli.ScriptAsync("kafka-consumer-groups.sh", null, "--bootstrap-server", B, "--group", group, "--reset-offsets", "--topic", topic, "--to-earliest", "--execute");
        Assert.Matches($@"(?m)^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET$", reset.Stdout);
        Assert.Matches($@"(?m)^{group}\s+{topic}\s+0\s+0$", reset.Stdout);
    }

    [Fact]
    public async Task An_unknown_group_is_a_one_line_error()
    {
        var result = await SamsaCli.RunAsync("group", "describe", "no-such-group", "-b", B);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("samsa group describe: consumer group 'no-such-group' does not exist; list groups with 'samsa group list'", result.Stderr.Trim());
    }
}
