using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Requests;

public sealed class ListOffsetsTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        await _broker.CreateTopicAsync("l", 1);
        using var connection = await _broker.ConnectAsync();
        foreach (var timestamp in new long[] { 1_000, 5_000, 3_000 })
        {
            var batch = Batches.Of(2, timestamp: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 100_000 + timestamp);
            var response = await connection.SendAsync<ProduceResponse>(Batches.Produce("l", 0, batch), 11);
            Assert.Equal(0, response.Responses[0].PartitionResponses[0].ErrorCode);
        }
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Earliest_latest_and_max_timestamp()
    {
        Assert.Equal(0, (await ListAsync(-2)).Offset);
        var latest = await ListAsync(-1);
        Assert.Equal((6L, -1L), (latest.Offset, latest.Timestamp));
        Assert.Equal(2, (await ListAsync(-3)).Offset);
        Assert.Equal(0, (await ListAsync(-4)).Offset);
        Assert.Equal(-1, (await ListAsync(-5)).Offset);
    }

    [Fact]
    public async Task A_timestamp_finds_the_first_batch_at_or_after_it_and_nothing_after_the_end()
    {
        var based = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 100_000;

        Assert.Equal(2, (await ListAsync(based + 4_000)).Offset);
        Assert.Equal(0, (await ListAsync(based)).Offset);
        var none = await ListAsync(based + 90_000);
        Assert.Equal((0, -1L, -1L), (none.ErrorCode, none.Offset, none.Timestamp));
    }

    [Fact]
    public async Task Unknown_partitions_and_duplicates_are_errors()
    {
        using var connection = await _broker.ConnectAsync();
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics =
            [
                new ListOffsetsRequest.ListOffsetsTopic { Name = "l", Partitions = [Partition(0, -1), Partition(0, -2), Partition(5, -1)] },
                new ListOffsetsRequest.ListOffsetsTopic { Name = "missing", Partitions = [Partition(0, -1)] },
            ],
        };

        var response = await connection.SendAsync<ListOffsetsResponse>(request, 7);

        Assert.Equal(
            [ErrorCode.InvalidRequest, ErrorCode.InvalidRequest, ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicOrPartition],
            response.Topics.SelectMany(t => t.Partitions).Select(p => (ErrorCode)p.ErrorCode));
    }

    private static ListOffsetsRequest.ListOffsetsPartition Partition(int index, long timestamp) => new() { PartitionIndex = index, Timestamp = timestamp, CurrentLeaderEpoch = -1 };

    private async Task<ListOffsetsResponse.ListOffsetsPartitionResponse> ListAsync(long timestamp, short version = 8)
    {
        using var connection = await _broker.ConnectAsync();
        var response = await connection.SendAsync<ListOffsetsResponse>(new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics = [new ListOffsetsRequest.ListOffsetsTopic { Name = "l", Partitions = [Partition(0, timestamp)] }],
        }, version);
        return response.Topics[0].Partitions[0];
    }
}
