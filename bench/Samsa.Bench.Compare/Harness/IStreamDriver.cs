namespace Samsa.Bench.Compare.Harness;

/// <summary>
/// One system under test, reached through its own maintained .NET client. Every system is driven
/// through this interface by the same loops (<see cref="ThroughputRunner"/>, <see cref="LatencyRunner"/>),
/// so record sizes, windows, deadlines and timing points are identical across systems.
/// </summary>
internal interface IStreamDriver : IAsyncDisposable
{
    /// <summary>Client, durability and batching as the report states them.</summary>
    DriverDescription Description { get; }

    /// <summary>Connects to the system; throws with a clear message when nothing answers.</summary>
    Task ConnectAsync(CancellationToken ct);

    /// <summary>Creates an empty stream (topic, stream, queue, subscription) for one run.</summary>
    Task CreateStreamAsync(StreamTarget target, CancellationToken ct);

    /// <summary>Removes what <see cref="CreateStreamAsync"/> made, so runs do not accumulate data.</summary>
    Task DeleteStreamAsync(StreamTarget target, CancellationToken ct);

    /// <summary>Opens a producer whose acknowledgements are reported to <paramref name="acks"/>.</summary>
    Task<IRecordProducer> OpenProducerAsync(StreamTarget target, RunMode mode, AckWindow acks, CancellationToken ct);

    /// <summary>Opens a consumer positioned at the start of the stream.</summary>
    Task<IRecordConsumer> OpenConsumerAsync(StreamTarget target, RunMode mode, CancellationToken ct);
}

/// <summary>
/// The stream one run writes and reads (a Kafka topic, a Redis key, a JetStream stream, a queue), and
/// for Kafka-protocol systems the producer acks setting ("1" or "all"; others always wait for their
/// own durable acknowledgement and get "confirm").
/// </summary>
internal sealed record StreamTarget(string Name, int Partitions, string Acks);

/// <summary>Throughput runs batch as the client allows; latency runs send each record as soon as it is due.</summary>
internal enum RunMode
{
    Throughput,
    Latency,
}

internal interface IRecordProducer : IAsyncDisposable
{
    /// <summary>
    /// Hands one record to the client. The driver reports the system's acknowledgement (or failure) to
    /// the <see cref="AckWindow"/> it was opened with; the caller has already taken a window slot.
    /// </summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> record, int partition, CancellationToken ct);
}

internal interface IRecordConsumer : IAsyncDisposable
{
    /// <summary>
    /// Reads records from the start of the stream, handing each payload to <paramref name="sink"/>, until
    /// the sink says it has all it wants or <paramref name="ct"/> is cancelled (the run's deadline).
    /// </summary>
    Task ConsumeAsync(IRecordSink sink, CancellationToken ct);
}

internal interface IRecordSink
{
    /// <summary>Takes one received payload; returns true once no more records are wanted.</summary>
    bool OnRecord(ReadOnlySpan<byte> payload);

    /// <summary>Completes when the sink has received every record it expects.</summary>
    Task Completion { get; }
}

/// <summary>What the report says about a driver, side by side with the other systems.</summary>
internal sealed record DriverDescription(
    string System,
    string Client,
    string Protocol,
    string Durability,
    string ProducerBatching,
    string ConsumerModel);
