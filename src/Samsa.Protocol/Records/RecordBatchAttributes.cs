namespace Samsa.Protocol.Records;

/// <summary>The compression codec in bits 0-2 of a record batch's attributes.</summary>
public enum CompressionType : byte
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

/// <summary>The attribute bits of a v2 record batch.</summary>
[Flags]
public enum RecordBatchAttributes : short
{
    None = 0,
    CompressionMask = 0x07,
    LogAppendTime = 0x08,
    Transactional = 0x10,
    Control = 0x20,
    HasDeleteHorizon = 0x40,
}
