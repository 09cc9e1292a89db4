using System.Diagnostics;
using System.Globalization;

namespace Samsa.Cli.Perf;

/// <summary>A progress line on standard error every interval: records and rate since the last line, latency so far.</summary>
internal sealed class Progress
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly string _verb;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _last = Stopwatch.GetTimestamp();
    private long _lastRecords;
    private long _lastBytes;

    public Progress(string verb) => _verb = verb;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>The clock's reading at <paramref name="timestamp"/>, a <see cref="Stopwatch"/> timestamp.</summary>
    public TimeSpan ElapsedAt(long timestamp) => Stopwatch.GetElapsedTime(_start, timestamp);

    /// <summary>Cheap enough to call per record: a timestamp comparison unless a line is due.</summary>
    public void Tick(long records, long bytes, LatencyHistogram latency)
    {
        var now = Stopwatch.GetTimestamp();
        var since = Stopwatch.GetElapsedTime(_last, now);
        if (since < Interval)
        {
            return;
        }

        var seconds = since.TotalSeconds;
        System.Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{records - _lastRecords} records {_verb}, {(records - _lastRecords) / seconds:F1} records/sec ({(bytes - _lastBytes) / 1024.0 / 1024.0 / seconds:F2} MB/sec), {latency.AverageMs:F1} ms avg latency, {latency.MaxMs:F1} ms max latency."));
        _last = now;
        _lastRecords = records;
        _lastBytes = bytes;
    }
}
