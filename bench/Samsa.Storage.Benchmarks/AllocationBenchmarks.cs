using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Samsa.Storage.Files;

namespace Samsa.Storage.Benchmarks;

/// <summary>The hot paths' time and allocations per call (memory diagnoser), in process.</summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class AllocationBenchmarks
{
    private readonly List<FileRange> _ranges = new(4);
    private string _dir = "";
    private PartitionLog _readLog = null!;
    private PartitionLog _appendLog = null!;
    private byte[] _batch = [];
    private byte[] _buffer = [];
    private long _endOffset;
    private long _timestamp;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "samsa-bench-" + Guid.NewGuid().ToString("N"));
        _timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _batch = Batches.Create(16 * 1024, 16, _timestamp);
        _buffer = new byte[1024 * 1024];
        _readLog = PartitionLog.Open(Path.Combine(_dir, "read-0"), new TopicPartition("read", 0), LogConfig.Default with { SegmentBytes = 16 * 1024 * 1024 });
        for (var i = 0; i < 4096; i++)
        {
            _readLog.AppendAsLeader(_batch, 0);
        }

        _endOffset = _readLog.LogEndOffset;
        _appendLog = PartitionLog.Open(Path.Combine(_dir, "append-0"), new TopicPartition("append", 0), LogConfig.Default with { SegmentBytes = 64 * 1024 * 1024 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _readLog.Close();
        _appendLog.Close();
        Directory.Delete(_dir, recursive: true);
    }

    [IterationCleanup(Target = nameof(Append16KiB))]
    public void ResetAppendLog() => _appendLog.TruncateFullyAndStartAt(0);

    [Benchmark]
    public long Append16KiB() => _appendLog.AppendAsLeader(_batch, 0).LastOffset;

    /// <summary>A 1 MiB fetch as file ranges (what the broker sends), leases released.</summary>
    [Benchmark]
    public int ReadRanges()
    {
        var info = _readLog.Read((_endOffset / 3) + 5, 1024 * 1024, long.MaxValue, true, _ranges);
        foreach (var range in _ranges)
        {
            range.Release();
        }

        _ranges.Clear();
        return info.Bytes;
    }

    /// <summary>A 1 MiB fetch copied into a buffer.</summary>
    [Benchmark]
    public int ReadInto() => _readLog.ReadInto((_endOffset / 2) + 7, _buffer, long.MaxValue, out _);

    [Benchmark]
    public long OffsetForTimestamp() => _readLog.FetchOffsetByTimestamp(_timestamp)!.Value.Offset;

    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig()
        {
            AddJob(Job.ShortRun
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithInvocationCount(4096)
                .WithUnrollFactor(1));
        }
    }
}
