using Samsa.Protocol.Records;

namespace Samsa.Client.Consumer;

/// <summary>A consumed record, copied out of the fetch buffers (allocates; see <see cref="IRecordHandler"/> for the copy-free path).</summary>
public sealed record ConsumerRecord(
    string Topic,
    int Partition,
    long Offset,
    long Timestamp,
    TimestampType TimestampType,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<KeyValuePair<string, byte[]?>> Headers,
    int LeaderEpoch);

/// <summary>A consumed record as views into the fetched bytes: valid only during <see cref="IRecordHandler.OnRecord"/>.</summary>
public readonly ref struct ConsumedRecord
{
    internal ConsumedRecord(string topic, int partition, TimestampType timestampType, int leaderEpoch, RecordView record)
    {
        Topic = topic;
        Partition = partition;
        TimestampType = timestampType;
        LeaderEpoch = leaderEpoch;
        Record = record;
    }

    public string Topic { get; }

    public int Partition { get; }

    public TimestampType TimestampType { get; }

    public int LeaderEpoch { get; }

    /// <summary>Offset, timestamp, key, value and headers, as spans into the fetch response or the decompression buffer.</summary>
    public RecordView Record { get; }

    public long Offset => Record.Offset;

    public long Timestamp => Record.Timestamp;

    public NullableBytes Key => Record.Key;

    public NullableBytes Value => Record.Value;

    public RecordHeaders Headers => Record.Headers;

    public ConsumerRecord ToConsumerRecord()
    {
        var headers = new List<KeyValuePair<string, byte[]?>>(Record.Headers.Count);
        foreach (var header in Record.Headers)
        {
            headers.Add(new(header.GetKeyString(), header.Value.ToArray()));
        }

        return new ConsumerRecord(Topic, Partition, Offset, Timestamp, TimestampType, Key.ToArray(), Value.ToArray(), headers, LeaderEpoch);
    }
}

/// <summary>Receives consumed records without copying them (the fast path of <see cref="KafkaConsumer.ConsumeAsync(IRecordHandler, TimeSpan, CancellationToken)"/>).</summary>
public interface IRecordHandler
{
    void OnRecord(in ConsumedRecord record);
}
