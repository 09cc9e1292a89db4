using System.Buffers;
using System.Runtime.InteropServices;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Metadata;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Hashing;
using Samsa.Protocol.Records;

namespace Samsa.Client.Producer;

/// <summary>
/// Sends records to any Kafka-protocol broker. Records are batched per partition (<c>batch.size</c>, <c>linger.ms</c>,
/// <c>compression.type</c>) and sent by a background sender, pipelined per broker. Partitioning is Kafka's default:
/// murmur2 of the key for keyed records, sticky partitions for the rest (KIP-480). Not yet: idempotence, transactions.
/// </summary>
/// <remarks>
/// The key, value and header bytes are copied into the batch before <see cref="ProduceAsync"/> or <see cref="Produce"/>
/// returns its (value) task, unless the producer had to wait for metadata or buffer space: then keep them unchanged until
/// the returned task completes.
/// </remarks>
public sealed class KafkaProducer : IAsyncDisposable
{
    private readonly ProducerConfig _config;
    private readonly ConnectionPool _pool;
    private readonly MetadataManager _metadata;
    private readonly MemoryBudget _memory;
    private readonly RecordAccumulator _accumulator;
    private readonly ProducerSender _sender;
    private readonly Lock _appendOrder = new();
    private Task _lastWaitingAppend = Task.CompletedTask;
    private int _waitingAppends;
    private int _disposed;
    private TopicLookup? _lastTopic;

    public KafkaProducer(ProducerConfig config)
    {
        config.Validate();
        _config = config;
        _pool = new ConnectionPool(config);
        _metadata = new MetadataManager(_pool, config, config.AllowAutoCreateTopics);
        _memory = new MemoryBudget(config.BufferMemory);
        var options = new RecordBatchOptions { Compression = config.CompressionType, CompressionLevel = config.CompressionLevel };
        ProducerSender? sender = null;
        _accumulator = new RecordAccumulator(Math.Max(1, config.BatchSize), options, () => sender!.Wake());
        sender = new ProducerSender(config, _accumulator, _metadata, _pool, _memory);
        _sender = sender;
    }

    /// <summary>The cluster as this producer last saw it.</summary>
    public ClusterMetadata Metadata => _metadata.Current;

    /// <summary>
    /// Sends one record and completes with where it landed. <paramref name="key"/> and <paramref name="value"/> null
    /// are Kafka's null; <paramref name="partition"/> null lets the partitioner choose; <paramref name="timestamp"/> null
    /// is now (CreateTime, Unix milliseconds).
    /// </summary>
    public ValueTask<DeliveryResult> ProduceAsync(
        string topic,
        byte[]? key,
        byte[]? value,
        IReadOnlyList<RecordHeader>? headers = null,
        int? partition = null,
        long? timestamp = null,
        CancellationToken ct = default)
    {
        var promise = DeliveryPromise.Rent();
        var task = promise.Task;
        var append = Append(topic, AsMemory(key), AsMemory(value), headers, partition, timestamp, promise, ct);
        if (append.IsCompletedSuccessfully)
        {
            return task;
        }

        return AwaitAppendThenDelivery(append, task);
    }

    /// <summary>
    /// Sends one record without a task per record: the result goes to <paramref name="handler"/> (or nowhere). The
    /// returned task completes once the record is in a batch, at once unless metadata or buffer space is awaited.
    /// </summary>
    public ValueTask Produce(
        string topic,
        byte[]? key,
        byte[]? value,
        IReadOnlyList<RecordHeader>? headers = null,
        int? partition = null,
        long? timestamp = null,
        IDeliveryHandler? handler = null,
        CancellationToken ct = default) =>
        Append(topic, AsMemory(key), AsMemory(value), headers, partition, timestamp, handler, ct);

    /// <summary>Like <c>Produce</c> for bytes that are part of a larger buffer; null is Kafka's null.</summary>
    public ValueTask ProduceFromMemory(
        string topic,
        ReadOnlyMemory<byte>? key,
        ReadOnlyMemory<byte>? value,
        IReadOnlyList<RecordHeader>? headers,
        int? partition,
        long? timestamp,
        IDeliveryHandler? handler,
        CancellationToken ct = default) =>
        Append(topic, key, value, headers, partition, timestamp, handler, ct);

    /// <summary>Sends every record appended so far without waiting for linger.ms, and waits until all have a result.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        _sender.BeginFlush();
        try
        {
            await Task.WhenAll(_accumulator.IncompleteTasks()).WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _sender.EndFlush();
        }
    }

    /// <summary>The number of partitions of <paramref name="topic"/>, from metadata (fetched if needed).</summary>
    public async Task<int> GetPartitionCountAsync(string topic, CancellationToken ct = default) =>
        (await _metadata.GetTopicAsync(topic, _config.MaxBlockMs, ct).ConfigureAwait(false)).Partitions.Count;

    /// <summary>Flushes (bounded by delivery.timeout.ms), then closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_config.DeliveryTimeoutMs);
            await FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Records still unsent fail when the sender stops.
        }

        await _sender.DisposeAsync().ConfigureAwait(false);
        _accumulator.DisposePool();
        await _pool.DisposeAsync().ConfigureAwait(false);
        _metadata.Dispose();
    }

    private static ReadOnlyMemory<byte>? AsMemory(byte[]? bytes) => bytes is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(bytes);

    private static async ValueTask<DeliveryResult> AwaitAppendThenDelivery(ValueTask append, ValueTask<DeliveryResult> delivery)
    {
        await append.ConfigureAwait(false);
        return await delivery.ConfigureAwait(false);
    }

    private ValueTask Append(
        string topic,
        ReadOnlyMemory<byte>? key,
        ReadOnlyMemory<byte>? value,
        IReadOnlyList<RecordHeader>? headers,
        int? partition,
        long? timestamp,
        object? listener,
        CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var size = RecordSize(key, value, headers);
        if (size > _config.MaxRequestSize)
        {
            var error = new KafkaBrokerException(
                ErrorCode.MessageTooLarge,
                $"the record is {size} bytes when serialized, more than max.request.size ({_config.MaxRequestSize})",
                topic);
            return Reject(listener, topic, error);
        }

        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (Volatile.Read(ref _waitingAppends) == 0 && Lookup(topic) is { } lookup && _memory.TryReserve(size))
        {
            try
            {
                AppendToPartition(topic, lookup.Metadata, lookup.State, key, value, headers, partition, ts, listener, size);
                return ValueTask.CompletedTask;
            }
            catch
            {
                _memory.Release(size);
                throw;
            }
        }

        return AppendSlowAsync(topic, key, value, headers, partition, ts, listener, size, ct);
    }

    private async ValueTask AppendSlowAsync(
        string topic,
        ReadOnlyMemory<byte>? key,
        ReadOnlyMemory<byte>? value,
        IReadOnlyList<RecordHeader>? headers,
        int? partition,
        long timestamp,
        object? listener,
        int size,
        CancellationToken ct)
    {
        // Records keep the order of the calls: an append that has to wait makes every later one wait behind it.
        Task previous;
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_appendOrder)
        {
            previous = _lastWaitingAppend;
            _lastWaitingAppend = mine.Task;
            _waitingAppends++;
        }

        var start = DateTime.UtcNow;
        try
        {
            var metadata = await _metadata.GetTopicAsync(topic, _config.MaxBlockMs, ct).ConfigureAwait(false);
            await previous.ConfigureAwait(false);
            while (!_memory.TryReserve(size))
            {
                var left = TimeSpan.FromMilliseconds(_config.MaxBlockMs) - (DateTime.UtcNow - start);
                if (left <= TimeSpan.Zero)
                {
                    throw new KafkaTimeoutException(
                        $"no buffer space for the record within max.block.ms ({_config.MaxBlockMs} ms): buffer.memory ({_config.BufferMemory} bytes) is full");
                }

                try
                {
                    await _memory.WaitForReleaseAsync().WaitAsync(TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, 50)), ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Check again: a release may have come between the failed reserve and the wait.
                }
            }

            try
            {
                AppendToPartition(topic, metadata, _accumulator.GetTopic(topic, metadata.Partitions.Count), key, value, headers, partition, timestamp, listener, size);
            }
            catch
            {
                _memory.Release(size);
                throw;
            }
        }
        catch (KafkaClientException e)
        {
            await Reject(listener, topic, e).ConfigureAwait(false);
        }
        finally
        {
            lock (_appendOrder)
            {
                _waitingAppends--;
            }

            mine.TrySetResult();
        }
    }

    private static ValueTask Reject(object? listener, string topic, KafkaClientException error)
    {
        switch (listener)
        {
            case DeliveryPromise promise:
                promise.Fail(error);
                return ValueTask.CompletedTask;
            case IDeliveryHandler handler:
                handler.OnDelivery(new DeliveryResult(topic, -1, -1, -1), error);
                return ValueTask.CompletedTask;
            default:
                return ValueTask.FromException(error);
        }
    }

    /// <summary>
    /// The topic's metadata and partition queues when it can take records now, else null. The last answer is kept
    /// with the metadata snapshot it came from, so a run of records to one topic skips both lookups by name.
    /// </summary>
    private TopicLookup? Lookup(string topic)
    {
        var cluster = _metadata.Current;
        var last = Volatile.Read(ref _lastTopic);
        if (last is not null && ReferenceEquals(last.Cluster, cluster) && string.Equals(last.Name, topic, StringComparison.Ordinal))
        {
            return last;
        }

        if (cluster.GetTopic(topic) is not { Error: ErrorCode.None, Partitions.Count: > 0 } metadata)
        {
            return null;
        }

        var lookup = new TopicLookup(topic, cluster, metadata, _accumulator.GetTopic(topic, metadata.Partitions.Count));
        Volatile.Write(ref _lastTopic, lookup);
        return lookup;
    }

    private void AppendToPartition(
        string topic,
        TopicMetadata metadata,
        TopicState state,
        ReadOnlyMemory<byte>? key,
        ReadOnlyMemory<byte>? value,
        IReadOnlyList<RecordHeader>? headers,
        int? partition,
        long timestamp,
        object? listener,
        int size)
    {
        var count = metadata.Partitions.Count;
        var keyBytes = key.HasValue ? NullableBytes.FromReadOnlySpan(key.Value.Span) : NullableBytes.Null;
        var valueBytes = value.HasValue ? NullableBytes.FromReadOnlySpan(value.Value.Span) : NullableBytes.Null;
        RecordHeader[]? rented = null;
        var headerSpan = HeaderSpan(headers, ref rented);
        try
        {
            if (partition is { } explicitPartition)
            {
                if (explicitPartition < 0 || explicitPartition >= count)
                {
                    throw new KafkaBrokerException(
                        ErrorCode.UnknownTopicOrPartition, $"partition {explicitPartition} is not in 0..{count - 1}", topic);
                }

                _accumulator.TryAppend(state.Partitions[explicitPartition], timestamp, keyBytes, valueBytes, headerSpan, listener, size, abortOnNewBatch: false);
                return;
            }

            if (key.HasValue && !_config.PartitionerIgnoreKeys)
            {
                var p = Murmur2.Partition(key.Value.Span, count);
                _accumulator.TryAppend(state.Partitions[p], timestamp, keyBytes, valueBytes, headerSpan, listener, size, abortOnNewBatch: false);
                return;
            }

            var sticky = StickyPartitioner.Current(state, metadata);
            if (!_accumulator.TryAppend(state.Partitions[sticky], timestamp, keyBytes, valueBytes, headerSpan, listener, size, abortOnNewBatch: true))
            {
                sticky = StickyPartitioner.OnNewBatch(state, metadata, sticky);
                _accumulator.TryAppend(state.Partitions[sticky], timestamp, keyBytes, valueBytes, headerSpan, listener, size, abortOnNewBatch: false);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<RecordHeader>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    private static ReadOnlySpan<RecordHeader> HeaderSpan(IReadOnlyList<RecordHeader>? headers, ref RecordHeader[]? rented)
    {
        switch (headers)
        {
            case null:
                return [];
            case RecordHeader[] array:
                return array;
            case List<RecordHeader> list:
                return CollectionsMarshal.AsSpan(list);
            default:
                rented = ArrayPool<RecordHeader>.Shared.Rent(headers.Count);
                for (var i = 0; i < headers.Count; i++)
                {
                    rented[i] = headers[i];
                }

                return rented.AsSpan(0, headers.Count);
        }
    }

    /// <summary>An upper bound of the record's encoded size (varint lengths at their widest).</summary>
    private static int RecordSize(ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, IReadOnlyList<RecordHeader>? headers)
    {
        var size = 5 + 1 + 10 + 5 + 5 + (key?.Length ?? 0) + 5 + (value?.Length ?? 0) + 5;
        if (headers is not null)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                size += 10 + headers[i].Key.Length + headers[i].Value.Length;
            }
        }

        return size;
    }

    private sealed record TopicLookup(string Name, ClusterMetadata Cluster, TopicMetadata Metadata, TopicState State);
}
