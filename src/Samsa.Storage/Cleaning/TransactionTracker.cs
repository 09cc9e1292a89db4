using Samsa.Protocol.Records;

namespace Samsa.Storage.Cleaning;

/// <summary>
/// Follows transactions while the cleaner walks a log in offset order, as Kafka's cleaner does: data batches of
/// an aborted transaction are discarded; an abort marker may go once no data of its transaction was seen in this
/// pass (the data went in an earlier one), a commit marker once none of its transaction's data is left; a marker
/// that may go still waits for its delete horizon (the caller's check).
/// </summary>
internal sealed class TransactionTracker
{
    private readonly List<AbortedTransaction> _aborted;
    private readonly Dictionary<long, bool> _ongoingAborted = [];
    private readonly HashSet<long> _ongoingCommitted = [];
    private int _next;

    /// <param name="aborted">Aborted transactions, sorted by first offset.</param>
    /// <param name="startOffset">Where the walk starts: transactions that ended before it are ignored.</param>
    public TransactionTracker(List<AbortedTransaction> aborted, long startOffset)
    {
        _aborted = aborted;
        while (_next < _aborted.Count && _aborted[_next].LastOffset < startOffset)
        {
            _next++;
        }
    }

    /// <summary>A data batch: true when it belongs to an aborted transaction (its records are discarded).</summary>
    public bool OnDataBatch(in RecordBatchHeader batch)
    {
        StartAbortedUpTo(batch.LastOffset);
        if (!batch.IsTransactional)
        {
            return false;
        }

        if (_ongoingAborted.ContainsKey(batch.ProducerId))
        {
            _ongoingAborted[batch.ProducerId] = true;
            return true;
        }

        _ongoingCommitted.Add(batch.ProducerId);
        return false;
    }

    /// <summary>
    /// A control batch whose first record has type <paramref name="type"/> (null when the batch is empty):
    /// true when the marker is no longer needed (it may go once its delete horizon has passed).
    /// </summary>
    public bool OnControlBatch(in RecordBatchHeader batch, ControlRecordType? type)
    {
        StartAbortedUpTo(batch.LastOffset);
        switch (type)
        {
            case null:
                // An empty control batch was emptied by an earlier cleaning: nothing depends on it.
                return true;
            case ControlRecordType.Abort:
                // Kept while this pass still found (and removed) data of the transaction.
                return !(_ongoingAborted.Remove(batch.ProducerId, out var sawData) && sawData);
            case ControlRecordType.Commit:
                return !_ongoingCommitted.Remove(batch.ProducerId);
            default:
                return false;
        }
    }

    private void StartAbortedUpTo(long offset)
    {
        while (_next < _aborted.Count && _aborted[_next].FirstOffset <= offset)
        {
            _ongoingAborted.TryAdd(_aborted[_next].ProducerId, false);
            _next++;
        }
    }
}
