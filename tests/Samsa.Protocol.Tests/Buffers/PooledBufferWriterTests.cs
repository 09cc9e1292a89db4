using Samsa.Protocol.Buffers;

namespace Samsa.Protocol.Tests.Buffers;

public class PooledBufferWriterTests
{
    [Fact]
    public void Grows_and_keeps_everything_written_in_order()
    {
        using var writer = new PooledBufferWriter();
        var expected = new List<byte>();
        for (var i = 0; i < 5000; i++)
        {
            var chunk = Enumerable.Range(i, i % 17).Select(b => (byte)b).ToArray();
            writer.Write(chunk);
            expected.AddRange(chunk);
        }

        Assert.Equal(expected.ToArray(), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Clear_keeps_the_buffer_for_reuse()
    {
        using var writer = new PooledBufferWriter();
        writer.Write(new byte[10_000]);
        var capacity = writer.Capacity;
        writer.Clear();
        Assert.Equal(0, writer.WrittenCount);
        writer.Write(new byte[5_000]);
        Assert.Equal(capacity, writer.Capacity);
    }

    [Fact]
    public void Advancing_past_the_limit_throws_and_writes_nothing()
    {
        using var writer = new PooledBufferWriter { Limit = 100 };
        writer.Write(new byte[60]);
        writer.GetSpan(50);
        Assert.Throws<BufferLimitExceededException>(() => writer.Advance(41));
        Assert.Equal(60, writer.WrittenCount);
        writer.Advance(40);
        Assert.Equal(100, writer.WrittenCount);
    }

    [Fact]
    public void Advancing_beyond_the_span_handed_out_is_refused()
    {
        using var writer = new PooledBufferWriter();
        var length = writer.GetSpan(10).Length;
        Assert.Throws<InvalidOperationException>(() => writer.Advance(length + 1));
    }
}
