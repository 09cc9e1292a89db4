using System.Globalization;

namespace Samsa.Cli.Compat;

/// <summary>
/// The producer perf test's statistics as Kafka keeps them: whole-millisecond latencies (a sample of at most about
/// 500,000 for the percentiles), a line per 5-second window and the total line. Records arrive from delivery
/// callbacks on several threads, so updates take a lock.
/// </summary>
internal sealed class KafkaPerfStats
{
    private const long ReportingIntervalMs = 5_000;
    private readonly Lock _lock = new();
    private readonly long _start = NowMs();
    private readonly int[] _latencies;
    private readonly long _sampling;
    private readonly bool _steadyState;
    private readonly TextWriter _output;
    private long _iteration;
    private int _index;
    private long _count;
    private long _bytes;
    private int _maxLatency;
    private long _totalLatency;
    private long _windowStart;
    private long _windowCount;
    private int _windowMaxLatency;
    private long _windowTotalLatency;
    private long _windowBytes;

    public KafkaPerfStats(long records, bool steadyState, TextWriter output)
    {
        _sampling = records / Math.Min(records, 500_000);
        _latencies = new int[(records / _sampling) + 1];
        _steadyState = steadyState;
        _output = output;
        _windowStart = _start;
    }

    /// <summary>Once set, window lines are no longer printed (the steady-state statistics print theirs).</summary>
    public bool Quiet { get; set; }

    public long Count => Volatile.Read(ref _count);

    public long Bytes => Volatile.Read(ref _bytes);

    public double ElapsedSeconds => (NowMs() - _start) / 1000.0;

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Record(int latencyMs, int bytes, long nowMs)
    {
        lock (_lock)
        {
            _count++;
            _bytes += bytes;
            _totalLatency += latencyMs;
            _maxLatency = Math.Max(_maxLatency, latencyMs);
            _windowCount++;
            _windowBytes += bytes;
            _windowTotalLatency += latencyMs;
            _windowMaxLatency = Math.Max(_windowMaxLatency, latencyMs);
            if (_iteration % _sampling == 0 && _index < _latencies.Length)
            {
                _latencies[_index++] = latencyMs;
            }

            if (nowMs - _windowStart >= ReportingIntervalMs)
            {
                if (_steadyState && _count == _windowCount)
                {
                    _output.WriteLine("In steady state.");
                }

                if (!Quiet)
                {
                    PrintWindow();
                }

                (_windowStart, _windowCount, _windowMaxLatency, _windowTotalLatency, _windowBytes) = (NowMs(), 0, 0, 0, 0);
            }

            _iteration++;
        }
    }

    public void PrintTotal()
    {
        lock (_lock)
        {
            var elapsed = NowMs() - _start;
            var size = Math.Min(_index, _latencies.Length);
            Array.Sort(_latencies, 0, size);
            int Percentile(double p) => size == 0 ? 0 : _latencies[(int)(p * size)];
            _output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{_count}{(_steadyState ? " steady state" : string.Empty)} records sent, {1000.0 * _count / elapsed:F6} records/sec ({1000.0 * _bytes / elapsed / (1024.0 * 1024.0):F2} MB/sec), {_totalLatency / (double)_count:F2} ms avg latency, {(double)_maxLatency:F2} ms max latency, {Percentile(0.5)} ms 50th, {Percentile(0.95)} ms 95th, {Percentile(0.99)} ms 99th, {Percentile(0.999)} ms 99.9th."));
        }
    }

    private void PrintWindow()
    {
        var elapsed = NowMs() - _windowStart;
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{_windowCount} records sent, {1000.0 * _windowCount / elapsed:F1} records/sec ({1000.0 * _windowBytes / elapsed / (1024.0 * 1024.0):F2} MB/sec), {_windowTotalLatency / (double)_windowCount:F1} ms avg latency, {(double)_windowMaxLatency:F1} ms max latency."));
    }
}
