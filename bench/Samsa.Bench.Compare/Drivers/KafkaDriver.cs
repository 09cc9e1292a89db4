using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Drivers;

/// <summary>
/// Any Kafka-compatible broker (Samsa, Kafka, Redpanda) through librdkafka (Confluent.Kafka).
/// Throughput runs batch with linger.ms and batch.size; latency runs use linger.ms=0.
/// </summary>
internal sealed class KafkaDriver(string bootstrap, int lingerMs, int window, bool createTopics = true, int batchBytes = 1_000_000) : IStreamDriver
{
    private IAdminClient? _admin;

    public DriverDescription Description { get; } = new(
        "kafka",
        $"{ClientVersion.Of("Confluent.Kafka", typeof(IProducer<,>))} (librdkafka {Library.VersionString})",
        "Kafka wire protocol",
        "set by the broker: acks=1 waits for the leader's append, acks=all for the in-sync replicas (one replica here); "
            + "Kafka's default is the page cache with the OS flushing in the background (no per-write fsync)",
        $"librdkafka batching: linger.ms={lingerMs} (latency runs 0), batch.size={batchBytes}, compression none, "
            + $"idempotence off, at most {window} records unacknowledged, partitions round-robin",
        "assign() to every partition from the earliest offset, no group join, no offset commits, librdkafka fetch defaults, value only (consume.result.fields=none)");

    public Task ConnectAsync(CancellationToken ct)
    {
        _admin = new AdminClientBuilder(new AdminClientConfig
        {
            BootstrapServers = bootstrap,
            SocketTimeoutMs = 10_000,
            LogConnectionClose = false,
        }).SetLogHandler(static (_, _) => { }).Build();

        // librdkafka connects lazily; a metadata request proves a broker answers.
        var admin = _admin;
        return Task.Run(
            () =>
            {
                try
                {
                    admin.GetMetadata(TimeSpan.FromSeconds(10));
                }
                catch (KafkaException e)
                {
                    throw new InvalidOperationException($"no Kafka-protocol broker answered a metadata request at {bootstrap} within 10 s (librdkafka: {e.Error.Reason})", e);
                }
            },
            ct);
    }

    public async Task CreateStreamAsync(StreamTarget target, CancellationToken ct)
    {
        if (!createTopics)
        {
            // librdkafka's mock cluster has no controller for CreateTopics; the first produce auto-creates the topic.
            return;
        }

        var admin = _admin ?? throw new InvalidOperationException("not connected");
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = target.Name, NumPartitions = target.Partitions, ReplicationFactor = 1 }],
            new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(15), OperationTimeout = TimeSpan.FromSeconds(15) });

        // Wait until every partition has a leader, so the first produce does not race topic creation.
        while (!ct.IsCancellationRequested)
        {
            var topic = admin.GetMetadata(target.Name, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault();
            if (topic is { Error.IsError: false } && topic.Partitions.Count == target.Partitions && topic.Partitions.All(p => p.Leader >= 0))
            {
                return;
            }

            await Task.Delay(100, ct);
        }

        ct.ThrowIfCancellationRequested();
    }

    public Task DeleteStreamAsync(StreamTarget target, CancellationToken ct) => createTopics
        ? (_admin ?? throw new InvalidOperationException("not connected"))
            .DeleteTopicsAsync([target.Name], new DeleteTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(15) })
        : Task.CompletedTask;

    public Task<IRecordProducer> OpenProducerAsync(StreamTarget target, RunMode mode, AckWindow acks, CancellationToken ct)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = target.Acks == "all" ? Acks.All : Acks.Leader,
            LingerMs = mode == RunMode.Latency ? 0 : lingerMs,
            BatchSize = batchBytes,
            MessageMaxBytes = Math.Max(1_000_000, batchBytes),
            CompressionType = CompressionType.None,
            EnableIdempotence = false,
            QueueBufferingMaxMessages = Math.Max(100_000, window * 2),
            MessageTimeoutMs = 30_000,
            DeliveryReportFields = "status",
        };
        IRecordProducer producer = new KafkaProducer(config, target, acks);
        return Task.FromResult(producer);
    }

    public Task<IRecordConsumer> OpenConsumerAsync(StreamTarget target, RunMode mode, CancellationToken ct)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"bench-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,

            // Only the value is read: skip marshalling the topic name, timestamp and headers of every record.
            ConsumeResultFields = "none",
        };
        IRecordConsumer consumer = new KafkaConsumer(config, target);
        return Task.FromResult(consumer);
    }

    public ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class KafkaProducer : IRecordProducer
    {
        private readonly IProducer<Null, byte[]> _producer;
        private readonly TopicPartition[] _partitions;
        private readonly Action<DeliveryReport<Null, byte[]>> _onDelivery;

        public KafkaProducer(ProducerConfig config, StreamTarget target, AckWindow acks)
        {
            _producer = new ProducerBuilder<Null, byte[]>(config).SetLogHandler(static (_, _) => { }).Build();
            _partitions = [.. Enumerable.Range(0, target.Partitions).Select(p => new TopicPartition(target.Name, p))];
            _onDelivery = report => acks.Complete(report.Error.IsError ? new KafkaException(report.Error) : null);
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> record, int partition, CancellationToken ct)
        {
            _producer.Produce(_partitions[partition], new Message<Null, byte[]> { Value = Bytes.Of(record) }, _onDelivery);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _producer.Flush(TimeSpan.FromSeconds(10));
            _producer.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class KafkaConsumer(ConsumerConfig config, StreamTarget target) : IRecordConsumer
    {
        private readonly SinkDeserializer _deserializer = new();
        private IConsumer<Ignore, bool>? _consumer;

        public Task ConsumeAsync(IRecordSink sink, CancellationToken ct)
        {
            _deserializer.Sink = sink;
            _consumer = new ConsumerBuilder<Ignore, bool>(config)
                .SetValueDeserializer(_deserializer)
                .SetLogHandler(static (_, _) => { })
                .SetErrorHandler(static (_, _) => { })
                .Build();
            // librdkafka resolves Offset.Beginning only once it knows the partition's leader; assigned before its
            // metadata arrives, the partition waits for a ~500 ms offset-query timer (seen with debug=fetch: "no current
            // leader for partition"), a fixed client-side pause that is not the broker's. Learning the topic first avoids it.
            using (var admin = new DependentAdminClientBuilder(_consumer.Handle).Build())
            {
                admin.GetMetadata(target.Name, TimeSpan.FromSeconds(10));
            }

            _consumer.Assign(Enumerable.Range(0, target.Partitions).Select(p => new TopicPartitionOffset(target.Name, p, Offset.Beginning)));
            var consumer = _consumer;

            // Consume() blocks, so the poll loop gets its own thread.
            return Task.Factory.StartNew(
                () =>
                {
                    while (!ct.IsCancellationRequested)
                    {
                        var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                        if (result is { Message.Value: true })
                        {
                            return;
                        }
                    }
                },
                ct,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        public ValueTask DisposeAsync()
        {
            _consumer?.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Hands the value bytes to the sink where librdkafka holds them, so nothing is copied.</summary>
    private sealed class SinkDeserializer : IDeserializer<bool>
    {
        public IRecordSink? Sink { get; set; }

        public bool Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => Sink!.OnRecord(data);
    }
}
