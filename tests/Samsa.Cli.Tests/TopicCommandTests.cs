using System.Text.Json;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

public sealed class TopicCommandTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    [Fact]
    public async Task Create_list_describe_add_partitions_and_delete()
    {
        var name = BrokerFixture.Unique("topic");
        var created = await SamsaCli.OkAsync("topic", "create", name, "--partitions", "3", "--replication-factor", "1", "-b", B);
        Assert.Equal($"Created topic {name}.", created.Stdout.Trim());
        Assert.Contains(name, (await SamsaCli.OkAsync("topic", "list", "-b", B)).Lines);

        var described = await SamsaCli.OkAsync("topic", "describe", name, "-b", B);
        Assert.Matches($@"(?m)^{name}\s+\S+\s+3\s+1\s", described.Stdout);
        Assert.Equal(3, described.Lines.Count(l => l.StartsWith(name, StringComparison.Ordinal)) - 1);

        await SamsaCli.OkAsync("topic", "add-partitions", name, "--partitions", "5", "-b", B);
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("topic", "describe", name, "-b", B, "--output", "json")).Stdout);
        var topic = json.RootElement.GetProperty("topics")[0];
        Assert.Equal(name, topic.GetProperty("topic").GetString());
        Assert.Equal(5, topic.GetProperty("partitions").GetInt32());
        Assert.Equal(1, topic.GetProperty("replicationFactor").GetInt32());
        var partitions = json.RootElement.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4], partitions.Select(p => p.GetProperty("partition").GetInt32()));
        Assert.All(partitions, p =>
        {
            Assert.Equal(1, p.GetProperty("leader").GetInt32());
            Assert.Equal(1, p.GetProperty("replicas")[0].GetInt32());
            Assert.Equal(1, p.GetProperty("isr")[0].GetInt32());
        });

        Assert.Equal($"Deleted topic {name}.", (await SamsaCli.OkAsync("topic", "delete", name, "-b", B)).Stdout.Trim());
        Assert.DoesNotContain(name, (await SamsaCli.OkAsync("topic", "list", "-b", B)).Lines);
    }

    [Fact]
    public async Task List_as_json_is_an_array_of_names()
    {
        var name = await fixture.TopicAsync();
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("topic", "list", "-b", B, "-o", "json")).Stdout);
        Assert.Contains(name, json.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Creating_an_existing_topic_fails_unless_if_not_exists()
    {
        var name = await fixture.TopicAsync();
        var again = await SamsaCli.RunAsync("topic", "create", name, "-b", B);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("TOPIC_ALREADY_EXISTS", again.Stderr);
        Assert.Single(again.Stderr.Trim().Split('\n'));
        Assert.Equal(0, (await SamsaCli.RunAsync("topic", "create", name, "--if-not-exists", "-b", B)).ExitCode);
    }

    [Fact]
    public async Task Unknown_topics_are_one_line_errors()
    {
        var describe = await SamsaCli.RunAsync("topic", "describe", "no-such-topic", "-b", B);
        Assert.Equal(1, describe.ExitCode);
        Assert.Equal("samsa topic describe: topic no-such-topic: UNKNOWN_TOPIC_OR_PARTITION; list topics with 'samsa topic list'", describe.Stderr.Trim());

        var delete = await SamsaCli.RunAsync("topic", "delete", "no-such-topic", "-b", B);
        Assert.Equal(1, delete.ExitCode);
        Assert.Contains("UNKNOWN_TOPIC_OR_PARTITION", delete.Stderr);
        Assert.Equal(0, (await SamsaCli.RunAsync("topic", "delete", "no-such-topic", "--if-exists", "-b", B)).ExitCode);
    }

    [Fact]
    public async Task Shrinking_partitions_is_refused()
    {
        var name = await fixture.TopicAsync(partitions: 2);
        var result = await SamsaCli.RunAsync("topic", "add-partitions", name, "--partitions", "1", "-b", B);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("INVALID_PARTITIONS", result.Stderr);
    }
}
