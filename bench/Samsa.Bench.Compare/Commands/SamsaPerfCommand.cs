using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Commands;

/// <summary>
/// <c>samsa-perf</c>: measures a Kafka-protocol broker with this repository's own load tool, <c>samsa perf</c>, over
/// the grid <c>run</c> measures (record sizes × acks × partitions × repeats, the same payload bytes per pass), and
/// writes the result in <c>run</c>'s JSON shape so the report shows it as one more row. Each repeat creates a fresh
/// topic with <c>samsa topic create</c>, runs <c>samsa perf produce</c> and then <c>samsa perf consume</c> of it as
/// child processes (each bounded by a timeout), reads their JSON and deletes the topic.
/// </summary>
internal static class SamsaPerfCommand
{
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var samsa = new Option<string>("--samsa") { Description = "path of the samsa CLI (src/Samsa.Cli) to run", Required = true };
        var endpoint = new Option<string>("--endpoint") { Description = "host:port of the broker, loopback only", Required = true };
        var key = new Option<string>("--key") { Description = "result name in the report", DefaultValueFactory = _ => "samsa-perf" };
        var label = new Option<string>("--label") { Description = "display name", DefaultValueFactory = _ => "Samsa (samsa perf client)" };
        var sizes = new Option<string>("--sizes") { Description = "record sizes in bytes", DefaultValueFactory = _ => "100,1024" };
        var acks = new Option<string>("--acks") { Description = "producer acks settings to measure", DefaultValueFactory = _ => "1,all" };
        var partitions = new Option<string>("--partitions") { Description = "partition counts to measure", DefaultValueFactory = _ => "1,6" };
        var repeats = new Option<int>("--repeats") { Description = "repeats per configuration", DefaultValueFactory = _ => 3 };
        var runMb = new Option<double>("--run-mb") { Description = "payload megabytes (10^6) per produce pass", DefaultValueFactory = _ => 100 };
        var maxRecords = new Option<long>("--max-records") { Description = "cap on records per produce pass", DefaultValueFactory = _ => 2_000_000 };
        var phaseSeconds = new Option<double>("--phase-seconds") { Description = "the harness's pass deadline; samsa perf has none with --records, so it only sets the default --pass-timeout-seconds", DefaultValueFactory = _ => 10 };
        var passTimeout = new Option<double?>("--pass-timeout-seconds") { Description = "kill a samsa perf process after this long; its pass then has no numbers (default: 3 × phase seconds + 30)" };
        var linger = new Option<int>("--linger-ms") { Description = "producer linger.ms", DefaultValueFactory = _ => 5 };
        var batchBytes = new Option<int>("--batch-bytes") { Description = "producer batch.size", DefaultValueFactory = _ => 1_000_000 };
        var durability = new Option<string>("--durability") { Description = "the broker-side durability setting, stated in the report", DefaultValueFactory = _ => "as configured on the broker" };
        var brokerPid = new Option<int?>("--broker-pid") { Description = "pid of the broker under test: its CPU time, RSS and (for .NET) GCs and allocations are recorded per pass" };
        var budget = new Option<double>("--budget-seconds") { Description = "no new repeat starts after this many seconds", DefaultValueFactory = _ => 900 };
        var outJson = new Option<string>("--out-json") { Description = "where to write the results as JSON", Required = true };

        var command = new Command("samsa-perf", "Measure a Kafka-protocol broker's produce/consume throughput with `samsa perf` (this repository's client), in run's JSON shape")
        {
            samsa, endpoint, key, label, sizes, acks, partitions, repeats, runMb, maxRecords, phaseSeconds, passTimeout,
            linger, batchBytes, durability, brokerPid, budget, outJson,
        };
        command.SetAction(async (parse, ct) =>
        {
            var phase = parse.GetValue(phaseSeconds);
            var settings = new RunSettings(
                RunCommand.Ints(parse.GetValue(sizes)!),
                RunCommand.Words(parse.GetValue(acks)!),
                RunCommand.Ints(parse.GetValue(partitions)!),
                parse.GetValue(repeats),
                (long)(parse.GetValue(runMb) * 1e6),
                parse.GetValue(maxRecords),
                Window: 0,
                phase,
                LatencyRate: 0,
                LatencySeconds: 0,
                LatencyAcks: [],
                LatencyPartitions: [],
                parse.GetValue(linger),
                parse.GetValue(batchBytes));
            var runner = new Runner(
                Path.GetFullPath(parse.GetValue(samsa)!),
                settings,
                TimeSpan.FromSeconds(parse.GetValue(passTimeout) ?? ((3 * phase) + 30)),
                TimeSpan.FromSeconds(parse.GetValue(budget)),
                Console.Error);
            return await runner.RunAsync(
                parse.GetValue(endpoint)!, parse.GetValue(key)!, parse.GetValue(label)!, parse.GetValue(durability)!, parse.GetValue(brokerPid), parse.GetValue(outJson)!, ct);
        });
        return command;
    }

    private sealed class Runner(string samsa, RunSettings settings, TimeSpan passTimeout, TimeSpan budget, TextWriter log)
    {
        private readonly string _runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private string _bootstrap = string.Empty;

        public async Task<int> RunAsync(string endpoint, string key, string label, string durability, int? brokerPid, string outJson, CancellationToken ct)
        {
            try
            {
                _bootstrap = Endpoint.RequireLoopback(endpoint);
            }
            catch (ArgumentException e)
            {
                await log.WriteLineAsync(e.Message);
                return 2;
            }

            if (!File.Exists(samsa))
            {
                await log.WriteLineAsync($"no samsa CLI at {samsa}");
                return 2;
            }

            var result = new SystemResult
            {
                Key = key,
                Label = label,
                Driver = await DescribeAsync(durability, ct),
                Endpoint = _bootstrap,
                Settings = settings,
                StartedAt = DateTimeOffset.UtcNow,
                MeasuredWith = "`samsa perf` of this repository (src/Samsa.Cli), not the harness's loops: per repeat `samsa topic create` (replication factor 1), "
                    + $"`samsa perf produce --records N --record-size S --acks A --linger-ms {settings.LingerMs} --batch-size {settings.BatchBytes}`, "
                    + "`samsa perf consume --records N` (assigns every partition, reads from the start), `samsa topic delete`, each a child process. "
                    + "Produce time as samsa perf reports it: from before its producer is created (connecting and metadata included) to after the final flush and the producer's close, with no window on unacknowledged records (the client's buffer.memory, 32 MiB, bounds them); "
                    + "consume time from before the consumer is created (connecting, assignment and the first fetch included) to the last record. samsa perf has no pass deadline with --records: "
                    + $"a pass runs to completion or is killed after {passTimeout.TotalSeconds:0} s (then it has no numbers). No latency runs (samsa perf's latency is send-to-acknowledgement, not end to end).",
            };
            await log.WriteLineAsync($"{label}: {result.Driver.Client} at {_bootstrap}");
            using var probe = BrokerProbe.Open(brokerPid, log);
            var status = 0;
            try
            {
                foreach (var size in settings.RecordSizes)
                {
                    foreach (var a in settings.Acks)
                    {
                        foreach (var p in settings.Partitions)
                        {
                            result.Throughput.Add(await ConfigurationAsync(size, a, p, result.Errors, probe, ct));
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                result.Errors.Add("cancelled");
                status = 130;
            }

            if (probe is { GcUnavailable: null })
            {
                result.BrokerAllocationsByType = probe.TopAllocatedTypes(15).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            }

            result.WallSeconds = _clock.Elapsed.TotalSeconds;
            await Json.WriteAsync(outJson, result);
            await log.WriteLineAsync($"{label}: done in {result.WallSeconds:0} s, {result.Errors.Count} problem(s); results in {outJson}");
            return status;
        }

        private async Task<DriverDescription> DescribeAsync(string durability, CancellationToken ct)
        {
            var version = FirstLine((await RunAsync(["--version"], TimeSpan.FromSeconds(20), ct)).Stdout).Split('+')[0];
            return new DriverDescription(
                "kafka",
                $"samsa perf (Samsa.Client, this repository's .NET Kafka client{(version.Length > 0 ? $"; samsa {version}" : string.Empty)})",
                "Kafka wire protocol",
                durability,
                $"Samsa.Client batching: linger.ms={settings.LingerMs}, batch.size={settings.BatchBytes}, compression none, idempotence off, "
                    + "no window (buffer.memory 32 MiB), records without a key so the sticky partitioner (KIP-480) spreads batches over the partitions",
                "samsa perf consume: assign() to every partition and seek to the start, no group, no offset commits, Samsa.Client fetch defaults (fetch.max.wait.ms 500, max.partition.fetch.bytes 1 MiB)");
        }

        private async Task<ThroughputResult> ConfigurationAsync(int size, string acks, int partitions, List<string> errors, BrokerProbe? probe, CancellationToken ct)
        {
            var result = new ThroughputResult { RecordBytes = size, Acks = acks, Partitions = partitions };
            var count = Math.Min(settings.MaxRecords, Math.Max(1, settings.RunBytes / size));
            for (var repeat = 1; repeat <= settings.Repeats; repeat++)
            {
                var what = $"throughput {size} B acks={acks} partitions={partitions} #{repeat}";
                if (_clock.Elapsed >= budget)
                {
                    errors.Add($"{what}: skipped, the time budget of {budget.TotalSeconds:0} s was used up");
                    break;
                }

                var topic = $"bench-samsa-perf-{_runId}-t{size}-a{acks}-p{partitions}-r{repeat}";
                var create = await RunAsync(["topic", "create", topic, "--partitions", Text(partitions), "--replication-factor", "1", "-b", _bootstrap], AdminTimeout, ct);
                if (create.Error is { } createError)
                {
                    errors.Add($"{what}: topic create: {createError}");
                    await log.WriteLineAsync($"  {what}: topic create failed: {createError}");
                    continue;
                }

                try
                {
                    var before = probe?.Sample();
                    var produce = await PassAsync(
                        ["perf", "produce", topic, "-b", _bootstrap, "--records", Text(count), "--record-size", Text(size), "--acks", acks,
                            "--linger-ms", Text(settings.LingerMs), "--batch-size", Text(settings.BatchBytes), "-o", "json"],
                        size,
                        count,
                        ct);
                    var middle = probe?.Sample();
                    var consume = produce.Records > 0
                        ? await PassAsync(["perf", "consume", topic, "-b", _bootstrap, "--records", Text(produce.Records), "-o", "json"], size, produce.Records, ct)
                        : new PhaseRun(0, 0, 0, 0, 0, false, 0, "nothing was produced");
                    if (probe is not null)
                    {
                        produce = produce with { Broker = middle!.Since(before!, produce.Records) };
                        consume = consume with { Broker = probe.Sample().Since(middle, consume.Records) };
                    }

                    result.Produce.Add(produce);
                    result.Consume.Add(consume);
                    await log.WriteLineAsync(BenchRun.PassLine(what, produce, consume));
                    BenchRun.Keep(errors, $"{what}: produce", produce.Error);
                    BenchRun.Keep(errors, $"{what}: consume", consume.Error);
                }
                finally
                {
                    var delete = await RunAsync(["topic", "delete", topic, "-b", _bootstrap], AdminTimeout, CancellationToken.None);
                    if (delete.Error is { } deleteError)
                    {
                        await log.WriteLineAsync($"  (delete {topic} failed: {deleteError})");
                    }
                }
            }

            return result.Summarize();
        }

        /// <summary>One samsa perf process; its JSON becomes a <see cref="PhaseRun"/> with MB = 10^6 bytes (samsa perf's own mbPerSec is MiB/s).</summary>
        private async Task<PhaseRun> PassAsync(string[] args, int size, long expected, CancellationToken ct)
        {
            var run = await RunAsync(args, passTimeout, ct);
            if (run.Error is { } error)
            {
                return new PhaseRun(0, 0, 0, 0, 0, run.TimedOut, 0, error);
            }

            try
            {
                var json = run.Stdout;
                var start = json.IndexOf('[', StringComparison.Ordinal);
                using var doc = JsonDocument.Parse(start < 0 ? json : json[start..]);
                var row = doc.RootElement[0];
                var records = row.GetProperty("records").GetInt64();
                var bytes = row.GetProperty("bytes").GetInt64();
                var seconds = row.GetProperty("seconds").GetDouble();
                var recordsPerSec = row.GetProperty("recordsPerSec").GetDouble();

                // recordsPerSec comes from the unrounded elapsed time ("seconds" is rounded to 1 ms): derive MB/s from it.
                var mbPerSec = records > 0 ? recordsPerSec * (bytes / (double)records) / 1e6 : 0;
                return new PhaseRun(
                    records,
                    bytes,
                    seconds,
                    recordsPerSec,
                    mbPerSec,
                    false,
                    0,
                    records < expected ? $"moved {records} of {expected} records" : bytes != records * size ? $"{bytes} bytes for {records} records of {size} B" : null)
                {
                    Tool = row.Clone(),
                };
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
            {
                return new PhaseRun(0, 0, 0, 0, 0, false, 0, $"unreadable output of samsa {string.Join(' ', args.Take(2))} ({e.Message}): {Tail(run.Stdout)}");
            }
        }

        private async Task<ChildRun> RunAsync(string[] args, TimeSpan timeout, CancellationToken ct)
        {
            var start = new ProcessStartInfo(samsa)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {samsa}");
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var timedOut = false;
            try
            {
                await process.WaitForExitAsync(ct).WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                timedOut = true;
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }

            var what = $"samsa {string.Join(' ', args.Take(2))}";
            var output = await stdout;
            var errors = await stderr;
            string? error = timedOut
                ? $"{what} did not finish within {timeout.TotalSeconds:0} s and was killed (last progress: {Tail(errors)})"
                : process.ExitCode != 0
                    ? $"{what} exited with {process.ExitCode}: {Tail(errors.Length > 0 ? errors : output)}"
                    : null;
            return new ChildRun(output, error, timedOut);
        }

        private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

        private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;

        private static string Tail(string text)
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var tail = new StringBuilder();
            foreach (var line in lines.TakeLast(2))
            {
                tail.Append(tail.Length > 0 ? " / " : string.Empty).Append(line);
            }

            return tail.Length > 300 ? tail.ToString(0, 300) + "…" : tail.Length == 0 ? "no output" : tail.ToString();
        }
    }

    private sealed record ChildRun(string Stdout, string? Error, bool TimedOut);
}
