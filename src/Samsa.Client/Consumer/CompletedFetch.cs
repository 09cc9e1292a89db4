using System.Buffers.Binary;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Client.Consumer;

/// <summary>A Fetch response frame shared by the partitions it carries; the frame returns to the pool when the last one is consumed.</summary>
internal sealed class SharedFetchResponse(ResponseLease<FetchResponse> lease, int references)
{
    private int _references = references;

    public FetchResponse Body => lease.Body;

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            lease.Dispose();
        }
    }
}

/// <summary>
/// One partition's record set from a Fetch response, read batch by batch as the application consumes: batches below
/// the position are skipped, control batches and (with read_committed) aborted transactions' batches are passed over.
/// </summary>
internal sealed class CompletedFetch(
    TopicPartition partition,
    int epoch,
    ReadOnlyMemory<byte> records,
    SharedFetchResponse response,
    List<FetchResponse.AbortedTransaction>? abortedTransactions)
{
    private readonly HashSet<long> _abortedProducers = [];
    private int _cursor;
    private int _abortedIndex;
    private RecordMark? _resume;
    private long _resumeGeneration;
    private bool _released;

    public TopicPartition Partition { get; } = partition;

    public int Epoch { get; } = epoch;

    public bool IsExhausted => _cursor >= records.Length;

    /// <summary>
    /// Hands up to <paramref name="max"/> records from <paramref name="position"/> on to <paramref name="handler"/>;
    /// returns how many, and advances <paramref name="position"/> past what was consumed or skipped.
    /// </summary>
    public int Read(IRecordHandler handler, int max, ref long position, RecordBatchReader reader, ConsumerConfig config)
    {
        var produced = 0;
        var bytes = records.Span;
        while (_cursor < bytes.Length && produced < max)
        {
            var rest = bytes[_cursor..];
            if (rest.Length < RecordBatchHeader.Size)
            {
                _cursor = bytes.Length; // a partial batch at the end of a fetch: fetched again next time
                break;
            }

            var total = BinaryPrimitives.ReadInt32BigEndian(rest[RecordBatchHeader.BatchLengthOffset..]) + RecordBatchHeader.LogOverhead;
            if (total < RecordBatchHeader.Size || total > rest.Length)
            {
                _cursor = bytes.Length;
                break;
            }

            var batch = rest[..total];
            var header = RecordBatchHeader.Read(batch);
            if (_resume is { } mark)
            {
                // The rest of a batch a previous call stopped in: checked already, and decoded only from the mark on.
                _resume = null;
                produced += ReadRecords(handler, max - produced, ref position, reader.Resume(batch, mark, _resumeGeneration), reader, header, total);
                continue;
            }

            if (header.NextOffset <= position)
            {
                _cursor += total;
                continue;
            }

            if (header.Magic != RecordBatchHeader.CurrentMagic)
            {
                throw new KafkaBrokerException(ErrorCode.CorruptMessage, $"record batch at offset {header.BaseOffset} has magic {header.Magic}; only v2 batches are supported", Partition.ToString());
            }

            if (config.CheckCrcs && !RecordBatchHeader.IsCrcValid(batch))
            {
                throw new KafkaBrokerException(ErrorCode.CorruptMessage, $"record batch at offset {header.BaseOffset} fails its CRC check", Partition.ToString());
            }

            if (config.IsolationLevel == IsolationLevel.ReadCommitted && SkipForReadCommitted(header, batch, reader))
            {
                _cursor += total;
                position = Math.Max(position, header.NextOffset);
                continue;
            }

            if (header.IsControl)
            {
                _cursor += total;
                position = Math.Max(position, header.NextOffset);
                continue;
            }

            produced += ReadRecords(handler, max - produced, ref position, reader.Read(batch), reader, header, total);
        }

        return produced;
    }

    /// <summary>
    /// Hands up to <paramref name="max"/> of the batch's records at or after <paramref name="position"/> to the handler.
    /// A batch left part-way keeps a mark, so the next call neither decompresses nor decodes its first records again.
    /// </summary>
    private int ReadRecords(IRecordHandler handler, int max, ref long position, RecordEnumerator records, RecordBatchReader reader, RecordBatchHeader header, int total)
    {
        var timestampType = header.IsLogAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime;
        var produced = 0;
        while (produced < max && records.MoveNext())
        {
            var record = records.Current;
            if (record.Offset < position)
            {
                continue;
            }

            handler.OnRecord(new ConsumedRecord(Partition.Topic, Partition.Partition, timestampType, header.PartitionLeaderEpoch, record));
            position = record.Offset + 1;
            produced++;
        }

        if (records.ReadCount < records.Count)
        {
            _resume = records.Mark;
            _resumeGeneration = reader.Generation;
            return produced;
        }

        // Compacted batches can end before their last offset; the next batch starts after it.
        _cursor += total;
        position = Math.Max(position, header.NextOffset);
        return produced;
    }

    public void Release()
    {
        if (!_released)
        {
            _released = true;
            response.Release();
        }
    }

    /// <summary>
    /// Kafka's read_committed rule: a transactional batch of a producer whose transaction (listed as aborted in the
    /// response) started at or before it is dropped until that producer's abort marker.
    /// </summary>
    private bool SkipForReadCommitted(RecordBatchHeader header, ReadOnlySpan<byte> batch, RecordBatchReader reader)
    {
        if (abortedTransactions is not null)
        {
            while (_abortedIndex < abortedTransactions.Count && abortedTransactions[_abortedIndex].FirstOffset <= header.LastOffset)
            {
                _abortedProducers.Add(abortedTransactions[_abortedIndex].ProducerId);
                _abortedIndex++;
            }
        }

        if (!header.IsTransactional)
        {
            return false;
        }

        if (header.IsControl)
        {
            foreach (var record in reader.Read(batch))
            {
                if (record.Key.Length >= 4 && BinaryPrimitives.ReadInt16BigEndian(record.Key.Span[2..]) == 0)
                {
                    _abortedProducers.Remove(header.ProducerId); // an abort marker ends the aborted range
                }

                break;
            }

            return true;
        }

        return _abortedProducers.Contains(header.ProducerId);
    }
}
