using System.Globalization;
using System.Text;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Reporting;

/// <summary>Writes bench/results/&lt;date&gt;.md and the summary table for bench/README.md from a run folder.</summary>
internal sealed class MarkdownReport(RunFolder run, string title, string command, string samsaKey, string samsaPerfKey = "samsa-perf")
{
    private const string FioBuffered = "write-buffered";
    private const string FioDsync = "write-fdatasync";
    private const string FioRead = "read";

    /// <summary>Samsa driven by the harness (Confluent.Kafka): the row every ratio is taken from.</summary>
    private SystemResult? Samsa => run.Systems.FirstOrDefault(s => s.Key == samsaKey && (s.Throughput.Count > 0 || s.Latency.Count > 0));

    /// <summary>Samsa driven by <c>samsa perf</c>, this repository's client, against the same broker (throughput only).</summary>
    private SystemResult? SamsaPerf => run.Systems.FirstOrDefault(s => s.Key == samsaPerfKey && s.Throughput.Count > 0);

    /// <summary>The settings of the harness's own runs (a row measured with another tool records only what applies to it).</summary>
    private RunSettings? Settings =>
        (run.Systems.FirstOrDefault(s => s.MeasuredWith is null) ?? (run.Systems.Count > 0 ? run.Systems[0] : null))?.Settings;

    public string Results()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Command: `{command}`\n\n");
        foreach (var note in run.Notes)
        {
            md.Append(CultureInfo.InvariantCulture, $"> {note}\n");
        }

        md.Append('\n');
        md.Append("## Machine\n\n| | |\n| --- | --- |\n");
        foreach (var (k, v) in run.Machine)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {k} | {Escape(v)} |\n");
        }

        AppendPhysical(md);
        AppendSystems(md);
        AppendThroughput(md);
        AppendLatency(md);
        AppendBrokerCost(md);
        AppendRatios(md);
        AppendProblems(md);
        return md.ToString();
    }

    /// <summary>The table bench/README.md keeps under "## Peer comparison": one line per system.</summary>
    public string Summary(string resultsLink)
    {
        var sizes = run.Systems.SelectMany(s => s.Settings.RecordSizes).Distinct().Order().ToArray();
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"Latest run: [{resultsLink}]({resultsLink}) ({title}). Medians of the repeats; produce and consume in MB/s of payload, latency p99 in ms at {LatencyRate()} records/s. Kafka-protocol rows: acks=all, 1 partition.{ClientsNote()}\n\n");
        md.Append("| system | status |");
        foreach (var size in sizes)
        {
            md.Append(CultureInfo.InvariantCulture, $" produce {size} B | consume {size} B | p99 {size} B |");
        }

        md.Append("\n| --- | --- |");
        md.Append(string.Concat(Enumerable.Repeat(" ---: | ---: | ---: |", sizes.Length)));
        md.Append('\n');
        foreach (var (key, label, status) in Rows())
        {
            var system = run.Systems.FirstOrDefault(s => s.Key == key);
            md.Append(CultureInfo.InvariantCulture, $"| {label} | {status} |");
            foreach (var size in sizes)
            {
                var t = system is null ? null : Headline(system, size);
                var l = system?.Latency.FirstOrDefault(x => x.RecordBytes == size && IsHeadline(system, x.Acks, x.Partitions));
                md.Append(CultureInfo.InvariantCulture, $" {Med(t?.ProduceMBPerSec)} | {Med(t?.ConsumeMBPerSec)} | {Med(l?.P99Ms)} |");
            }

            md.Append('\n');
        }

        md.Append(CultureInfo.InvariantCulture, $"| fio sequential write, buffered + end fsync (MB/s) | | {Med(Spread.Of(run.FioMBPerSec.GetValueOrDefault(FioBuffered) ?? []))} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| loopback TCP, iperf3 (MB/s) | | {Med(Spread.Of(run.LoopbackMBPerSec))} |\n");
        return md.ToString();
    }

    /// <summary>The measured table of docs/comparison.md: one column per system, Samsa first.</summary>
    public string ComparisonTable()
    {
        var columns = Rows().Where(r => !r.Key.StartsWith("check-", StringComparison.Ordinal))
            .OrderBy(r => r.Key == samsaKey ? 0 : r.Key == samsaPerfKey ? 1 : 2).ToList();
        var sizes = run.Systems.SelectMany(s => s.Settings.RecordSizes).Distinct().Order().ToArray();
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"From {title}. Medians of the repeats; Kafka-protocol column: acks=all, 1 partition.{ClientsNote()}\n\n|");
        foreach (var c in columns)
        {
            md.Append(CultureInfo.InvariantCulture, $" | {c.Label}");
        }

        md.Append(" |\n| ---");
        md.Append(string.Concat(Enumerable.Repeat(" | ---", columns.Count)));
        md.Append(" |\n");
        Row("status and durability in the run", c =>
        {
            var st = run.Statuses.FirstOrDefault(s => s.Key == c.Key);
            var d = st is { Durability.Length: > 0 } ? st.Durability : run.Systems.FirstOrDefault(s => s.Key == c.Key)?.Driver.Durability ?? string.Empty;
            return $"{c.Status}: {d}";
        });
        foreach (var size in sizes)
        {
            Row($"produce, {size} B records (MB/s; records/s)", c => Find(c.Key) is { } s && Headline(s, size) is { } t ? $"{Med(t.ProduceMBPerSec)}; {Med(t.ProduceRecordsPerSec)}" : "–");
            Row($"consume, {size} B records (MB/s; records/s)", c => Find(c.Key) is { } s && Headline(s, size) is { } t ? $"{Med(t.ConsumeMBPerSec)}; {Med(t.ConsumeRecordsPerSec)}" : "–");
            Row($"latency p50 / p99 / p99.9 ms, {size} B at {LatencyRate():N0}/s", c =>
                Find(c.Key)?.Latency.FirstOrDefault(l => l.RecordBytes == size && IsHeadline(Find(c.Key)!, l.Acks, l.Partitions)) is { } l
                    ? $"{Med(l.P50Ms)} / {Med(l.P99Ms)} / {Med(l.P999Ms)}"
                    : "–");
        }

        return md.ToString();

        void Row(string name, Func<(string Key, string Label, string Status), string> cell)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {name}");
            foreach (var c in columns)
            {
                md.Append(CultureInfo.InvariantCulture, $" | {Escape(cell(c))}");
            }

            md.Append(" |\n");
        }

        SystemResult? Find(string key) => run.Systems.FirstOrDefault(s => s.Key == key && (s.Throughput.Count > 0 || s.Latency.Count > 0));
    }

    private IEnumerable<(string Key, string Label, string Status)> Rows()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in run.Statuses)
        {
            seen.Add(s.Key);
            yield return (s.Key, s.Label, s.Status);
        }

        foreach (var s in run.Systems.Where(s => !seen.Contains(s.Key)))
        {
            yield return (s.Key, s.Label, s.Errors.Count == 0 ? "measured" : "measured, with problems");
        }
    }

    private int LatencyRate() => Settings?.LatencyRate ?? 0;

    /// <summary>Says which client each Samsa row used, when both were measured.</summary>
    private string ClientsNote() => SamsaPerf is null
        ? string.Empty
        : " Samsa is measured twice against the same broker: with Confluent.Kafka (librdkafka) through the harness, and with `samsa perf` (this repository's own client; throughput only).";

    private void AppendPhysical(StringBuilder md)
    {
        md.Append("\n## Physical limits (same run)\n\n| measurement | MB/s median | spread (min–max) | n | how |\n| --- | ---: | --- | ---: | --- |\n");
        Line(md, "disk: sequential write, buffered, fsync at end", Spread.Of(run.FioMBPerSec.GetValueOrDefault(FioBuffered) ?? []), "fio, 1 MiB blocks, psync, end_fsync=1");
        Line(md, "disk: sequential write, fdatasync every 1 MiB", Spread.Of(run.FioMBPerSec.GetValueOrDefault(FioDsync) ?? []), "fio, 1 MiB blocks, psync, fdatasync=1");
        Line(md, "disk: sequential read", Spread.Of(run.FioMBPerSec.GetValueOrDefault(FioRead) ?? []), "fio, 1 MiB blocks, psync, page cache of the file dropped first (invalidate=1)");
        Line(md, "loopback TCP", Spread.Of(run.LoopbackMBPerSec), "iperf3, one stream, 127.0.0.1");
        Line(md, "memory copy", run.MemCopy?.MBPerSec, run.MemCopy is null ? "not measured" : $"one thread, {run.MemCopy.BufferMiB} MiB buffers, Span.CopyTo");

        static void Line(StringBuilder md, string what, Spread? s, string how) =>
            md.Append(CultureInfo.InvariantCulture, $"| {what} | {Med(s)} | {Range(s)} | {s?.N ?? 0} | {how} |\n");
    }

    private void AppendSystems(StringBuilder md)
    {
        md.Append("\n## Systems and how each is driven\n\nEvery system runs on this machine with a private data directory and config, on 127.0.0.1, driven by the same C# harness (`bench/Samsa.Bench.Compare`) through its maintained .NET client.\n\n");
        md.Append("| system | status | version | client | protocol | durability (broker side) | producer batching | consumer |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var (key, label, status) in Rows())
        {
            var st = run.Statuses.FirstOrDefault(s => s.Key == key);
            var d = run.Systems.FirstOrDefault(s => s.Key == key)?.Driver;
            var durability = st is { Durability.Length: > 0 } ? st.Durability : d?.Durability ?? string.Empty;
            var statusText = st is { Note.Length: > 0 } ? $"{status}: {st.Note}" : status;
            md.Append(CultureInfo.InvariantCulture, $"| {label} | {Escape(statusText)} | {Escape(st?.Version ?? string.Empty)} | {Escape(d?.Client ?? string.Empty)} | {Escape(d?.Protocol ?? string.Empty)} | {Escape(durability)} | {Escape(d?.ProducerBatching ?? string.Empty)} | {Escape(d?.ConsumerModel ?? string.Empty)} |\n");
        }

        var settings = Settings;
        if (settings is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nSame for every system driven by the harness: record sizes {string.Join(", ", settings.RecordSizes)} B of random bytes; a produce pass sends {RunFolder.Number(settings.RunBytes / 1e6)} MB of payload (at most {settings.MaxRecords:N0} records) with at most {settings.Window} records unacknowledged, then a consume pass reads them back from the start; each pass stops at {settings.PhaseSeconds} s; {settings.Repeats} repeats per configuration, each into a fresh stream. MB = 10^6 bytes of payload; produce time runs from the first send to the last acknowledgement, consume time from the first read request to the last record.\n");
        }

        foreach (var system in run.Systems.Where(s => s.MeasuredWith is not null))
        {
            md.Append(CultureInfo.InvariantCulture, $"\n{system.Label}: the same record sizes, acks, partition counts, repeats and payload per pass ({RunFolder.Number(system.Settings.RunBytes / 1e6)} MB, at most {system.Settings.MaxRecords:N0} records), measured with {system.MeasuredWith}\n");
        }
    }

    private void AppendThroughput(StringBuilder md)
    {
        md.Append("\n## Throughput\n\nMedian of the repeats, spread min–max. Rates of passes cut by the deadline count (they are rates over the records moved) and are listed under problems.\n\n");
        md.Append("| system | record | acks | partitions | produce records/s | produce MB/s | consume records/s | consume MB/s |\n| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var system in run.Systems)
        {
            foreach (var t in system.Throughput)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {system.Label} | {t.RecordBytes} B | {t.Acks} | {t.Partitions} | {MedRange(t.ProduceRecordsPerSec)} | {MedRange(t.ProduceMBPerSec)} | {MedRange(t.ConsumeRecordsPerSec)} | {MedRange(t.ConsumeMBPerSec)} |\n");
            }
        }
    }

    private void AppendLatency(StringBuilder md)
    {
        var settings = Settings;
        if (settings is null)
        {
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## End-to-end latency at {settings.LatencyRate:N0} records/s\n\nFrom the produce call to the consumer's receipt (timestamp in the payload, one process, one monotonic clock); {settings.LatencySeconds} s per run, first 10% of samples dropped as warm-up; median of the repeats' percentiles, spread min–max, in ms. Pacing has 1 ms granularity: records due within one millisecond are sent together.\n\n");
        md.Append("| system | record | acks | partitions | p50 ms | p99 ms | p99.9 ms | achieved rate/s |\n| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var system in run.Systems)
        {
            foreach (var l in system.Latency)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {system.Label} | {l.RecordBytes} B | {l.Acks} | {l.Partitions} | {MedRange(l.P50Ms)} | {MedRange(l.P99Ms)} | {MedRange(l.P999Ms)} | {Med(l.AchievedRate)} |\n");
            }
        }
    }

    /// <summary>What the broker process spent per pass, for systems run with --broker-pid (Samsa started by compare.sh).</summary>
    private void AppendBrokerCost(StringBuilder md)
    {
        var measured = run.Systems.Where(s => s.Throughput.Any(t => t.Produce.Any(p => p.Broker is not null))).ToList();
        if (measured.Count == 0)
        {
            return;
        }

        md.Append("\n## Broker cost\n\nThe broker process's CPU seconds (user + system, /proc) per million records moved, its garbage collections per million records and its allocated bytes per record (EventPipe, sampled every ~100 KB), per pass; medians of the repeats. The load client runs on the same cores.\n\n");
        md.Append("| system | record | acks | partitions | produce CPU s/M | consume CPU s/M | produce GCs/M | consume GCs/M | produce B/record | consume B/record |\n| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var system in measured)
        {
            foreach (var t in system.Throughput)
            {
                var p = t.Produce.Select(r => r.Broker).OfType<BrokerUsage>().ToList();
                var c = t.Consume.Select(r => r.Broker).OfType<BrokerUsage>().ToList();
                md.Append(CultureInfo.InvariantCulture, $"| {system.Label} | {t.RecordBytes} B | {t.Acks} | {t.Partitions} | {Med(Spread.Of(p.Select(b => b.CpuSecondsPerMillionRecords)))} | {Med(Spread.Of(c.Select(b => b.CpuSecondsPerMillionRecords)))} | {Med(Spread.Of(p.Select(b => b.GcsPerMillionRecords ?? double.NaN)))} | {Med(Spread.Of(c.Select(b => b.GcsPerMillionRecords ?? double.NaN)))} | {Med(Spread.Of(p.Select(b => b.AllocatedBytesPerRecord ?? double.NaN)))} | {Med(Spread.Of(c.Select(b => b.AllocatedBytesPerRecord ?? double.NaN)))} |\n");
            }
        }
    }

    private void AppendRatios(StringBuilder md)
    {
        md.Append("\n## Ratios\n\n");
        var fioWrite = Spread.Of(run.FioMBPerSec.GetValueOrDefault(FioBuffered) ?? [])?.Median;
        var fioDsync = Spread.Of(run.FioMBPerSec.GetValueOrDefault(FioDsync) ?? [])?.Median;
        var loopback = Spread.Of(run.LoopbackMBPerSec)?.Median;

        md.Append("Share of the machine: each system's median produce MB/s ÷ fio sequential write (buffered + end fsync; and with fdatasync per MiB), and consume MB/s ÷ loopback TCP MB/s. Kafka-protocol rows use acks=all and 1 partition, the configuration closest to the peers' single stream with a durable acknowledgement.\n\n");
        md.Append("| system | record | produce ÷ fio buffered write | produce ÷ fio fdatasync write | consume ÷ loopback |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var system in run.Systems)
        {
            foreach (var size in system.Settings.RecordSizes)
            {
                var t = Headline(system, size);
                if (t is null)
                {
                    continue;
                }

                md.Append(CultureInfo.InvariantCulture, $"| {system.Label} | {size} B | {Ratio(t.ProduceMBPerSec?.Median, fioWrite)} | {Ratio(t.ProduceMBPerSec?.Median, fioDsync)} | {Ratio(t.ConsumeMBPerSec?.Median, loopback)} |\n");
            }
        }

        var samsa = Samsa;
        var perf = SamsaPerf;
        if (samsa is null)
        {
            var reason = run.Statuses.FirstOrDefault(s => s.Key == samsaKey)?.Note;
            md.Append(CultureInfo.InvariantCulture, $"\nSamsa ÷ each peer: pending, Samsa was not measured with Confluent.Kafka in this run{(string.IsNullOrEmpty(reason) ? "." : $" ({reason}).")}\n");
        }
        else
        {
            md.Append(CultureInfo.InvariantCulture, $"\n{samsa.Label} ÷ each peer (medians; above 1 means Samsa is faster, for latency below 1 means Samsa is quicker):\n\n");
            PeerRatios(md, samsa, withLatency: true);
        }

        if (perf is null)
        {
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"\n{perf.Label} ÷ each peer (medians; throughput only, this row has no latency runs):\n\n");
        PeerRatios(md, perf, withLatency: false);
        if (samsa is null)
        {
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"\nThe two clients against the same broker: {perf.Label} ÷ {samsa.Label}, every configuration (medians; above 1 means samsa perf moves more):\n\n");
        md.Append("| record | acks | partitions | produce MB/s | consume MB/s |\n| ---: | --- | ---: | ---: | ---: |\n");
        foreach (var t in perf.Throughput)
        {
            var c = samsa.Throughput.FirstOrDefault(x => x.RecordBytes == t.RecordBytes && x.Acks == t.Acks && x.Partitions == t.Partitions);
            md.Append(CultureInfo.InvariantCulture, $"| {t.RecordBytes} B | {t.Acks} | {t.Partitions} | {Ratio(t.ProduceMBPerSec?.Median, c?.ProduceMBPerSec?.Median)} | {Ratio(t.ConsumeMBPerSec?.Median, c?.ConsumeMBPerSec?.Median)} |\n");
        }
    }

    /// <summary>One Samsa row's headline medians ÷ each peer's, per record size.</summary>
    private void PeerRatios(StringBuilder md, SystemResult samsa, bool withLatency)
    {
        md.Append(withLatency
            ? "| peer | record | produce MB/s | consume MB/s | p99 latency |\n| --- | ---: | ---: | ---: | ---: |\n"
            : "| peer | record | produce MB/s | consume MB/s |\n| --- | ---: | ---: | ---: |\n");
        foreach (var peer in run.Systems.Where(s => s.Key != samsaKey && s.Key != samsaPerfKey && !s.Key.StartsWith("check-", StringComparison.Ordinal)))
        {
            foreach (var size in samsa.Settings.RecordSizes)
            {
                var a = Headline(samsa, size);
                var b = Headline(peer, size);
                md.Append(CultureInfo.InvariantCulture, $"| {peer.Label} | {size} B | {Ratio(a?.ProduceMBPerSec?.Median, b?.ProduceMBPerSec?.Median)} | {Ratio(a?.ConsumeMBPerSec?.Median, b?.ConsumeMBPerSec?.Median)} |");
                if (withLatency)
                {
                    var la = samsa.Latency.FirstOrDefault(x => x.RecordBytes == size && IsHeadline(samsa, x.Acks, x.Partitions));
                    var lb = peer.Latency.FirstOrDefault(x => x.RecordBytes == size);
                    md.Append(CultureInfo.InvariantCulture, $" {Ratio(la?.P99Ms?.Median, lb?.P99Ms?.Median)} |");
                }

                md.Append('\n');
            }
        }
    }

    private void AppendProblems(StringBuilder md)
    {
        var any = false;
        foreach (var system in run.Systems.Where(s => s.Errors.Count > 0))
        {
            if (!any)
            {
                md.Append("\n## Problems seen in this run\n\n");
                any = true;
            }

            foreach (var error in system.Errors.Take(20))
            {
                md.Append(CultureInfo.InvariantCulture, $"- {system.Label}: {Escape(error)}\n");
            }

            if (system.Errors.Count > 20)
            {
                md.Append(CultureInfo.InvariantCulture, $"- {system.Label}: … {system.Errors.Count - 20} more in its JSON\n");
            }
        }
    }

    /// <summary>The configuration compared across systems: acks=all with one partition for Kafka-protocol systems, the only one for the rest.</summary>
    private static ThroughputResult? Headline(SystemResult system, int size) =>
        system.Throughput.FirstOrDefault(t => t.RecordBytes == size && IsHeadline(system, t.Acks, t.Partitions))
        ?? system.Throughput.FirstOrDefault(t => t.RecordBytes == size);

    private static bool IsHeadline(SystemResult system, string acks, int partitions) =>
        system.Driver.System != "kafka" || (acks == "all" && partitions == 1);

    private static string Med(Spread? s) => s is null ? "–" : RunFolder.Number(s.Median);

    private static string Range(Spread? s) => s is null ? "–" : $"{RunFolder.Number(s.Min)}–{RunFolder.Number(s.Max)}";

    private static string MedRange(Spread? s) => s is null ? "–" : s.N == 1 ? RunFolder.Number(s.Median) : $"{RunFolder.Number(s.Median)} ({Range(s)})";

    private static string Ratio(double? a, double? b) =>
        a is { } x && b is { } y && y > 0 && double.IsFinite(x) ? (x / y).ToString(x / y < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture) : "–";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
