namespace Samsa.Cli.ProduceConsume;

/// <summary>Where consume starts, how long it runs, how records print.</summary>
internal sealed record ConsumeSettings(
    string Topic,
    string? Group,
    int? Partition,
    bool FromBeginning,
    string? Offset,
    string? FromTimestamp,
    long? MaxMessages,
    int? TimeoutMs,
    RecordTemplate Template);
