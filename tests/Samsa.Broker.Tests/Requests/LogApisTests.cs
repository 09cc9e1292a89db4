using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Requests;

public sealed class LogApisTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task DeleteRecords_moves_the_low_watermark_and_refuses_offsets_past_the_high_watermark(short version)
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("t", 2);
        await broker.CreateTopicAsync("c", 1, ("cleanup.policy", "compact"));
        using var connection = await broker.ConnectAsync();
        await connection.SendAsync<ProduceResponse>(Batches.Produce("t", 0, Batches.Of(10)), 9);

        var response = await connection.SendAsync<DeleteRecordsResponse>(Delete(("t", 0, 4), ("t", 1, 1), ("missing", 0, 0), ("c", 0, 0)), version);
        var toEnd = await connection.SendAsync<DeleteRecordsResponse>(Delete(("t", 0, -1)), version);

        var results = response.Topics.SelectMany(t => t.Partitions).Select(p => ((ErrorCode)p.ErrorCode, p.LowWatermark)).ToList();
        Assert.Equal([(ErrorCode.None, 4L), (ErrorCode.OffsetOutOfRange, -1L), (ErrorCode.UnknownTopicOrPartition, -1L), (ErrorCode.PolicyViolation, -1L)], results);
        Assert.Equal(10, toEnd.Topics[0].Partitions[0].LowWatermark);
        var fetch = await connection.SendAsync<FetchResponse>(Batches.Fetch("t", 0, 0), 12);
        Assert.Equal(ErrorCode.OffsetOutOfRange, (ErrorCode)fetch.Responses[0].Partitions[0].ErrorCode);
        var earliest = await connection.SendAsync<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, Timestamp = -2, CurrentLeaderEpoch = -1 }] }],
        }, 7);
        Assert.Equal(10, earliest.Topics[0].Partitions[0].Offset);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task OffsetForLeaderEpoch_answers_the_end_offset_of_an_epoch_from_the_cache(short version)
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("t", 1);
        using var connection = await broker.ConnectAsync();
        await connection.SendAsync<ProduceResponse>(Batches.Produce("t", 0, Batches.Of(5)), 9);
        var epoch = broker.Services.Image.Topics.Get("t")!.Partition(0)!.LeaderEpoch;

        var response = await connection.SendAsync<OffsetForLeaderEpochResponse>(new OffsetForLeaderEpochRequest
        {
            ReplicaId = -1,
            Topics =
            [
                new()
                {
                    Topic = "t",
                    Partitions =
                    [
                        new() { Partition = 0, CurrentLeaderEpoch = epoch, LeaderEpoch = epoch },
                        new() { Partition = 0, CurrentLeaderEpoch = -1, LeaderEpoch = epoch + 5 },
                        new() { Partition = 0, CurrentLeaderEpoch = epoch + 1, LeaderEpoch = epoch },
                        new() { Partition = 3, CurrentLeaderEpoch = -1, LeaderEpoch = epoch },
                    ],
                },
            ],
        }, version);

        var results = response.Topics[0].Partitions.Select(p => ((ErrorCode)p.ErrorCode, p.LeaderEpoch, p.EndOffset)).ToList();
        Assert.Equal(
            [(ErrorCode.None, epoch, 5L), (ErrorCode.None, -1, -1L), (ErrorCode.UnknownLeaderEpoch, -1, -1L), (ErrorCode.UnknownTopicOrPartition, -1, -1L)],
            results);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task DescribeLogDirs_reports_each_dir_with_partition_sizes_and_space(short version)
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("a", 2);
        await broker.CreateTopicAsync("b", 1);
        using var connection = await broker.ConnectAsync();
        await connection.SendAsync<ProduceResponse>(Batches.Produce("a", 1, Batches.Of(10, valueSize: 100)), 9);

        var all = await connection.SendAsync<DescribeLogDirsResponse>(new DescribeLogDirsRequest { Topics = null }, version);
        var some = await connection.SendAsync<DescribeLogDirsResponse>(new DescribeLogDirsRequest { Topics = [new() { Topic = "a", Partitions = [1] }] }, version);

        var dir = Assert.Single(all.Results);
        Assert.Equal((0, Path.GetFullPath(broker.DataDir)), (dir.ErrorCode, dir.LogDir));
        Assert.Equal(["a", "b"], dir.Topics.Select(t => t.Name));
        var a = dir.Topics[0].Partitions;
        Assert.Equal([(0, 0L), (1, broker.Services.Logs.GetLog(new("a", 1))!.Size)], a.Select(p => (p.PartitionIndex, p.PartitionSize)));
        Assert.True(a[1].PartitionSize > 1000);
        Assert.All(a, p => Assert.Equal(0, p.OffsetLag));
        var only = Assert.Single(Assert.Single(some.Results).Topics);
        Assert.Equal(("a", 1), (only.Name, Assert.Single(only.Partitions).PartitionIndex));
        if (version >= 4)
        {
            Assert.True(dir.TotalBytes > 0 && dir.UsableBytes > 0 && dir.UsableBytes <= dir.TotalBytes, $"total {dir.TotalBytes}, usable {dir.UsableBytes}");
        }
    }

    private static DeleteRecordsRequest Delete(params (string Topic, int Partition, long Offset)[] targets) => new()
    {
        TimeoutMs = 10_000,
        Topics = [.. targets.GroupBy(t => t.Topic).Select(g => new DeleteRecordsRequest.DeleteRecordsTopic
        {
            Name = g.Key,
            Partitions = [.. g.Select(t => new DeleteRecordsRequest.DeleteRecordsPartition { PartitionIndex = t.Partition, Offset = t.Offset })],
        })],
    };
}
