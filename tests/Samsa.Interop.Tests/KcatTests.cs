using System.Text.Json;

namespace Samsa.Interop.Tests;

public sealed class KcatTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private SamsaBroker Broker => fixture.Broker;

    [Fact]
    public async Task Kcat_lists_the_broker_and_an_auto_created_topic()
    {
        var topic = Topics.New("kcat-list");
        await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-P", "-t", topic], "one\n").ContinueWith(t => t.Result.EnsureSuccess());

        var result = (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-L", "-J"])).EnsureSuccess();

        using var json = JsonDocument.Parse(result.Stdout);
        var broker = json.RootElement.GetProperty("brokers").EnumerateArray().Single();
        Assert.Equal(1, broker.GetProperty("id").GetInt32());
        Assert.Equal(Broker.BootstrapServers, broker.GetProperty("name").GetString());
        var listed = json.RootElement.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("topic").GetString() == topic);
        var partition = listed.GetProperty("partitions").EnumerateArray().Single();
        Assert.Equal(1, partition.GetProperty("leader").GetInt32());
    }

    [Fact]
    public async Task Kcat_produces_and_consumes_from_the_beginning_the_last_ten_and_a_timestamp()
    {
        var topic = Topics.New("kcat-rw");
        var first = ClientProcess.Lines(Enumerable.Range(0, 50).Select(i => $"k{i}:v{i}"));
        var second = ClientProcess.Lines(Enumerable.Range(50, 50).Select(i => $"k{i}:v{i}"));
        (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-P", "-t", topic, "-K", ":"], first)).EnsureSuccess();
        await Task.Delay(100);
        var between = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(100);
        (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-P", "-t", topic, "-K", ":"], second)).EnsureSuccess();

        var all = await ConsumeAsync(topic, "beginning");
        var last = await ConsumeAsync(topic, "-10");
        var fromTimestamp = await ConsumeAsync(topic, $"s@{between}");

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"k{i}=v{i}"), all);
        Assert.Equal(Enumerable.Range(90, 10).Select(i => $"k{i}=v{i}"), last);
        Assert.Equal(Enumerable.Range(50, 50).Select(i => $"k{i}=v{i}"), fromTimestamp);
    }

    private async Task<string[]> ConsumeAsync(string topic, string offset)
    {
        var result = (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-C", "-t", topic, "-o", offset, "-e", "-q", "-f", "%k=%s\\n"])).EnsureSuccess();
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
