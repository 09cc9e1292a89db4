namespace Samsa.Storage.Cleaning;

/// <summary>
/// The broker's <c>log.cleaner.*</c> settings, with Kafka's names and defaults. The broker-level defaults of
/// the topic configs the cleaner reads (<c>log.cleaner.min.cleanable.ratio</c> → <c>min.cleanable.dirty.ratio</c>,
/// <c>log.cleaner.delete.retention.ms</c>, <c>log.cleaner.min.compaction.lag.ms</c>,
/// <c>log.cleaner.max.compaction.lag.ms</c>) belong in <see cref="LogManagerOptions.DefaultConfig"/>, like every
/// other topic default, so a topic override and the broker default are one value.
/// </summary>
public sealed record LogCleanerOptions
{
    public static LogCleanerOptions Default { get; } = new();

    /// <summary><c>log.cleaner.enable</c>: run the background cleaner threads. <see cref="LogCleaner.CleanNow"/> works either way.</summary>
    public bool Enable { get; init; } = true;

    /// <summary><c>log.cleaner.threads</c>.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// <c>log.cleaner.dedupe.buffer.size</c>: memory for the key → offset maps of all threads together. Each
    /// thread's share is allocated when it first cleans, and kept.
    /// </summary>
    public long DedupeBufferSize { get; init; } = 128L * 1024 * 1024;

    /// <summary><c>log.cleaner.io.buffer.load.factor</c>: how full a key → offset map may get.</summary>
    public double DedupeBufferLoadFactor { get; init; } = 0.9;

    /// <summary><c>log.cleaner.io.buffer.size</c>: read and write buffers of all threads together (grown for a larger batch).</summary>
    public int IoBufferSize { get; init; } = 512 * 1024;

    /// <summary><c>log.cleaner.io.max.bytes.per.second</c>: a cap on each thread's reads plus writes.</summary>
    public double IoMaxBytesPerSecond { get; init; } = double.MaxValue;

    /// <summary><c>log.cleaner.backoff.ms</c>: how long a thread sleeps when no log needs cleaning.</summary>
    public long BackoffMs { get; init; } = 15_000;

    /// <summary>
    /// Aborted transactions and the first unstable offset of each log. Empty until the log keeps a transaction
    /// index; the transaction layer plugs in here.
    /// </summary>
    public IAbortedTransactionSource AbortedTransactions { get; init; } = NoAbortedTransactions.Instance;

    /// <summary>Memory of one thread's key → offset map.</summary>
    internal long DedupeBufferPerThread => Math.Max(1024, DedupeBufferSize / Math.Max(1, Threads));

    /// <summary>One thread's read (and, equally, write) buffer.</summary>
    internal int IoBufferPerThread => Math.Max(64 * 1024, IoBufferSize / Math.Max(1, Threads) / 2);
}
