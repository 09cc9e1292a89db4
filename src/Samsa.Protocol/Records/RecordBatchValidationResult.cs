using Samsa.Protocol.Errors;

namespace Samsa.Protocol.Records;

/// <summary>The outcome of <see cref="RecordBatchValidator"/>: an error code (NONE when valid) and what was learnt.</summary>
public readonly record struct RecordBatchValidationResult
{
    public ErrorCode Error { get; init; }

    /// <summary>Why the batch was refused; null when valid.</summary>
    public string? Message { get; init; }

    /// <summary>For an error in one record, its index in the batch (Kafka's per-record error); otherwise -1.</summary>
    public int RecordIndex { get; init; }

    /// <summary>Bytes of the record set that form the validated batch (a trailing fragment is not counted).</summary>
    public int BatchSize { get; init; }

    /// <summary>Whether the records were decoded, which the fields below depend on.</summary>
    public bool RecordsDecoded { get; init; }

    /// <summary>Highest record timestamp found when decoding, else the header's max timestamp.</summary>
    public long MaxTimestamp { get; init; }

    /// <summary>When decoded: whether the offset deltas were 0, 1, 2, ...</summary>
    public bool HasSequentialOffsets { get; init; }

    public bool IsValid => Error == ErrorCode.None;

    internal static RecordBatchValidationResult Fail(ErrorCode error, string message, int recordIndex = -1) =>
        new() { Error = error, Message = message, RecordIndex = recordIndex };
}
