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
    /// <summary>Bytes of log cleaned per second (the rewritten segments' size over the duration).</summary>
    public double BytesPerSecond { get; init; }
}
