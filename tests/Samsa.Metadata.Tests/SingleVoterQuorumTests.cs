using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Quorum;
using Samsa.Metadata.Records;
using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Tests;

public sealed class SingleVoterQuorumTests
{
    [Fact]
    public async Task A_restart_replays_the_log_to_the_same_image()
    {
        using var dir = new TempDirectory();
        MetadataImage before;
        await using (var node = await MetadataNode.StartAsync(dir.Path))
        {
            await node.CreateTopicAsync("a", 3, 1, ("retention.ms", "123"));
            await node.CreateTopicAsync("b", 1);
            await node.Controller.DeleteTopicsAsync([new Protocol.Messages.DeleteTopicsRequest.DeleteTopicState { Name = "b" }], CancellationToken.None);
            before = node.Loader.Image;
        }

        await using var restarted = await MetadataNode.StartAsync(dir.Path, register: false);

        ImageComparison.Equal(before, restarted.Loader.Image);
        ImageComparison.Equal(before, restarted.Controller.Image);
        Assert.Equal(before.Offset, restarted.Quorum.HighWatermark - 2);
    }

    [Fact]
    public async Task Each_start_leads_in_a_higher_epoch_and_marks_it_in_the_log()
    {
        using var dir = new TempDirectory();
        int first;
        long end;
        await using (var node = await MetadataNode.StartAsync(dir.Path))
        {
            first = node.Quorum.Leader.Epoch;
            end = node.Quorum.HighWatermark;
        }

        await using var restarted = await MetadataNode.StartAsync(dir.Path, register: false);

        Assert.Equal(first + 1, restarted.Quorum.Leader.Epoch);
        Assert.Equal(end + 1, restarted.Quorum.HighWatermark);
        Assert.True(File.Exists(Path.Combine(restarted.Quorum.Directory, "quorum-state")));
    }

    [Fact]
    public async Task An_append_in_an_old_epoch_is_refused()
    {
        using var dir = new TempDirectory();
        await using var node = await MetadataNode.StartAsync(dir.Path);

        await Assert.ThrowsAsync<NotLeaderException>(async () =>
            await node.Quorum.AppendAsync(node.Quorum.Leader.Epoch - 1, [MetadataRecordAndVersion.Of(new NoOpRecord())], CancellationToken.None));
    }

    [Theory]
    [InlineData("partial batch")]
    [InlineData("garbage")]
    [InlineData("bad checksum")]
    public async Task A_torn_tail_after_a_crash_is_cut_and_the_log_goes_on(string damage)
    {
        using var dir = new TempDirectory();
        MetadataImage before;
        await using (var node = await MetadataNode.StartAsync(dir.Path))
        {
            await node.CreateTopicAsync("kept", 2);
            before = node.Loader.Image;
        }

        var segment = Directory.GetFiles(Path.Combine(dir.Path, "__cluster_metadata-0"), "*.log").Single();
        var valid = File.ReadAllBytes(segment);
        var lastBatch = LastBatch(valid);
        byte[] tail = damage switch
        {
            "partial batch" => lastBatch[..(lastBatch.Length / 2)],
            "garbage" => [0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0x10, 0, 0xde, 0xad, 0xbe, 0xef],
            _ => Corrupt(lastBatch),
        };
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            await file.WriteAsync(tail);
        }

        await using var restarted = await MetadataNode.StartAsync(dir.Path, register: false);

        ImageComparison.Equal(before, restarted.Loader.Image);
        Assert.Equal(valid.Length + LeaderChangeSize(restarted), new FileInfo(segment).Length);
        await restarted.CreateTopicAsync("after", 1);
        Assert.NotNull(restarted.Loader.Image.Topics.Get("after"));
    }

    [Fact]
    public async Task Metadata_survives_a_restart_with_a_different_controller_default()
    {
        using var dir = new TempDirectory();
        await using (var node = await MetadataNode.StartAsync(dir.Path, options: new ControllerOptions { NodeId = 1, DefaultNumPartitions = 5 }))
        {
            await node.CreateTopicAsync("five", -1);
        }

        await using var restarted = await MetadataNode.StartAsync(dir.Path, register: false);

        Assert.Equal(5, restarted.Loader.Image.Topics.Get("five")!.PartitionCount);
    }

    private static byte[] LastBatch(byte[] log)
    {
        var position = 0;
        var last = 0;
        while (position < log.Length)
        {
            last = position;
            position += System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(log.AsSpan(position + 8)) + 12;
        }

        return log[last..];
    }

    private static byte[] Corrupt(byte[] batch)
    {
        var copy = batch.ToArray();
        copy[^1] ^= 0xff;
        return copy;
    }

    /// <summary>The restart appends one LeaderChange control batch after the cut.</summary>
    private static long LeaderChangeSize(MetadataNode node)
    {
        var segment = Directory.GetFiles(node.Quorum.Directory, "*.log").Single();
        return LastBatch(File.ReadAllBytes(segment)).Length;
    }
}
