namespace Samsa.Storage.Tests;

/// <summary>A temp directory removed at the end of a test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "samsa-storage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _nowMs;

    public ManualTime(long nowMs) => _nowMs = nowMs;

    public long NowMs => Interlocked.Read(ref _nowMs);

    public void Advance(long ms) => Interlocked.Add(ref _nowMs, ms);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}

internal static class LogTestExtensions
{
    public static byte[] ReadAllBytes(this PartitionLog log, long from, long maxOffset = long.MaxValue)
    {
        using var result = log.Read(from, int.MaxValue, maxOffset, minOneBatch: true);
        return result.ToArray();
    }

    /// <summary>Closes the log's files the way a killed process would: no index trim, no flush, no checkpoint.</summary>
    public static void Crash(this PartitionLog log) => log.Abandon();
}
