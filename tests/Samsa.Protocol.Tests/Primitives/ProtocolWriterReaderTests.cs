using FsCheck.Xunit;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Primitives;

public class ProtocolWriterReaderTests
{
    [Property]
    public bool Fixed_width_values_round_trip(sbyte a, short b, int c, long d, double e, bool f, ushort g, uint h)
    {
        using var writer = new ProtocolWriter();
        writer.WriteInt8(a);
        writer.WriteInt16(b);
        writer.WriteInt32(c);
        writer.WriteInt64(d);
        writer.WriteFloat64(e);
        writer.WriteBool(f);
        writer.WriteUInt16(g);
        writer.WriteUInt32(h);

        var reader = new ProtocolReader(writer.ToArray());
        return reader.ReadInt8() == a && reader.ReadInt16() == b && reader.ReadInt32() == c && reader.ReadInt64() == d
            && reader.ReadFloat64().Equals(e) && reader.ReadBool() == f && reader.ReadUInt16() == g && reader.ReadUInt32() == h
            && reader.IsAtEnd;
    }

    [Property]
    public bool Varints_round_trip(int a, long b, uint c, ulong d)
    {
        using var writer = new ProtocolWriter();
        writer.WriteVarInt(a);
        writer.WriteVarLong(b);
        writer.WriteUnsignedVarInt(c);
        writer.WriteUnsignedVarLong(d);

        var reader = new ProtocolReader(writer.ToArray());
        return reader.ReadVarInt() == a && reader.ReadVarLong() == b && reader.ReadUnsignedVarInt() == c
            && reader.ReadUnsignedVarLong() == d && reader.IsAtEnd;
    }

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(63, new byte[] { 0x7E })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void Signed_varints_use_zigzag_encoding(int value, byte[] expected)
    {
        using var writer = new ProtocolWriter();
        writer.WriteVarInt(value);
        Assert.Equal(expected, writer.ToArray());
    }

    [Property]
    public bool Strings_and_bytes_round_trip_in_both_encodings(string? s, byte[]? bytes)
    {
        if (s is not null && System.Text.Encoding.UTF8.GetByteCount(s) > short.MaxValue)
        {
            return true;
        }

        using var writer = new ProtocolWriter();
        writer.WriteNullableString(s);
        writer.WriteCompactNullableString(s);
        writer.WriteNullableBytes(bytes);
        writer.WriteCompactNullableBytes(bytes);

        var reader = new ProtocolReader(writer.ToArray());
        var expectedString = s is null ? null : System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(s));
        return reader.ReadNullableString() == expectedString
            && reader.ReadCompactNullableString() == expectedString
            && SameBytes(reader.ReadNullableBytes(), bytes)
            && SameBytes(reader.ReadCompactNullableBytes(), bytes)
            && reader.IsAtEnd;
    }

    [Fact]
    public void Uuid_prints_as_kafka_does_and_parses_back()
    {
        var id = new Uuid(0x0123456789ABCDEFL, unchecked((long)0xFEDCBA9876543210UL));
        Assert.Equal("ASNFZ4mrze_-3LqYdlQyEA", id.ToString());
        Assert.Equal(id, Uuid.Parse("ASNFZ4mrze_-3LqYdlQyEA"));
        Assert.False(Uuid.TryParse("not-a-uuid", out _));
    }

    [Fact]
    public void Array_length_larger_than_the_frame_is_a_decode_error_before_allocation()
    {
        using var writer = new ProtocolWriter();
        writer.WriteInt32(int.MaxValue);
        var bytes = writer.ToArray();

        var error = Assert.Throws<ProtocolDecodeException>(() =>
        {
            var reader = new ProtocolReader(bytes);
            reader.ReadArrayLength(4);
        });
        Assert.Contains("cannot fit", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x05, 0x61 })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF })]
    public void Truncated_or_negative_lengths_are_decode_errors(byte[] bytes)
    {
        Assert.Throws<ProtocolDecodeException>(() =>
        {
            var reader = new ProtocolReader(bytes);
            reader.ReadNullableString();
        });
    }

    [Fact]
    public void An_unterminated_varint_is_a_decode_error()
    {
        Assert.Throws<ProtocolDecodeException>(() =>
        {
            var reader = new ProtocolReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF });
            reader.ReadUnsignedVarInt();
        });
    }

    [Fact]
    public void Large_memory_is_appended_by_reference_and_small_memory_is_copied()
    {
        var large = new byte[8192];
        large[0] = 42;
        using var writer = new ProtocolWriter();
        var size = writer.ReserveInt32();
        writer.AppendMemory(new byte[] { 1, 2, 3 });
        writer.AppendMemory(large);
        writer.WriteInt16(7);
        ProtocolWriter.PatchInt32(size, (int)writer.Length - 4);

        var chunks = writer.GetChunks();
        Assert.Contains(chunks, c => c.Memory.Length == large.Length && c.Memory.Span[0] == 42);
        var bytes = writer.ToArray();
        Assert.Equal(4 + 3 + 8192 + 2, bytes.Length);
        Assert.Equal(3 + 8192 + 2, new ProtocolReader(bytes).ReadInt32());
    }

    [Fact]
    public void File_regions_are_read_when_the_frame_is_materialised()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, Enumerable.Range(0, 100).Select(i => (byte)i).ToArray());
            using var file = File.OpenHandle(path);
            using var writer = new ProtocolWriter();
            writer.WriteInt8(-1);
            writer.AppendFileRegion(file, 10, 5);
            writer.WriteInt8(-2);

            Assert.Equal(new byte[] { 0xFF, 10, 11, 12, 13, 14, 0xFE }, writer.ToArray());
            Assert.Equal(3, writer.GetChunks().Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static bool SameBytes(byte[]? actual, byte[]? expected) =>
        actual is null ? expected is null : expected is not null && actual.AsSpan().SequenceEqual(expected);
}
