using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Requests;

public sealed class DescribeTopicPartitionsTests
{
    [Fact]
    public async Task Pages_through_every_topic_in_name_order_with_the_cursor()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("b", 3);
        await broker.CreateTopicAsync("a", 2);
        await broker.CreateTopicAsync("c", 1);
        using var connection = await broker.ConnectAsync();

        var seen = new List<(string, int)>();
        DescribeTopicPartitionsResponse.Cursor? cursor = null;
        var pages = 0;
        do
        {
            var request = new DescribeTopicPartitionsRequest
            {
                ResponsePartitionLimit = 2,
                Cursor = cursor is null ? null : new() { TopicName = cursor.TopicName, PartitionIndex = cursor.PartitionIndex },
            };
            var response = await connection.SendAsync<DescribeTopicPartitionsResponse>(request, 0);
            Assert.True(response.Topics.Sum(t => t.Partitions.Count) <= 2);
            seen.AddRange(response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name!, p.PartitionIndex))));
            cursor = response.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal([("a", 0), ("a", 1), ("b", 0), ("b", 1), ("b", 2), ("c", 0)], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Describes_named_topics_with_leaders_and_errors_for_unknown_ones()
    {
        await using var broker = await TestBroker.StartAsync();
        var created = await broker.CreateTopicAsync("t", 2);
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<DescribeTopicPartitionsResponse>(new DescribeTopicPartitionsRequest
        {
            Topics = [new() { Name = "zz-missing" }, new() { Name = "t" }, new() { Name = "bad name!" }],
        }, 0);

        Assert.Equal(["bad name!", "t", "zz-missing"], response.Topics.Select(t => t.Name));
        Assert.Equal(ErrorCode.InvalidTopicException, (ErrorCode)response.Topics[0].ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (ErrorCode)response.Topics[2].ErrorCode);
        var topic = response.Topics[1];
        Assert.Equal(created.Topics[0].TopicId, topic.TopicId);
        Assert.All(topic.Partitions, p => Assert.Equal((0, 1, 1), (p.ErrorCode, p.LeaderId, Assert.Single(p.IsrNodes))));
        Assert.Null(response.NextCursor);
    }

    [Fact]
    public async Task A_cursor_on_a_topic_not_asked_for_is_an_invalid_request()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("t", 1);
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<DescribeTopicPartitionsResponse>(new DescribeTopicPartitionsRequest
        {
            Topics = [new() { Name = "t" }],
            Cursor = new() { TopicName = "other", PartitionIndex = 0 },
        }, 0);

        Assert.Equal(ErrorCode.InvalidRequest, (ErrorCode)Assert.Single(response.Topics).ErrorCode);
    }
}
