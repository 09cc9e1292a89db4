using System.Text.Json;
using System.Text.RegularExpressions;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

public sealed class ClusterAndPerfTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    [Fact]
    public async Task Cluster_info_shows_the_id_controller_brokers_and_api_versions()
    {
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("cluster", "info", "-b", B, "-o", "json")).Stdout);
        var cluster = json.RootElement.GetProperty("cluster")[0];
        Assert.False(string.IsNullOrEmpty(cluster.GetProperty("clusterId").GetString()));
        Assert.Equal(1, cluster.GetProperty("controller").GetInt32());
        var broker = Assert.Single(json.RootElement.GetProperty("brokers").EnumerateArray());
        Assert.Equal(fixture.Broker.Port, broker.GetProperty("port").GetInt32());
        Assert.True(broker.GetProperty("controller").GetBoolean());
        var apis = json.RootElement.GetProperty("apiVersions").EnumerateArray().ToDictionary(a => a.GetProperty("api").GetString()!, a => a.GetProperty("max").GetInt32());
        Assert.True(apis["Produce"] >= 3);
        Assert.True(apis["Fetch"] >= 4);

        var text = await SamsaCli.OkAsync("cluster", "info", "-b", B);
        Assert.Contains("CLUSTER-ID", text.Stdout);
        Assert.Matches(@"(?m)^ApiVersions\s+18\s+0\s+\d+$", text.Stdout);
    }

    [Fact]
    public async Task Perf_produce_then_perf_consume_report_counts_rates_and_percentiles()
    {
        var topic = await fixture.TopicAsync(partitions: 2);
        using var produced = JsonDocument.Parse((await SamsaCli.OkAsync(
            "perf", "produce", topic, "--records", "20000", "--record-size", "200", "--acks", "1", "--compression", "snappy", "--batch-size", "65536", "--linger-ms", "2", "-b", B, "-o", "json")).Stdout);
        var p = produced.RootElement[0];
        Assert.Equal(20000, p.GetProperty("records").GetInt64());
        Assert.Equal(20000L * 200, p.GetProperty("bytes").GetInt64());
        Assert.True(p.GetProperty("recordsPerSec").GetDouble() > 0);
        var p50 = p.GetProperty("p50Ms").GetDouble();
        var p99 = p.GetProperty("p99Ms").GetDouble();
        Assert.InRange(p50, 0, p99);
        Assert.InRange(p99, p50, p.GetProperty("maxMs").GetDouble());

        Assert.Equal(JsonValueKind.Null, p.GetProperty("firstRecordMs").ValueKind);

        var consumed = await SamsaCli.OkAsync("perf", "consume", topic, "--records", "20000", "-b", B);
        Assert.Matches(@"^20000 records consumed, [\d.]+ records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, [\d.]+ ms 50th, [\d.]+ ms 95th, [\d.]+ ms 99th, [\d.]+ ms 99.9th\.$", consumed.Stdout.Trim());
    }

    [Fact]
    public async Task Perf_consume_reports_when_its_first_record_came_and_the_rate_from_there()
    {
        var topic = await fixture.TopicAsync();
        await SamsaCli.OkAsync("perf", "produce", topic, "--records", "5000", "--record-size", "100", "-b", B);
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("perf", "consume", topic, "--records", "5000", "-b", B, "-o", "json")).Stdout);
        var c = json.RootElement[0];
        var seconds = c.GetProperty("seconds").GetDouble();
        var firstMs = c.GetProperty("firstRecordMs").GetDouble();
        Assert.InRange(firstMs, 0.001, seconds * 1000);
        var fromFirst = c.GetProperty("fromFirstRecordsPerSec").GetDouble();
        Assert.True(fromFirst > c.GetProperty("recordsPerSec").GetDouble());
    }

    [Fact]
    public async Task Perf_produce_holds_a_throughput_target_for_a_duration()
    {
        var topic = await fixture.TopicAsync();
        using var json = JsonDocument.Parse((await SamsaCli.OkAsync("perf", "produce", topic, "--duration", "2", "--throughput", "1000", "-b", B, "-o", "json")).Stdout);
        var records = json.RootElement[0].GetProperty("records").GetInt64();
        Assert.InRange(records, 1500, 2300);
    }

    [Fact]
    public async Task Perf_produce_stamps_records_with_the_time_they_were_sent()
    {
        var topic = await fixture.TopicAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await SamsaCli.OkAsync("perf", "produce", topic, "--records", "50000", "--record-size", "10", "-b", B);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var read = await SamsaCli.OkAsync("consume", topic, "--from-beginning", "--max-messages", "50000", "--format", "{timestamp}", "-b", B);
        var stamps = read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
        Assert.Equal(50000, stamps.Count);
        Assert.All(stamps, stamp => Assert.InRange(stamp, before, after));
    }

    [Fact]
    public async Task Perf_consume_fails_clearly_when_the_topic_runs_dry()
    {
        var topic = await fixture.TopicAsync();
        var result = await SamsaCli.RunAsync("perf", "consume", topic, "--records", "10", "--timeout-ms", "1000", "-b", B);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(new Regex("no record for 1000 ms after 0 records"), result.Stderr);
    }
}
