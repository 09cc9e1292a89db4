namespace Samsa.Storage.Cleaning;

/// <summary>What one cleaning of one log did.</summary>
/// <param name="TopicPartition">The log.</param>
/// <param name="FirstDirtyOffset">Where the dirty section started.</param>
/// <param name="EndOffset">Where the cleaned section ends: the next cleaning's first dirty offset.</param>
/// <param name="BytesRead">Bytes read, building the key map plus rewriting the segments.</param>
/// <param name="BytesWritten">Bytes of the cleaned segments.</param>
/// <param name="RecordsRead">Records read while rewriting.</param>
/// <param name="RecordsRemoved">Records dropped: superseded keys, expired tombstones and markers, aborted data.</param>
/// <param name="SegmentsCleaned">Segments replaced.</param>
/// <param name="Duration">Wall-clock time of the whole cleaning.</param>
public sealed record CleanerStats(
    TopicPartition TopicPartition,
    long FirstDirtyOffset,
    long EndOffset,
    long BytesRead,
    long BytesWritten,
    long RecordsRead,
    long RecordsRemoved,
    int SegmentsCleaned,
    TimeSpan Duration)
{
    /// <summary>Bytes of the segments rewritten (the log cleaned), the clean and dirty sections together.</summary>
    public long BytesCleaned { get; init; }

    /// <summary>Bytes of log cleaned per second of the whole cleaning (key map pass included).</summary>
    public double BytesPerSecond => Duration.TotalSeconds > 0 ? BytesCleaned / Duration.TotalSeconds : 0;
}
