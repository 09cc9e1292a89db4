using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Samsa.Bench.Compare.Harness;

/// <summary>
/// Watches the broker process during a run: CPU time and resident memory from /proc (any broker), and for a
/// .NET broker its garbage collections and allocated bytes through an EventPipe session (GCStart events by
/// generation; GCAllocationTick, which fires about every 100 KB allocated, for the allocation volume).
/// Events arrive with EventPipe's buffering delay (well under a second), so counts at a pass boundary may
/// lag by that much.
/// </summary>
internal sealed class BrokerProbe : IDisposable
{
    private readonly int _pid;
    private readonly ConcurrentDictionary<string, long> _allocatedByType = new(StringComparer.Ordinal);
    private readonly EventPipeSession? _session;
    private readonly Task? _pump;
    private long _gen0;
    private long _gen1;
    private long _gen2;
    private long _allocated;

    private BrokerProbe(int pid, TextWriter log)
    {
        _pid = pid;
        try
        {
            var provider = new EventPipeProvider(
                "Microsoft-Windows-DotNETRuntime",
                EventLevel.Verbose,
                (long)ClrTraceEventParser.Keywords.GC);
            _session = new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false);
            var source = new EventPipeEventSource(_session.EventStream);
            source.Clr.GCStart += e => Interlocked.Increment(ref e.Depth == 0 ? ref _gen0 : ref e.Depth == 1 ? ref _gen1 : ref _gen2);
            source.Clr.GCAllocationTick += e =>
            {
                Interlocked.Add(ref _allocated, e.AllocationAmount64);
                _allocatedByType.AddOrUpdate(e.TypeName ?? "?", e.AllocationAmount64, (_, sum) => sum + e.AllocationAmount64);
            };
            _pump = Task.Factory.StartNew(source.Process, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            GcUnavailable = $"no .NET diagnostics port in process {pid} ({e.GetType().Name}); CPU and memory only";
            log.WriteLine($"broker probe: {GcUnavailable}");
        }
    }

    /// <summary>Why garbage collections are not counted (not a .NET process), or null when they are.</summary>
    public string? GcUnavailable { get; }

    /// <summary>A probe of <paramref name="pid"/>, or null when no pid was given or the process does not exist.</summary>
    public static BrokerProbe? Open(int? pid, TextWriter log)
    {
        if (pid is not { } id || !File.Exists($"/proc/{id}/stat"))
        {
            if (pid is not null)
            {
                log.WriteLine($"broker probe: no process {pid}; broker usage not measured");
            }

            return null;
        }

        return new BrokerProbe(id, log);
    }

    /// <summary>The types that took most of the sampled allocation volume over the whole run, largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> TopAllocatedTypes(int count) =>
        [.. _allocatedByType.OrderByDescending(kv => kv.Value).Take(count)];

    public BrokerSample Sample() => new(
        CpuSeconds(_pid),
        RssBytes(_pid),
        Interlocked.Read(ref _gen0),
        Interlocked.Read(ref _gen1),
        Interlocked.Read(ref _gen2),
        Interlocked.Read(ref _allocated),
        GcUnavailable is null);

    public void Dispose()
    {
        try
        {
            _session?.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException)
        {
            // the broker is already gone
        }

        _pump?.Wait(TimeSpan.FromSeconds(5));
        _session?.Dispose();
    }

    /// <summary>utime + stime of the process; Linux reports them in clock ticks of 1/100 s.</summary>
    internal static double CpuSeconds(int pid)
    {
        var stat = ReadOr($"/proc/{pid}/stat");
        if (stat is null)
        {
            return double.NaN;
        }

        // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    internal static long RssBytes(int pid)
    {
        var line = ReadOr($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static string? ReadOr(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>Cumulative counters of the broker process at one moment.</summary>
internal sealed record BrokerSample(double CpuSeconds, long RssBytes, long Gen0, long Gen1, long Gen2, long AllocatedBytes, bool HasGc)
{
    /// <summary>What the broker spent between <paramref name="start"/> and this sample, per million records moved.</summary>
    public BrokerUsage Since(BrokerSample start, long records)
    {
        var millions = Math.Max(records, 1) / 1e6;
        var gcs = Gen0 + Gen1 + Gen2 - start.Gen0 - start.Gen1 - start.Gen2;
        return new BrokerUsage(
            CpuSeconds - start.CpuSeconds,
            (CpuSeconds - start.CpuSeconds) / millions,
            RssBytes,
            HasGc ? Gen0 - start.Gen0 : null,
            HasGc ? Gen1 - start.Gen1 : null,
            HasGc ? Gen2 - start.Gen2 : null,
            HasGc ? gcs / millions : null,
            HasGc ? (AllocatedBytes - start.AllocatedBytes) / (double)Math.Max(records, 1) : null);
    }
}

/// <summary>The broker's cost of one pass: CPU, GCs by generation, and allocated bytes per record (sampled, ±100 KB).</summary>
internal sealed record BrokerUsage(
    double CpuSeconds,
    double CpuSecondsPerMillionRecords,
    long RssBytesAtEnd,
    long? Gen0,
    long? Gen1,
    long? Gen2,
    double? GcsPerMillionRecords,
    double? AllocatedBytesPerRecord);
