using Samsa.Protocol.Records;
using Samsa.Storage.Cleaning;
using static Samsa.Storage.Tests.Cleaning.KeyedRecords;

namespace Samsa.Storage.Tests.Cleaning;

/// <summary>Transactional data through the aborted-transaction seam, with a fake in place of the transaction index.</summary>
public sealed class TransactionCleaningTests : IDisposable
{
    private readonly FakeTransactions _transactions = new();
    private readonly CleanerFixture _fixture;

    public TransactionCleaningTests() => _fixture = new CleanerFixture(transactions: _transactions);

    private long Now => _fixture.Time.NowMs;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Aborted_data_goes_and_markers_go_once_their_data_is_gone_and_the_horizon_passed()
    {
        var log = _fixture.Log("txn", CleanerFixture.Compacted() with { DeleteRetentionMs = 5_000 });
        CleanerFixture.Append(log, Put(Now, "a", "committed-early"));                                             // 0
        var aborted = CleanerFixture.Append(log, Batch(Now, [("a", "aborted"), ("b", "aborted")], producerId: 7, producerEpoch: 0, baseSequence: 0, transactional: true)); // 1-2
        CleanerFixture.Append(log, Batch(Now, [("c", "committed")], producerId: 8, producerEpoch: 0, baseSequence: 0, transactional: true)); // 3
        var abortMarker = CleanerFixture.Append(log, Marker(Now, ControlRecordType.Abort, 7, 0));                // 4
        var commitMarker = CleanerFixture.Append(log, Marker(Now, ControlRecordType.Commit, 8, 0));              // 5
        CleanerFixture.Append(log, Batch(Now, [("d", "p7-later")], producerId: 7, producerEpoch: 0, baseSequence: 2, transactional: true)); // 6
        CleanerFixture.Append(log, Marker(Now, ControlRecordType.Commit, 7, 0));                                   // 7
        CleanerFixture.Append(log, Put(Now, "c", "newer"));                                                        // 8
        _transactions.Aborted.Add(new AbortedTransaction(7, aborted.FirstOffset, abortMarker.FirstOffset));
        RollWith(log);

        // An open transaction from offset 1 stops the cleaner there.
        _transactions.FirstUnstable = 1;
        _fixture.Manager.Cleaner.CleanNow(log);
        Assert.Contains(Records(log), r => r.Value == "aborted");

        // Pass 1: aborted data goes, and the committed value of "a" before it is the latest; both markers stay.
        _transactions.FirstUnstable = long.MaxValue;
        Assert.NotNull(_fixture.Manager.Cleaner.CleanNow(log));
        Assert.DoesNotContain(Records(log), r => r.Value == "aborted");
        Assert.Equal("committed-early", Latest(log)["a"].Value);
        Assert.Contains(Batches(log), b => b.Header.BaseOffset == abortMarker.FirstOffset && b.Header.RecordsCount == 1);
        Assert.Contains(Batches(log), b => b.Header.BaseOffset == commitMarker.FirstOffset && b.Header.RecordsCount == 1);

        // Pass 2: no data of either transaction is left; the markers get their delete horizon.
        _fixture.Manager.Cleaner.CleanNow(log);
        var markers = Batches(log).Where(b => b.Header.IsControl && b.Header.BaseOffset <= commitMarker.FirstOffset).ToList();
        Assert.Equal(2, markers.Count);
        Assert.All(markers, m => Assert.True(m.Header.HasDeleteHorizon && m.Header.BaseTimestamp == Now + 5_000));

        // Pass 3, past the horizon: the abort marker goes; the commit marker, producer 8's last batch, stays empty.
        _fixture.Time.Advance(5_001);
        _fixture.Manager.Cleaner.CleanNow(log);
        var batches = Batches(log);
        Assert.DoesNotContain(batches, b => b.Header.BaseOffset == abortMarker.FirstOffset);
        var emptied = Assert.Single(batches, b => b.Header.BaseOffset == commitMarker.FirstOffset).Header;
        Assert.Equal((0, true, 8L), (emptied.RecordsCount, emptied.IsControl, emptied.ProducerId));
        Assert.Equal(commitMarker.LastOffset, emptied.LastOffset);

        var latest = Latest(log);
        Assert.Equal(("committed-early", "newer", "p7-later"), (latest["a"].Value, latest["c"].Value, latest["d"].Value));
        Assert.False(latest.ContainsKey("b"));
    }

    private void RollWith(PartitionLog log)
    {
        var segments = log.SegmentCount;
        for (var i = 0; log.SegmentCount == segments && i < 1000; i++)
        {
            CleanerFixture.Append(log, Put(Now, "filler", $"f{i}"));
        }
    }

    private sealed class FakeTransactions : IAbortedTransactionSource
    {
        public List<AbortedTransaction> Aborted { get; } = [];

        public long FirstUnstable { get; set; } = long.MaxValue;

        public void CollectAbortedTransactions(PartitionLog log, long startOffset, long upperOffset, List<AbortedTransaction> result)
        {
            foreach (var transaction in Aborted)
            {
                if (transaction.LastOffset >= startOffset && transaction.FirstOffset < upperOffset)
                {
                    result.Add(transaction);
                }
            }
        }

        public long FirstUnstableOffset(PartitionLog log) => FirstUnstable;
    }
}
