using System.Text.RegularExpressions;
using Samsa.Cli.Tests.Infrastructure;

namespace Samsa.Cli.Tests;

/// <summary>The rest of the flags of Kafka's console and perf scripts, with Kafka's semantics and output.</summary>
public sealed class KafkaConsoleAndPerfScriptTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private string B => fixture.Bootstrap;

    private static Task<CliResult> OkAsync(string script, string? stdin, params string[] args) => SamsaCli.ScriptOkAsync(script, stdin, args);

    private static async Task<CliResult> FailsAsync(int exitCode, string expected, string script, string? stdin, params string[] args)
    {
        var result = await SamsaCli.ScriptAsync(script, stdin, args);
        Assert.True(result.ExitCode == exitCode, $"{script} {string.Join(' ', args)}: {result}");
        Assert.Contains(expected, result.Stderr);
        return result;
    }

    private Task<CliResult> ConsumeAllAsync(string topic, int count, params string[] args) =>
        OkAsync("kafka-console-consumer.sh", null, ["--topic", topic, "--from-beginning", "--bootstrap-server", B, "--max-messages", count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]);

    [Fact]
    public async Task Console_producer_parses_headers_keys_and_null_markers_and_consumer_prints_them_as_kafka()
    {
        var topic = await fixture.TopicAsync();
        await OkAsync(
            "kafka-console-producer.sh", "h1#v1;h2#NULL|k1:one\nNULL|NULL:two\nh3#x|k3:NULL\n",
            "--topic", topic, "--bootstrap-server", B, "--property", "parse.headers=true", "--property", "headers.delimiter=|", "--property", "headers.separator=;",
            "--property", "headers.key.separator=#", "--property", "parse.key=true", "--property", "key.separator=:", "--property", "null.marker=NULL",
            "--batch-size", "1000", "--timeout", "10", "--max-block-ms", "5000", "--max-memory-bytes", "1048576", "--max-partition-memory-bytes", "2000",
            "--message-send-max-retries", "2", "--metadata-expiry-ms", "60000", "--request-timeout-ms", "5000", "--retry-backoff-ms", "50", "--socket-buffer-size", "65536",
            "--line-reader", "org.apache.kafka.tools.LineMessageReader");

        var printed = await ConsumeAllAsync(
            topic, 3, "--property", "print.headers=true", "--property", "print.key=true", "--property", "key.separator= | ", "--property", "headers.separator=+",
            "--property", "null.literal=<null>");
        Assert.Equal(["h1:v1+h2:<null> | k1 | one", "NO_HEADERS | <null> | two", "h3:x | k3 | <null>"], printed.Lines);

        var oneLine = await ConsumeAllAsync(topic, 3, "--formatter-property", "line.separator=,", "--formatter-property", "print.partition=true", "--formatter-property", "print.offset=true", "--formatter-property", "key.separator=/");
        Assert.Equal("Partition:0/Offset:0/one,Partition:0/Offset:1/two,Partition:0/Offset:2/null,", oneLine.Stdout);
    }

    [Fact]
    public async Task Console_producer_fails_a_line_without_separator_unless_ignore_error_and_refuses_other_readers()
    {
        var topic = await fixture.TopicAsync();
        var failed = await FailsAsync(
            1, "No key separator found on line number 2: 'nokey'", "kafka-console-producer.sh", "k1:v1\nnokey\nk3:v3\n",
            "--topic", topic, "--bootstrap-server", B, "--property", "parse.key=true", "--property", "key.separator=:");
        Assert.Single(failed.Stderr.Trim().Split('\n'));

        await OkAsync(
            "kafka-console-producer.sh", "nokey\nk4:v4\n", "--topic", topic, "--bootstrap-server", B, "--reader-property", "parse.key=true",
            "--reader-property", "key.separator=:", "--reader-property", "ignore.error=true", "--sync");
        var printed = await ConsumeAllAsync(topic, 3, "--property", "print.key=true");
        Assert.Equal(["k1\tv1", "null\tnokey", "k4\tv4"], printed.Lines);

        await FailsAsync(2, "--line-reader com.example.MyReader", "kafka-console-producer.sh", "x\n", "--topic", topic, "--bootstrap-server", B, "--line-reader", "com.example.MyReader");
        await FailsAsync(2, "headers.delimiter and headers.separator may not be equal", "kafka-console-producer.sh", "x\n", "--topic", topic, "--bootstrap-server", B, "--property", "headers.delimiter=,");
    }

    [Fact]
    public async Task Console_producer_reads_reader_config_file_with_flags_taking_precedence()
    {
        var topic = await fixture.TopicAsync();
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "parse.key=true\nkey.separator=,\n");
        await OkAsync("kafka-console-producer.sh", "a=1\n", "--topic", topic, "--bootstrap-server", B, "--reader-config", file, "--property", "key.separator==");
        Assert.Equal(["a\t1"], (await ConsumeAllAsync(topic, 1, "--property", "print.key=true")).Lines);
        File.Delete(file);
    }

    [Fact]
    public async Task Console_consumer_include_deserializers_skip_on_error_formatters_and_systest_events()
    {
        var prefix = BrokerFixture.Unique("inc");
        var (first, second) = ($"{prefix}-a", $"{prefix}-b");
        await SamsaCli.OkAsync("topic", "create", first, "-b", B);
        await SamsaCli.OkAsync("topic", "create", second, "-b", B);
        await OkAsync("kafka-console-producer.sh", "abcd\nxyz\n", "--topic", first, "--bootstrap-server", B);
        await OkAsync("kafka-console-producer.sh", "wxyz\n", "--topic", second, "--bootstrap-server", B);

        var both = await OkAsync("kafka-console-consumer.sh", null, "--include", $"{prefix}-.*", "--from-beginning", "--bootstrap-server", B, "--max-messages", "3", "--isolation-level", "read_committed");
        Assert.Equal(["abcd", "wxyz", "xyz"], both.Lines.Order(StringComparer.Ordinal));

        var deserializer = "org.apache.kafka.common.serialization.IntegerDeserializer";
        var stopped = await FailsAsync(1, "Size of data received by IntegerDeserializer is not 4", "kafka-console-consumer.sh", null,
            "--topic", first, "--from-beginning", "--bootstrap-server", B, "--max-messages", "2", "--value-deserializer", deserializer);
        Assert.Equal(["1633837924"], stopped.Lines);
        Assert.Contains("Processed a total of 2 messages", stopped.Stderr);

        var skipped = await ConsumeAllAsync(first, 2, "--value-deserializer", deserializer, "--skip-message-on-error", "--enable-systest-events",
            "--formatter", "kafka.tools.DefaultMessageFormatter", "--key-deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        Assert.Equal(["1633837924", "shutdown_complete"], skipped.Lines);
        Assert.Contains("skipping this message", skipped.Stderr);

        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "print.offset=true\nprint.value=false\n");
        Assert.Equal(["Offset:0", "Offset:1"], (await ConsumeAllAsync(first, 2, "--formatter-config", config)).Lines);
        File.Delete(config);

        await FailsAsync(2, "--formatter com.example.JsonFormatter", "kafka-console-consumer.sh", null, "--topic", first, "--bootstrap-server", B, "--formatter", "com.example.JsonFormatter");
        await FailsAsync(2, "com.example.AvroDeserializer", "kafka-console-consumer.sh", null, "--topic", first, "--bootstrap-server", B, "--value-deserializer", "com.example.AvroDeserializer");
        await FailsAsync(2, "The partition is required when offset is specified.", "kafka-console-consumer.sh", null, "--topic", first, "--bootstrap-server", B, "--offset", "1");
        await FailsAsync(2, "exactly one of --topic and --include", "kafka-console-consumer.sh", null, "--bootstrap-server", B);
        await FailsAsync(2, "exactly one of --topic and --include", "kafka-console-consumer.sh", null, "--bootstrap-server", B, "--topic", first, "--whitelist", $"{prefix}-.*");
    }

    [Fact]
    public async Task Producer_perf_test_sends_payload_file_and_monotonic_payloads_with_warmup_and_metrics()
    {
        var topic = await fixture.TopicAsync();
        var payloads = Path.GetTempFileName();
        await File.WriteAllTextAsync(payloads, "alpha;beta;gamma;");
        var fromFile = await OkAsync(
            "kafka-producer-perf-test.sh", null, "--topic", topic, "--num-records", "20", "--payload-file", payloads, "--payload-delimiter", ";",
            "--throughput", "-1", "--bootstrap-server", B, "--warmup-records", "5", "--print-metrics");
        File.Delete(payloads);
        Assert.Equal($"Reading payloads from: {payloads}", fromFile.Lines[0]);
        Assert.Equal("Number of messages read: 3", fromFile.Lines[1]);
        Assert.Equal("Warmup first 5 records. Steady state results will print after the complete test summary.", fromFile.Lines[2]);
        Assert.Matches(new Regex(@"(?m)^20 records sent, \d+\.\d{6} records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$"), fromFile.Stdout);
        Assert.Matches(new Regex(@"(?m)^15 steady state records sent, "), fromFile.Stdout);
        Assert.Matches(new Regex(@"(?m)^Metric Name +Value$"), fromFile.Stdout);
        Assert.Matches(new Regex(@"(?m)^producer-metrics:record-send-total:\{client-id=perf-producer-client\} +: 20\.000$"), fromFile.Stdout);
        Assert.All((await ConsumeAllAsync(topic, 20)).Lines, line => Assert.Contains(line, new[] { "alpha", "beta", "gamma" }));

        var numbered = await fixture.TopicAsync();
        await OkAsync("kafka-producer-perf-test.sh", null, "--topic", numbered, "--num-records", "5", "--payload-monotonic", "--throughput", "100", "--producer-props", $"bootstrap.servers={B}");
        Assert.Equal(["0", "1", "2", "3", "4"], (await ConsumeAllAsync(numbered, 5)).Lines);

        await FailsAsync(2, "no transactions", "kafka-producer-perf-test.sh", null, "--topic", topic, "--num-records", "5", "--record-size", "10", "--throughput", "-1", "--bootstrap-server", B, "--transactional-id", "tx");
        await FailsAsync(2, "exactly one of --record-size, --payload-file, --payload-monotonic", "kafka-producer-perf-test.sh", null, "--topic", topic, "--num-records", "5", "--record-size", "10", "--payload-monotonic", "--throughput", "-1", "--bootstrap-server", B);
        await FailsAsync(2, "--warmup-records must be strictly fewer", "kafka-producer-perf-test.sh", null, "--topic", topic, "--num-records", "5", "--record-size", "10", "--warmup-records", "5", "--throughput", "-1", "--bootstrap-server", B);
    }

    [Fact]
    public async Task Consumer_perf_test_prints_detailed_rows_with_date_format_warns_on_timeout_and_prints_metrics()
    {
        var topic = await fixture.TopicAsync(2, "cperf");
        await OkAsync("kafka-producer-perf-test.sh", null, "--topic", topic, "--num-records", "2000", "--record-size", "100", "--throughput", "-1", "--bootstrap-server", B);

        var detailed = await OkAsync(
            "kafka-consumer-perf-test.sh", null, "--bootstrap-server", B, "--topic", topic, "--messages", "2000", "--show-detailed-stats", "--reporting-interval", "1",
            "--date-format", "yyyy-MM-dd'T'HH:mm", "--threads", "4", "--num-fetch-threads", "2", "--socket-buffer-size", "1048576");
        Assert.Equal("time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec", detailed.Lines[0]);
        Assert.True(detailed.Lines.Length >= 2, detailed.ToString());
        Assert.All(detailed.Lines.Skip(1), row => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d, 0, [\d.]+, [\d.]+, \d+, [\d.]+, \d+, \d+, [\d.]+, [\d.]+$", row));

        var config = Path.GetTempFileName();
        await File.WriteAllTextAsync(config, "fetch.max.wait.ms=100\n");
        var summary = await OkAsync(
            "kafka-consumer-perf-test.sh", null, "--bootstrap-server", B, "--include", topic[..^3] + ".*", "--messages", "2000", "--group", BrokerFixture.Unique("g"),
            "--consumer.config", config, "--print-metrics", "--hide-header");
        File.Delete(config);
        var fields = summary.Lines[0].Split(", ");
        Assert.Equal(10, fields.Length);
        Assert.Equal("2000", fields[4]);
        Assert.Matches(new Regex(@"(?m)^consumer-fetch-manager-metrics:records-consumed-total:\{client-id=perf-consumer-client\} +: 2000\.000$"), summary.Stdout);

        var late = await OkAsync("kafka-consumer-perf-test.sh", null, "--bootstrap-server", B, "--topic", topic, "--messages", "10", "--from-latest", "--timeout", "500", "--hide-header");
        Assert.Equal("WARNING: Exiting before consuming the expected number of messages: timeout (500 ms) exceeded. Raise --timeout to wait longer.", late.Lines[0]);
        Assert.Equal("0", late.Lines[1].Split(", ")[4]);
    }
}
