using System.Globalization;
using Samsa.Cli.Common;

namespace Samsa.Cli.Perf;

/// <summary>
/// The outcome of a perf run: counts, rates and latency percentiles, printed as a line or JSON. A consume run also
/// knows when its first record came (<paramref name="FirstRecord"/>, from the start of the clock), so it can give the
/// rate from the first record to the last: the clock of librdkafka's rdkafka_performance consumer.
/// </summary>
internal sealed record PerfResult(string Kind, long Records, long Bytes, TimeSpan Elapsed, LatencyHistogram Latency, TimeSpan? FirstRecord = null)
{
    public double RecordsPerSecond => Records / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public double? RecordsPerSecondFromFirstRecord => FirstRecord is { } first ? Records / Math.Max((Elapsed - first).TotalSeconds, 1e-9) : null;

    public double MegabytesPerSecond => Bytes / 1024.0 / 1024.0 / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public Table ToTable() => new Table("result", "KIND", "RECORDS", "BYTES", "SECONDS", "RECORDS-PER-SEC", "MB-PER-SEC", "AVG-MS", "P50-MS", "P95-MS", "P99-MS", "P99.9-MS", "MAX-MS", "FIRST-RECORD-MS", "FROM-FIRST-RECORDS-PER-SEC")
        .Add(Kind, Records, Bytes, Round(Elapsed.TotalSeconds), Round(RecordsPerSecond), Round(MegabytesPerSecond), Round(Latency.AverageMs),
            Round(Latency.PercentileMs(0.50)), Round(Latency.PercentileMs(0.95)), Round(Latency.PercentileMs(0.99)), Round(Latency.PercentileMs(0.999)), Round(Latency.MaxMs),
            FirstRecord is { } first ? Round(first.TotalMilliseconds) : null, RecordsPerSecondFromFirstRecord is { } rate ? Round(rate) : null);

    /// <summary>One line in the shape of Kafka's perf tools' final line, which scripts grep.</summary>
    public string SummaryLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Records} records {(Kind == "produce" ? "sent" : "consumed")}, {RecordsPerSecond:F1} records/sec ({MegabytesPerSecond:F2} MB/sec), {Latency.AverageMs:F2} ms avg latency, {Latency.MaxMs:F2} ms max latency, {Latency.PercentileMs(0.50):F2} ms 50th, {Latency.PercentileMs(0.95):F2} ms 95th, {Latency.PercentileMs(0.99):F2} ms 99th, {Latency.PercentileMs(0.999):F2} ms 99.9th.");

    /// <summary>Kafka's producer perf test's final line exactly: percentiles in whole milliseconds.</summary>
    public string KafkaSummaryLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Records} records {(Kind == "produce" ? "sent" : "consumed")}, {RecordsPerSecond:F1} records/sec ({MegabytesPerSecond:F2} MB/sec), {Latency.AverageMs:F2} ms avg latency, {Latency.MaxMs:F2} ms max latency, {(long)Latency.PercentileMs(0.50)} ms 50th, {(long)Latency.PercentileMs(0.95)} ms 95th, {(long)Latency.PercentileMs(0.99)} ms 99th, {(long)Latency.PercentileMs(0.999)} ms 99.9th.");

    public void Print(OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            Printer.Print(format, ToTable());
        }
        else
        {
            System.Console.Out.WriteLine(SummaryLine());
        }
    }

    private static double Round(double value) => Math.Round(value, 3);
}
