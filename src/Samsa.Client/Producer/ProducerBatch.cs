using System.Diagnostics;
using Samsa.Client.Errors;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Client.Producer;

/// <summary>
/// The records gathered for one partition and sent as one v2 record batch. Records are encoded into the builder's
/// pooled buffer as they are appended; sealing compresses them once into <see cref="Records"/>, which the Produce
/// request references without copying. Each record keeps its timestamp and who to tell about its delivery (a pooled
/// promise, a handler, or nobody). Batches are reused after completion.
/// </summary>
internal sealed class ProducerBatch : IDisposable
{
    private readonly RecordBatchBuilder _builder = new();
    private readonly List<object?> _listeners = [];
    private readonly List<long> _timestamps = [];
    private MemoryRecords? _records;

    public PartitionQueue Partition { get; private set; } = null!;

    public int Count => _builder.Count;

    /// <summary>Bytes reserved from the memory budget for this batch's records.</summary>
    public long ReservedBytes { get; private set; }

    public long CreatedAt { get; private set; }

    public int Attempts { get; set; }

    /// <summary>Why the last attempt failed, for the message when the batch finally expires.</summary>
    public KafkaClientException? LastError { get; set; }

    /// <summary>Stopwatch timestamp before which a retry must not be sent.</summary>
    public long RetryAt { get; set; }

    public bool IsSealed => _records is not null;

    /// <summary>Size the batch would have uncompressed; what <c>batch.size</c> is compared with.</summary>
    public int EstimatedSize => _builder.UncompressedSize;

    /// <summary>The finished batch bytes (after <see cref="Seal"/>).</summary>
    public MemoryRecords Records => _records ?? throw new InvalidOperationException("batch not sealed");

    public TaskCompletionSource Done { get; private set; } = new();

    public void Start(PartitionQueue partition, RecordBatchOptions options)
    {
        Partition = partition;
        _builder.Reset(options);
        _listeners.Clear();
        _timestamps.Clear();
        _records = null;
        ReservedBytes = 0;
        Attempts = 0;
        LastError = null;
        RetryAt = 0;
        CreatedAt = Stopwatch.GetTimestamp();
        Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Append(long timestamp, NullableBytes key, NullableBytes value, ReadOnlySpan<RecordHeader> headers, object? listener, long reservedBytes)
    {
        _builder.Append(timestamp, key, value, headers);
        _listeners.Add(listener);
        _timestamps.Add(timestamp);
        ReservedBytes += reservedBytes;
    }

    /// <summary>Compresses and frames the records; the batch is then ready to send and takes no more records.</summary>
    public void Seal()
    {
        if (_records is not null)
        {
            return;
        }

        _records = new MemoryRecords(_builder.Finish());
    }

    public void Succeed(long baseOffset, long logAppendTime)
    {
        var topic = Partition.Topic;
        var partition = Partition.PartitionId;
        var answeredAt = Stopwatch.GetTimestamp();
        for (var i = 0; i < _listeners.Count; i++)
        {
            var result = new DeliveryResult(topic, partition, baseOffset < 0 ? -1 : baseOffset + i, logAppendTime >= 0 ? logAppendTime : _timestamps[i])
            {
                AnsweredAt = answeredAt,
            };
            switch (_listeners[i])
            {
                case DeliveryPromise promise:
                    promise.Succeed(result);
                    break;
                case IDeliveryHandler handler:
                    Notify(handler, result, null);
                    break;
                default:
                    break;
            }
        }

        Done.TrySetResult();
    }

    public void Fail(KafkaClientException error)
    {
        var topic = Partition.Topic;
        var partition = Partition.PartitionId;
        for (var i = 0; i < _listeners.Count; i++)
        {
            switch (_listeners[i])
            {
                case DeliveryPromise promise:
                    promise.Fail(error);
                    break;
                case IDeliveryHandler handler:
                    Notify(handler, new DeliveryResult(topic, partition, -1, _timestamps[i]), error);
                    break;
                default:
                    break;
            }
        }

        Done.TrySetResult();
    }

    public void Dispose()
    {
        _builder.Dispose();
    }

    private static void Notify(IDeliveryHandler handler, in DeliveryResult result, KafkaClientException? error)
    {
        try
        {
            handler.OnDelivery(result, error);
        }
        catch (Exception)
        {
            // A handler's failure must not stop the other records' results.
        }
    }
}
