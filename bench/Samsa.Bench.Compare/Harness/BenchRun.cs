using System.Diagnostics;
using Samsa.Bench.Compare.Drivers;

namespace Samsa.Bench.Compare.Harness;

/// <summary>Runs every configuration of one system, repeats included, within an overall time budget.</summary>
internal sealed class BenchRun(IStreamDriver driver, string system, RunSettings settings, TimeSpan budget, TextWriter log, BrokerProbe? probe = null)
{
    private readonly string _runId = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task MeasureAsync(SystemResult result, bool throughput, bool latency, CancellationToken ct)
    {
        var acksList = DriverFactory.HasAcksAndPartitions(system) ? settings.Acks : ["confirm"];
        var partitionList = DriverFactory.HasAcksAndPartitions(system) ? settings.Partitions : [1];
        if (throughput)
        {
            foreach (var size in settings.RecordSizes)
            {
                foreach (var acks in acksList)
                {
                    foreach (var partitions in partitionList)
                    {
                        result.Throughput.Add(await ThroughputAsync(size, acks, partitions, result.Errors, ct));
                    }
                }
            }
        }

        if (latency)
        {
            var latencyAcks = DriverFactory.HasAcksAndPartitions(system) ? settings.LatencyAcks : ["confirm"];
            var latencyPartitions = DriverFactory.HasAcksAndPartitions(system) ? settings.LatencyPartitions : [1];
            foreach (var size in settings.RecordSizes)
            {
                foreach (var acks in latencyAcks)
                {
                    foreach (var partitions in latencyPartitions)
                    {
                        result.Latency.Add(await LatencyAsync(size, acks, partitions, result.Errors, ct));
                    }
                }
            }
        }
    }

    private bool OverBudget(List<string> errors, string what)
    {
        if (_clock.Elapsed < budget)
        {
            return false;
        }

        errors.Add($"{what}: skipped, the harness's time budget of {budget.TotalSeconds:0} s was used up");
        return true;
    }

    private async Task<ThroughputResult> ThroughputAsync(int size, string acks, int partitions, List<string> errors, CancellationToken ct)
    {
        var result = new ThroughputResult { RecordBytes = size, Acks = acks, Partitions = partitions };
        var runner = new ThroughputRunner(driver, settings, log, probe);
        for (var repeat = 1; repeat <= settings.Repeats; repeat++)
        {
            var what = $"throughput {size} B acks={acks} partitions={partitions} #{repeat}";
            if (OverBudget(errors, what))
            {
                break;
            }

            var target = new StreamTarget($"bench-{system}-{_runId}-t{size}-a{acks}-p{partitions}-r{repeat}", partitions, acks);
            try
            {
                var (produce, consume) = await runner.RunOnceAsync(target, size, ct);
                result.Produce.Add(produce);
                result.Consume.Add(consume);
                await log.WriteLineAsync(PassLine(what, produce, consume));
                Keep(errors, what, produce.Error);
                Keep(errors, what, consume.Error);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                errors.Add($"{what}: {e.GetBaseException().Message}");
                await log.WriteLineAsync($"  {what}: failed: {e.GetBaseException().Message}");
            }
        }

        return result.Summarize();
    }

    private async Task<LatencyResult> LatencyAsync(int size, string acks, int partitions, List<string> errors, CancellationToken ct)
    {
        var result = new LatencyResult { RecordBytes = size, Acks = acks, Partitions = partitions, TargetRate = settings.LatencyRate };
        var runner = new LatencyRunner(driver, settings, log, probe);
        for (var repeat = 1; repeat <= settings.Repeats; repeat++)
        {
            var what = $"latency {size} B @ {settings.LatencyRate}/s acks={acks} partitions={partitions} #{repeat}";
            if (OverBudget(errors, what))
            {
                break;
            }

            var target = new StreamTarget($"bench-{system}-{_runId}-l{size}-a{acks}-p{partitions}-r{repeat}", partitions, acks);
            try
            {
                var run = await runner.RunOnceAsync(target, size, ct);
                result.Runs.Add(run);
                await log.WriteLineAsync($"  {what}: p50 {run.P50Ms:0.000} ms p99 {run.P99Ms:0.000} ms p99.9 {run.P999Ms:0.000} ms at {run.AchievedRate:N0}/s{Cost(run.Broker)}{Note(run.Error)}");
                Keep(errors, what, run.Error);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                errors.Add($"{what}: {e.GetBaseException().Message}");
                await log.WriteLineAsync($"  {what}: failed: {e.GetBaseException().Message}");
            }
        }

        var measured = result.Runs.Where(r => r.Measured > 0).ToList();
        result.P50Ms = Spread.Of(measured.Select(r => r.P50Ms));
        result.P99Ms = Spread.Of(measured.Select(r => r.P99Ms));
        result.P999Ms = Spread.Of(measured.Select(r => r.P999Ms));
        result.AchievedRate = Spread.Of(measured.Select(r => r.AchievedRate));
        return result;
    }

    /// <summary>The progress line of one produce-then-consume pass: rates, the broker's cost when probed, the first error.</summary>
    internal static string PassLine(string what, PhaseRun produce, PhaseRun consume) =>
        $"  {what}: produce {produce.RecordsPerSec,12:N0} rec/s {produce.MBPerSec,8:N1} MB/s | consume {consume.RecordsPerSec,12:N0} rec/s {consume.MBPerSec,8:N1} MB/s{Cost(produce.Broker, consume.Broker)}{Note(produce.Error ?? consume.Error)}";

    internal static void Keep(List<string> errors, string what, string? error)
    {
        if (error is not null)
        {
            errors.Add($"{what}: {error}");
        }
    }

    private static string Cost(BrokerUsage? produce, BrokerUsage? consume) => produce is null || consume is null
        ? string.Empty
        : $" | broker CPU s/M records: produce {produce.CpuSecondsPerMillionRecords:0.00} consume {consume.CpuSecondsPerMillionRecords:0.00}, GCs/M: {produce.GcsPerMillionRecords:0.#} {consume.GcsPerMillionRecords:0.#}, B/record: {produce.AllocatedBytesPerRecord:0.#} {consume.AllocatedBytesPerRecord:0.#}";

    private static string Cost(BrokerUsage? broker) => broker is null
        ? string.Empty
        : $" | broker CPU s/M records {broker.CpuSecondsPerMillionRecords:0.00}, GCs/M {broker.GcsPerMillionRecords:0.#}, B/record {broker.AllocatedBytesPerRecord:0.#}";

    private static string Note(string? error) => error is null ? string.Empty : $" ({error})";
}
