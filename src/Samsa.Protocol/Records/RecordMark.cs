namespace Samsa.Protocol.Records;

/// <summary>
/// A place between two records of a batch, taken from <see cref="RecordEnumerator.Mark"/>: where the next record's
/// bytes start in the uncompressed record bytes, and how many records come before it.
/// </summary>
public readonly record struct RecordMark(int Position, int Index);
