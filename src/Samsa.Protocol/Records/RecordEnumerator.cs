namespace Samsa.Protocol.Records;

/// <summary>
/// Walks the records of one batch (the uncompressed record bytes after the 61-byte header), yielding
/// <see cref="RecordView"/>s without allocating. Each record is checked as it is read: lengths within bounds, the
/// declared record size matching its fields, header counts and lengths sane, and, after the declared number of
/// records, no bytes left over. A violation raises <see cref="Errors.KafkaErrorException"/> with
/// <see cref="Errors.ErrorCode.InvalidRecord"/>, as Kafka's record iterator does.
/// </summary>
/// <remarks>Usable directly in <c>foreach</c>. Get one from <see cref="RecordBatchReader"/>.</remarks>
public ref struct RecordEnumerator
{
    private readonly ReadOnlySpan<byte> _records;
    private readonly int _count;
    private readonly long _baseOffset;
    private readonly long _baseTimestamp;
    private readonly long _logAppendTime;
    private readonly bool _isLogAppendTime;
    private int _position;
    private int _index;
    private RecordView _current;

    /// <param name="records">The record bytes, uncompressed.</param>
    /// <param name="count">The batch's declared record count.</param>
    /// <param name="baseOffset">The batch's base offset.</param>
    /// <param name="baseTimestamp">The batch's base timestamp.</param>
    /// <param name="logAppendTime">For a LogAppendTime batch, its max timestamp, which every record then reads as its timestamp.</param>
    public RecordEnumerator(ReadOnlySpan<byte> records, int count, long baseOffset, long baseTimestamp, long? logAppendTime)
    {
        if (count < 0)
        {
            RecordFieldReader.ThrowInvalid($"invalid record count {count} in a v2 batch");
        }

        _records = records;
        _count = count;
        _baseOffset = baseOffset;
        _baseTimestamp = baseTimestamp;
        _isLogAppendTime = logAppendTime.HasValue;
        _logAppendTime = logAppendTime.GetValueOrDefault();
        _position = 0;
        _index = 0;
        _current = default;
    }

    /// <summary>The declared number of records.</summary>
    public readonly int Count => _count;

    /// <summary>How many records have been read so far.</summary>
    public readonly int ReadCount => _index;

    public readonly RecordView Current => _current;

    /// <summary>Where the next record starts; <see cref="RecordBatchReader.Resume"/> continues from here.</summary>
    public readonly RecordMark Mark => new(_position, _index);

    public readonly RecordEnumerator GetEnumerator() => this;

    /// <summary>Moves to a mark an enumerator over the same record bytes returned; the records before it are not read again.</summary>
    internal void MoveTo(RecordMark mark)
    {
        if (mark.Index < 0 || mark.Index > _count || mark.Position < 0 || mark.Position > _records.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(mark), mark, "the mark lies outside this batch's records");
        }

        _position = mark.Position;
        _index = mark.Index;
    }

    public bool MoveNext()
    {
        if (_index >= _count)
        {
            return false;
        }

        var remaining = _records[_position..];
        if (remaining.IsEmpty)
        {
            RecordFieldReader.ThrowInvalid($"the batch declares {_count} records but its bytes end after {_index}");
        }

        var prefix = new RecordFieldReader(remaining);
        var bodyLength = prefix.ReadVarInt();
        if (bodyLength < 0 || bodyLength > prefix.Remaining)
        {
            RecordFieldReader.ThrowInvalid($"record size {bodyLength} does not fit in the {prefix.Remaining} bytes left in the batch");
        }

        var encoded = remaining[..(prefix.Position + bodyLength)];
        _current = ReadBody(encoded, encoded[prefix.Position..]);
        _position += encoded.Length;
        _index++;

        // As Kafka does: once the declared count is read, the bytes must be exhausted.
        if (_index == _count && _position != _records.Length)
        {
            RecordFieldReader.ThrowInvalid(
                $"the batch declares {_count} records but {_records.Length - _position} bytes remain after them");
        }

        return true;
    }

    private readonly RecordView ReadBody(ReadOnlySpan<byte> encoded, ReadOnlySpan<byte> body)
    {
        var reader = new RecordFieldReader(body);
        var attributes = reader.ReadByte();
        var timestampDelta = reader.ReadVarLong();
        var offsetDelta = reader.ReadVarInt();
        var key = reader.ReadNullableBytes("key");
        var value = reader.ReadNullableBytes("value");

        var headerCount = reader.ReadVarInt();
        if (headerCount < 0)
        {
            RecordFieldReader.ThrowInvalid($"invalid number of record headers {headerCount}");
        }

        var headersStart = reader.Position;
        for (var i = 0; i < headerCount; i++)
        {
            var keyLength = reader.ReadVarInt();
            if (keyLength < 0)
            {
                RecordFieldReader.ThrowInvalid($"invalid negative header key size {keyLength}");
            }

            reader.ReadSpan(keyLength);
            reader.ReadNullableBytes("header value");
        }

        if (reader.Remaining != 0)
        {
            RecordFieldReader.ThrowInvalid(
                $"record declares {body.Length} bytes but its fields take {reader.Position}");
        }

        var headers = new RecordHeaders(headerCount, body[headersStart..]);
        var timestamp = _isLogAppendTime ? _logAppendTime : _baseTimestamp + timestampDelta;
        return new RecordView(
            _baseOffset + offsetDelta, offsetDelta, timestamp, timestampDelta, attributes, key, value, headers, encoded);
    }
}
