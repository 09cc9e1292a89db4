using System.Text;

namespace Samsa.Protocol.Records;

/// <summary>
/// A header to write with a record: a UTF-8 key and a nullable value. Build these once and reuse them; the builder
/// copies their bytes and keeps no reference.
/// </summary>
public readonly struct RecordHeader
{
    /// <summary>A header from a string key (encoded to UTF-8 here, once) and a value; a null value is a null header value.</summary>
    public RecordHeader(string key, byte[]? value)
        : this(Encoding.UTF8.GetBytes(key), value, value is null)
    {
    }

    /// <summary>A header from an already UTF-8 encoded key.</summary>
    public RecordHeader(ReadOnlyMemory<byte> keyUtf8, ReadOnlyMemory<byte> value, bool isValueNull = false)
    {
        Key = keyUtf8;
        Value = isValueNull ? default : value;
        IsValueNull = isValueNull;
    }

    /// <summary>The key, UTF-8 encoded.</summary>
    public ReadOnlyMemory<byte> Key { get; }

    public ReadOnlyMemory<byte> Value { get; }

    public bool IsValueNull { get; }

    internal int EncodedSize => VarInt.SizeOfBytesField(Key.Length) + VarInt.SizeOfBytesField(IsValueNull ? -1 : Value.Length);
}

/// <summary>A header as read from a record: views into the batch's (or the decompression buffer's) bytes.</summary>
public readonly ref struct RecordHeaderView
{
    internal RecordHeaderView(ReadOnlySpan<byte> key, NullableBytes value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key, UTF-8 encoded, as on the wire.</summary>
    public ReadOnlySpan<byte> Key { get; }

    public NullableBytes Value { get; }

    /// <summary>The key as a string (allocates). Malformed UTF-8 becomes U+FFFD, as in Kafka's decoder.</summary>
    public string GetKeyString() => Encoding.UTF8.GetString(Key);
}

/// <summary>
/// The headers of a record, still encoded. Enumerating decodes them lazily into <see cref="RecordHeaderView"/>s;
/// <see cref="RecordBatchBuilder"/> can copy them to another batch without decoding.
/// </summary>
public readonly ref struct RecordHeaders
{
    /// <param name="count">Number of headers.</param>
    /// <param name="encoded">The headers' bytes after the count, already checked by the record reader.</param>
    internal RecordHeaders(int count, ReadOnlySpan<byte> encoded)
    {
        Count = count;
        Encoded = encoded;
    }

    public int Count { get; }

    /// <summary>The encoded headers (each a varint key length, key, varint value length, value), without the count.</summary>
    public ReadOnlySpan<byte> Encoded { get; }

    public Enumerator GetEnumerator() => new(Count, Encoded);

    /// <summary>Walks the encoded headers; allocation-free.</summary>
    public ref struct Enumerator
    {
        private readonly int _count;
        private RecordFieldReader _reader;
        private int _index;
        private RecordHeaderView _current;

        internal Enumerator(int count, ReadOnlySpan<byte> encoded)
        {
            _count = count;
            _reader = new RecordFieldReader(encoded);
            _index = 0;
            _current = default;
        }

        public readonly RecordHeaderView Current => _current;

        public bool MoveNext()
        {
            if (_index >= _count)
            {
                return false;
            }

            _index++;
            var keyLength = _reader.ReadVarInt();
            var key = _reader.ReadSpan(keyLength);
            _current = new RecordHeaderView(key, _reader.ReadNullableBytes("header value"));
            return true;
        }
    }
}
