using Samsa.Client.Errors;

namespace Samsa.Client.Producer;

/// <summary>Where a produced record landed: its partition, offset and timestamp (the broker's for LogAppendTime topics).</summary>
public readonly record struct DeliveryResult(string Topic, int Partition, long Offset, long Timestamp)
{
    /// <summary>
    /// When the client handled the broker's answer, on the <see cref="System.Diagnostics.Stopwatch"/> clock (0 when no
    /// answer came). Read once per batch, so a load tool can time every record without reading the clock per record.
    /// </summary>
    public long AnsweredAt { get; init; }
}

/// <summary>
/// Receives delivery results of records sent with <see cref="KafkaProducer.Produce"/>. One handler serves many records,
/// so nothing is allocated per record. Called on a thread-pool thread that also completes other deliveries: keep it short.
/// </summary>
public interface IDeliveryHandler
{
    /// <summary><paramref name="error"/> is null when the record was written.</summary>
    void OnDelivery(in DeliveryResult result, KafkaClientException? error);
}
