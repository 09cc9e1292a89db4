using System.CommandLine;
using System.Globalization;
using Samsa.Bench.Compare.Drivers;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Commands;

/// <summary><c>run</c>: measures one system at one loopback endpoint and writes JSON plus a markdown fragment.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var system = new Option<string>("--system") { Description = $"driver: {string.Join(", ", DriverFactory.Systems)}", Required = true };
        var endpoint = new Option<string>("--endpoint") { Description = "host:port, loopback only (127.0.0.0/8, [::1], localhost)", Required = true };
        var key = new Option<string?>("--key") { Description = "result name in the report (default: the system)" };
        var label = new Option<string?>("--label") { Description = "display name, e.g. \"Redis 7.0.15 (Streams)\"" };
        var sizes = new Option<string>("--sizes") { Description = "record sizes in bytes", DefaultValueFactory = _ => "100,1024" };
        var acks = new Option<string>("--acks") { Description = "Kafka producer acks settings to measure", DefaultValueFactory = _ => "1,all" };
        var partitions = new Option<string>("--partitions") { Description = "Kafka partition counts to measure", DefaultValueFactory = _ => "1,6" };
        var repeats = new Option<int>("--repeats") { Description = "repeats per configuration", DefaultValueFactory = _ => 3 };
        var runMb = new Option<double>("--run-mb") { Description = "payload megabytes (10^6) per produce pass", DefaultValueFactory = _ => 100 };
        var maxRecords = new Option<long>("--max-records") { Description = "cap on records per produce pass", DefaultValueFactory = _ => 2_000_000 };
        var window = new Option<int>("--window") { Description = "records handed to the client and not yet acknowledged, for every system", DefaultValueFactory = _ => 4096 };
        var phaseSeconds = new Option<double>("--phase-seconds") { Description = "deadline of each produce or consume pass", DefaultValueFactory = _ => 10 };
        var latencyRate = new Option<int>("--latency-rate") { Description = "records per second in latency runs", DefaultValueFactory = _ => 50_000 };
        var latencySeconds = new Option<double>("--latency-seconds") { Description = "duration of each latency run", DefaultValueFactory = _ => 10 };
        var latencyAcks = new Option<string>("--latency-acks") { Description = "Kafka acks settings for latency runs", DefaultValueFactory = _ => "all" };
        var latencyPartitions = new Option<string>("--latency-partitions") { Description = "Kafka partition counts for latency runs", DefaultValueFactory = _ => "1" };
        var batchBytes = new Option<int>("--batch-bytes") { Description = "Kafka batch.size in throughput runs", DefaultValueFactory = _ => 1_000_000 };
        var brokerPid = new Option<int?>("--broker-pid") { Description = "pid of the broker under test: its CPU time, RSS and (for .NET) GCs and allocations are recorded per pass" };
        var linger = new Option<int>("--linger-ms") { Description = "Kafka linger.ms in throughput runs (latency runs use 0)", DefaultValueFactory = _ => 5 };
        var durability = new Option<string>("--durability") { Description = "the broker-side durability setting, stated in the report (AMQP and MQTT drivers)", DefaultValueFactory = _ => "as configured on the broker" };
        var amqpPrefix = new Option<string>("--amqp-address-prefix") { Description = "prefix of AMQP 1.0 node addresses (ActiveMQ: none or queue://)", DefaultValueFactory = _ => string.Empty };
        var budget = new Option<double>("--budget-seconds") { Description = "no new repeat starts after this many seconds", DefaultValueFactory = _ => 900 };
        var skipLatency = new Option<bool>("--skip-latency") { Description = "throughput only" };
        var skipThroughput = new Option<bool>("--skip-throughput") { Description = "latency only" };
        var outJson = new Option<string>("--out-json") { Description = "where to write the results as JSON", Required = true };
        var kafkaMock = new Option<int>("--kafka-mock-brokers") { Description = "check the Kafka driver against librdkafka's in-process mock cluster with this many brokers (ignores --endpoint; measures the mock, not a broker)" };

        var command = new Command("run", "Measure one system: produce/consume throughput and end-to-end latency")
        {
            system, endpoint, key, label, sizes, acks, partitions, repeats, runMb, maxRecords, window, phaseSeconds,
            latencyRate, latencySeconds, latencyAcks, latencyPartitions, linger, durability, amqpPrefix, budget,
            skipLatency, skipThroughput, outJson, kafkaMock, batchBytes, brokerPid,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new RunSettings(
                Ints(parse.GetValue(sizes)!),
                Words(parse.GetValue(acks)!),
                Ints(parse.GetValue(partitions)!),
                parse.GetValue(repeats),
                (long)(parse.GetValue(runMb) * 1e6),
                parse.GetValue(maxRecords),
                parse.GetValue(window),
                parse.GetValue(phaseSeconds),
                parse.GetValue(latencyRate),
                parse.GetValue(latencySeconds),
                Words(parse.GetValue(latencyAcks)!),
                Ints(parse.GetValue(latencyPartitions)!),
                parse.GetValue(linger),
                parse.GetValue(batchBytes));
            using var mock = parse.GetValue(kafkaMock) is > 0 and var brokers ? new Drivers.KafkaMockCluster(brokers) : null;
            return await RunAsync(
                parse.GetValue(system)!,
                mock?.Bootstrap.Split(',')[0] ?? parse.GetValue(endpoint)!,
                parse.GetValue(key),
                parse.GetValue(label),
                settings,
                parse.GetValue(durability)!,
                parse.GetValue(amqpPrefix)!,
                TimeSpan.FromSeconds(parse.GetValue(budget)),
                !parse.GetValue(skipThroughput),
                !parse.GetValue(skipLatency),
                parse.GetValue(outJson)!,
                mock is not null,
                parse.GetValue(brokerPid),
                ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string system,
        string endpoint,
        string? key,
        string? label,
        RunSettings settings,
        string durability,
        string amqpPrefix,
        TimeSpan budget,
        bool throughput,
        bool latency,
        string outJson,
        bool kafkaMock,
        int? brokerPid,
        CancellationToken ct)
    {
        var log = Console.Error;
        if (settings.RecordSizes.Any(s => s < 16))
        {
            await log.WriteLineAsync("record sizes must be at least 16 bytes (the latency timestamp takes 8)");
            return 2;
        }

        string address;
        try
        {
            address = Endpoint.RequireLoopback(endpoint);
        }
        catch (ArgumentException e)
        {
            await log.WriteLineAsync(e.Message);
            return 2;
        }

        await using var driver = DriverFactory.Create(system, address, settings, durability, amqpPrefix, kafkaMock);
        var result = new SystemResult
        {
            Key = key ?? system,
            Label = label ?? system,
            Driver = driver.Description,
            Endpoint = address,
            Settings = settings,
            StartedAt = DateTimeOffset.UtcNow,
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await log.WriteLineAsync($"{result.Label}: {driver.Description.Client} at {address}");
        var status = 0;
        try
        {
            using (var connect = Deadlines.Linked(TimeSpan.FromSeconds(20), ct))
            {
                await driver.ConnectAsync(connect.Token).WaitAsync(TimeSpan.FromSeconds(25), ct);
            }

            using var probe = BrokerProbe.Open(brokerPid, log);
            await new BenchRun(driver, system, settings, budget, log, probe).MeasureAsync(result, throughput, latency, ct);
            if (probe is { GcUnavailable: null })
            {
                result.BrokerAllocationsByType = probe.TopAllocatedTypes(15).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            result.Errors.Add($"could not reach {system} at {address}: {e.GetBaseException().Message}");
            await log.WriteLineAsync($"{result.Label}: cannot run: {e.GetBaseException().Message}");
            status = 3;
        }

        result.WallSeconds = clock.Elapsed.TotalSeconds;
        await Json.WriteAsync(outJson, result);
        await log.WriteLineAsync($"{result.Label}: done in {result.WallSeconds:0} s, {result.Errors.Count} problem(s); results in {outJson}");
        return status;
    }

    internal static int[] Ints(string csv) =>
        [.. csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

    internal static string[] Words(string csv) => csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
