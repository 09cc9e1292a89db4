namespace Samsa.Storage.Cleaning;

/// <summary>A transaction that was aborted: its producer, its first data offset and the offset of its abort marker.</summary>
public readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset);

/// <summary>
/// What the cleaner needs to know about transactions that the log cannot tell from its batch headers: which
/// transactions were aborted (their data is removed, their markers kept until that data is gone and the delete
/// horizon has passed) and where the first still-open transaction starts (nothing from there on is cleaned).
/// Kafka keeps both in each segment's <c>.txnindex</c> and the producer state; Samsa will too, behind this seam.
/// </summary>
public interface IAbortedTransactionSource
{
    /// <summary>
    /// Adds to <paramref name="result"/> every aborted transaction of <paramref name="log"/> that overlaps
    /// [<paramref name="startOffset"/>, <paramref name="upperOffset"/>), in any order.
    /// </summary>
    void CollectAbortedTransactions(PartitionLog log, long startOffset, long upperOffset, List<AbortedTransaction> result);

    /// <summary>The first offset of the oldest transaction still open on <paramref name="log"/>; <see cref="long.MaxValue"/> when none.</summary>
    long FirstUnstableOffset(PartitionLog log);
}

/// <summary>No transaction was ever aborted and none is open: what a log without a transaction index knows.</summary>
public sealed class NoAbortedTransactions : IAbortedTransactionSource
{
    public static NoAbortedTransactions Instance { get; } = new();

    private NoAbortedTransactions()
    {
    }

    public void CollectAbortedTransactions(PartitionLog log, long startOffset, long upperOffset, List<AbortedTransaction> result)
    {
    }

    public long FirstUnstableOffset(PartitionLog log) => long.MaxValue;
}
