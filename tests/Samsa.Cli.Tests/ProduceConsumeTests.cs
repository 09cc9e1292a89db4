using System.Globalization;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

public sealed class ProduceConsumeTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    [Fact]
    public async Task Keys_values_and_headers_round_trip_through_the_format_template()
    {
        var topic = await fixture.TopicAsync();
        var produced = await SamsaCli.RunWithInputAsync("a:1\nb:2\nc:3\n", "produce", topic, "--key-separator", ":", "--header", "app=cli", "-b", B);
        Assert.True(produced.ExitCode == 0, produced.ToString());

        var consumed = await SamsaCli.OkAsync(
            "consume", topic, "--from-beginning", "--max-messages", "3", "--format", "{topic} {partition} {offset} {key}={value} [{headers}] {timestamp}", "-b", B);
        Assert.Equal(3, consumed.Lines.Length);
        for (var i = 0; i < 3; i++)
        {
            var fields = consumed.Lines[i].Split(' ');
            Assert.Equal([topic, "0", i.ToString(CultureInfo.InvariantCulture), $"{(char)('a' + i)}={i + 1}", "[app:cli]"], fields[..5]);
            var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields[5], CultureInfo.InvariantCulture));
            Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        }

        Assert.Contains("Processed a total of 3 messages", consumed.Stderr);
    }

    [Fact]
    public async Task Lines_from_a_file_with_parsed_headers_acks_compression_and_a_partition()
    {
        var topic = await fixture.TopicAsync(partitions: 3);
        var file = Path.Combine(Path.GetTempPath(), $"samsa-cli-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, "h1:x,h2:y\tk1\tv1\nh1:z\tk2\tv2\n");
        try
        {
            await SamsaCli.OkAsync(
                "produce", topic, "--file", file, "--parse-headers", "--key-separator", "\\t", "--acks", "1", "--compression", "lz4", "--partition", "2", "-b", B);
        }
        finally
        {
            File.Delete(file);
        }

        var consumed = await SamsaCli.OkAsync("consume", topic, "--partition", "2", "--offset", "earliest", "--max-messages", "2", "--format", "{headers}|{key}|{value}", "-b", B);
        Assert.Equal(["h1:x,h2:y|k1|v1", "h1:z|k2|v2"], consumed.Lines);
    }

    [Fact]
    public async Task Consume_starts_at_an_offset_or_a_timestamp_and_stops_when_idle()
    {
        var topic = await fixture.TopicAsync();
        await SamsaCli.RunWithInputAsync("r0\nr1\nr2\n", "produce", topic, "-b", B);
        var middle = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(50);
        await SamsaCli.RunWithInputAsync("r3\nr4\n", "produce", topic, "-b", B);

        var fromOffset = await SamsaCli.OkAsync("consume", topic, "--offset", "1", "--timeout-ms", "1500", "-b", B);
        Assert.Equal(["r1", "r2", "r3", "r4"], fromOffset.Lines);

        var fromTime = await SamsaCli.OkAsync("consume", topic, "--from-timestamp", middle.ToString(CultureInfo.InvariantCulture), "--timeout-ms", "1500", "-b", B);
        Assert.Equal(["r3", "r4"], fromTime.Lines);

        var fromLatest = await SamsaCli.OkAsync("consume", topic, "--timeout-ms", "1000", "-b", B);
        Assert.Empty(fromLatest.Lines);
        Assert.Contains("Processed a total of 0 messages", fromLatest.Stderr);
    }

    [Fact]
    public async Task A_line_without_the_key_separator_fails_clearly()
    {
        var topic = await fixture.TopicAsync();
        var result = await SamsaCli.RunWithInputAsync("no separator here\n", "produce", topic, "--key-separator", ":", "-b", B);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no key separator in line 'no separator here'", result.Stderr);
    }

    [Fact]
    public async Task Consuming_an_unknown_topic_or_partition_fails_clearly()
    {
        var unknown = await SamsaCli.RunAsync("consume", "no-such-topic", "--max-messages", "1", "-b", B);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("UNKNOWN_TOPIC_OR_PARTITION", unknown.Stderr);

        var topic = await fixture.TopicAsync();
        var partition = await SamsaCli.RunAsync("consume", topic, "--partition", "7", "--max-messages", "1", "-b", B);
        Assert.Equal(1, partition.ExitCode);
        Assert.Contains("has no partition 7", partition.Stderr);
    }
}
