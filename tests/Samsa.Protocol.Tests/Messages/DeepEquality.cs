using System.Collections;
using System.Reflection;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// Structural comparison of generated values by reflection, independent of their generated Equals:
/// returns the path of the first difference, or null when the values are equal.
/// </summary>
internal static class DeepEquality
{
    public static string? FindDifference(object? a, object? b, string path = "$")
    {
        if (a is null || b is null)
        {
            // Unknown tagged fields: an absent list and an empty one are the same on the wire.
            var same = (a is null && b is null) || (IsEmptyTagList(a) && IsEmptyTagList(b));
            return same ? null : $"{path}: {Show(a)} vs {Show(b)}";
        }

        if (a.GetType() != b.GetType() && !(a is RecordsPayload && b is RecordsPayload))
        {
            return $"{path}: type {a.GetType().Name} vs {b.GetType().Name}";
        }

        switch (a)
        {
            case byte[] x:
                return x.AsSpan().SequenceEqual((byte[])b) ? null : $"{path}: bytes differ";
            case MemoryRecords x:
                return b is MemoryRecords y && x.Bytes.Span.SequenceEqual(y.Bytes.Span) ? null : $"{path}: records differ";
            case RawTaggedField x:
                var other = (RawTaggedField)b;
                return x.Tag == other.Tag && x.Data.Span.SequenceEqual(other.Data.Span) ? null : $"{path}: tagged field {x.Tag} vs {other.Tag}";
            case double x:
                return x.Equals((double)b) ? null : $"{path}: {x} vs {b}";
            case string or bool or sbyte or short or ushort or int or uint or long or Uuid:
                return a.Equals(b) ? null : $"{path}: {Show(a)} vs {Show(b)}";
            case IList x:
                var y2 = (IList)b;
                if (x.Count != y2.Count)
                {
                    return IsEmptyTagList(a) && IsEmptyTagList(b) ? null : $"{path}: {x.Count} vs {y2.Count} elements";
                }

                for (var i = 0; i < x.Count; i++)
                {
                    var difference = FindDifference(x[i], y2[i], $"{path}[{i}]");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
        }

        foreach (var property in a.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var difference = FindDifference(property.GetValue(a), property.GetValue(b), $"{path}.{property.Name}");
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    private static bool IsEmptyTagList(object? value) => value is null or List<RawTaggedField> { Count: 0 };

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "?",
    };
}
