using Samsa.Client.Errors;

namespace Samsa.Client.Producer;

/// <summary>Where a produced record landed: its partition, offset and timestamp (the broker's for LogAppendTime topics).</summary>
public readonly record struct DeliveryResult(string Topic, int Partition, long Offset, long Timestamp);

/// <summary>
/// Receives delivery results of records sent with <see cref="KafkaProducer.Produce"/>. One handler serves many records,
/// so nothing is allocated per record. Called on a thread-pool thread that also completes other deliveries: keep it short.
/// </summary>
public interface IDeliveryHandler
{
    /// <summary><paramref name="error"/> is null when the record was written.</summary>
    void OnDelivery(in DeliveryResult result, KafkaClientException? error);
}
