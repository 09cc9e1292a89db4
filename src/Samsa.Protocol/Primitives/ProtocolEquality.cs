namespace Samsa.Protocol.Primitives;

/// <summary>Value equality helpers for generated message types.</summary>
internal static class ProtocolEquality
{
    public static bool ListEquals<T>(List<T>? a, List<T>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < a.Count; i++)
        {
            if (!comparer.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Absent and empty unknown-tag lists are the same thing on the wire.</summary>
    public static bool TaggedFieldsEqual(List<RawTaggedField>? a, List<RawTaggedField>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : ListEquals(a, b);

    public static bool BytesEqual(byte[]? a, byte[]? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.AsSpan().SequenceEqual(b));

    public static bool RecordsEqual(RecordsPayload? a, RecordsPayload? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Equals(b));

    public static bool StructEquals<T>(T? a, T? b)
        where T : class, IEquatable<T> =>
        ReferenceEquals(a, b) || (a is not null && a.Equals(b));
}
