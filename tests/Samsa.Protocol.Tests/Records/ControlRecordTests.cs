using System.Buffers.Binary;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class ControlRecordTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_transaction_marker_batch_round_trips(bool commit)
    {
        var marker = commit ? EndTransactionMarker.Commit(coordinatorEpoch: 17) : EndTransactionMarker.Abort(coordinatorEpoch: 17);
        using var builder = new RecordBatchBuilder(new RecordBatchOptions
        {
            BaseOffset = 55,
            IsControl = true,
            IsTransactional = true,
            ProducerId = 3000,
            ProducerEpoch = 2,
        });
        builder.AppendEndTransactionMarker(timestamp: 1234, marker);
        var batch = builder.ToArray();

        using var reader = new RecordBatchReader();
        var records = reader.Read(batch, out var header);
        Assert.True(header.IsControl);
        Assert.True(header.IsTransactional);
        Assert.Equal(-1, header.BaseSequence);
        Assert.True(records.MoveNext());
        var record = records.Current;
        Assert.Equal(55, record.Offset);
        Assert.Equal(4, record.Key.Length);
        Assert.Equal(6, record.Value.Length);
        Assert.True(EndTransactionMarker.IsMarker(record));
        var read = EndTransactionMarker.Read(record);
        Assert.Equal(marker, read);
        Assert.Equal(commit, read.IsCommit);
        Assert.False(records.MoveNext());
    }

    [Fact]
    public void Marker_bytes_are_version_zero_then_type_and_epoch_big_endian()
    {
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[6];
        var marker = EndTransactionMarker.Commit(0x01020304);
        marker.WriteKey(key);
        marker.WriteValue(value);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, key.ToArray());
        Assert.Equal(new byte[] { 0, 0, 1, 2, 3, 4 }, value.ToArray());
    }

    [Theory]
    [InlineData(2, ControlRecordType.LeaderChange)]
    [InlineData(3, ControlRecordType.SnapshotHeader)]
    [InlineData(6, ControlRecordType.KRaftVoters)]
    [InlineData(7, ControlRecordType.Unknown)]
    [InlineData(-5, ControlRecordType.Unknown)]
    public void Key_types_read_as_kafka_names_them(short type, ControlRecordType expected)
    {
        Assert.Equal(expected, ControlRecordKey.ReadType(Key(0, type)));
    }

    [Fact]
    public void A_newer_key_version_is_read_as_version_zero()
    {
        Assert.Equal(ControlRecordType.Commit, ControlRecordKey.ReadType(Key(3, 1)));
    }

    [Fact]
    public void A_negative_key_version_is_an_invalid_record()
    {
        var e = Assert.Throws<KafkaErrorException>(() => ControlRecordKey.ReadType(Key(-1, 1)));
        Assert.Equal(ErrorCode.InvalidRecord, e.ErrorCode);
    }

    [Fact]
    public void A_short_or_null_key_is_an_invalid_record()
    {
        Assert.Equal(ErrorCode.InvalidRecord, Assert.Throws<KafkaErrorException>(() => ControlRecordKey.ReadType(new byte[] { 0, 0, 1 })).ErrorCode);
        Assert.Equal(ErrorCode.InvalidRecord, Assert.Throws<KafkaErrorException>(() => ControlRecordKey.ReadType(NullableBytes.Null)).ErrorCode);
    }

    [Fact]
    public void A_marker_value_shorter_than_six_bytes_is_an_invalid_record()
    {
        var batch = ControlBatch(Key(0, 1), [0, 0, 0, 0, 1]);
        using var reader = new RecordBatchReader();
        var records = reader.Read(batch);
        Assert.True(records.MoveNext());
        var current = records.Current;
        var e = Assert.Throws<KafkaErrorException>(() => ReadMarker(batch));
        Assert.Equal(ErrorCode.InvalidRecord, e.ErrorCode);
        Assert.Equal(5, current.Value.Length);
    }

    [Fact]
    public void A_control_record_of_another_type_is_not_a_marker()
    {
        var batch = ControlBatch(Key(0, 2), [0, 0, 0, 0, 0, 0]);
        using var reader = new RecordBatchReader();
        var records = reader.Read(batch);
        Assert.True(records.MoveNext());
        Assert.False(EndTransactionMarker.IsMarker(records.Current));
        Assert.Throws<KafkaErrorException>(() => ReadMarker(batch));
    }

    [Fact]
    public void Only_commit_and_abort_make_markers()
    {
        Assert.Throws<ArgumentException>(() => new EndTransactionMarker(ControlRecordType.LeaderChange, 1));
        Assert.Throws<ArgumentException>(() => ControlRecordKey.Write(new byte[4], ControlRecordType.Unknown));
    }

    private static EndTransactionMarker ReadMarker(byte[] batch)
    {
        using var reader = new RecordBatchReader();
        var records = reader.Read(batch);
        records.MoveNext();
        return EndTransactionMarker.Read(records.Current);
    }

    private static byte[] ControlBatch(byte[] key, byte[] value)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { IsControl = true, IsTransactional = true });
        builder.Append(0, key, value);
        return builder.ToArray();
    }

    private static byte[] Key(short version, short type)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(key, version);
        BinaryPrimitives.WriteInt16BigEndian(key.AsSpan(2), type);
        return key;
    }
}
