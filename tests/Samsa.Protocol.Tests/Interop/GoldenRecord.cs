using System.Text;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Interop;

/// <summary>One header of a <see cref="GoldenRecord"/>.</summary>
internal sealed record GoldenHeader(string Key, byte[] Value);

/// <summary>
/// A record as a client was told to produce it. A null <see cref="Timestamp"/> means the client picks the time
/// (kcat cannot be given one); the check then accepts any time while the client ran.
/// </summary>
internal sealed record GoldenRecord(byte[]? Key, byte[]? Value, GoldenHeader[] Headers, long? Timestamp = null)
{
    public static GoldenRecord Text(string? key, string? value, long? timestamp = null, params (string Key, string Value)[] headers) =>
        new(
            key is null ? null : Encoding.UTF8.GetBytes(key),
            value is null ? null : Encoding.UTF8.GetBytes(value),
            [.. headers.Select(h => new GoldenHeader(h.Key, Encoding.UTF8.GetBytes(h.Value)))],
            timestamp);

    /// <summary>Key, value and headers as one line of text, so a mismatch shows exactly which part differs.</summary>
    public string Describe() =>
        $"key {Show(Key)}, value {Show(Value)}, headers [{string.Join(", ", Headers.Select(h => $"{h.Key}={Show(h.Value)}"))}]";

    public static string Describe(RecordView record)
    {
        var headers = new List<string>();
        foreach (var header in record.Headers)
        {
            headers.Add($"{header.GetKeyString()}={Show(header.Value.ToArray())}");
        }

        return $"key {Show(record.Key.ToArray())}, value {Show(record.Value.ToArray())}, headers [{string.Join(", ", headers)}]";
    }

    /// <summary>UTF-8 text in quotes when the bytes are exactly that, hex otherwise; "null" for null.</summary>
    private static string Show(byte[]? bytes)
    {
        if (bytes is null)
        {
            return "null";
        }

        var text = Encoding.UTF8.GetString(bytes);
        return Encoding.UTF8.GetBytes(text).AsSpan().SequenceEqual(bytes) && !text.Any(char.IsControl)
            ? $"\"{text}\""
            : $"0x{Convert.ToHexString(bytes)}";
    }
}
