using Samsa.Storage.Checkpoints;

namespace Samsa.Storage.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Offset_checkpoints_round_trip_in_kafkas_text_format()
    {
        var path = _dir.Sub("recovery-point-offset-checkpoint");
        OffsetCheckpointFile.Write(path, [new(new TopicPartition("a-b", 0), 17), new(new TopicPartition("c", 12), 0)]);

        Assert.Equal("0\n2\na-b 0 17\nc 12 0\n", File.ReadAllText(path));
        var read = OffsetCheckpointFile.Read(path);
        Assert.Equal(17L, read[new TopicPartition("a-b", 0)]);
        Assert.Equal(0L, read[new TopicPartition("c", 12)]);
        Assert.Empty(OffsetCheckpointFile.Read(_dir.Sub("missing")));
    }

    [Theory]
    [InlineData("1\n0\n")]
    [InlineData("0\n2\nt 0 1\n")]
    [InlineData("0\n1\nt 0\n")]
    [InlineData("0\n1\nt x 1\n")]
    [InlineData("")]
    public void Malformed_checkpoints_are_reported(string text)
    {
        var path = _dir.Sub("bad");
        File.WriteAllText(path, text);
        Assert.Throws<InvalidDataException>(() => OffsetCheckpointFile.Read(path));
    }

    [Theory]
    [InlineData("orders-0", "orders", 0)]
    [InlineData("my-topic-12", "my-topic", 12)]
    public void Partition_directory_names_parse(string name, string topic, int partition)
    {
        Assert.True(TopicPartition.TryParseDirectoryName(name, out var tp));
        Assert.Equal(new TopicPartition(topic, partition), tp);
        Assert.Equal(name, tp.DirectoryName);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("orders-")]
    [InlineData("orders-0.abc-delete")]
    public void Other_directory_names_are_not_partitions(string name) =>
        Assert.False(TopicPartition.TryParseDirectoryName(name, out _));
}
