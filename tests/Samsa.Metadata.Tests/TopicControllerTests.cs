using Samsa.Metadata.Controller;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Tests;

public sealed class TopicControllerTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private MetadataNode _node = null!;

    public async Task InitializeAsync() => _node = await MetadataNode.StartAsync(_dir.Path, options: new ControllerOptions { NodeId = 1, DefaultNumPartitions = 3 });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Created_topic_is_in_both_images_with_its_configs_and_a_leader()
    {
        var response = await _node.CreateTopicAsync("orders", 4, 1, ("retention.ms", "1000"));

        var result = Assert.Single(response.Topics);
        Assert.Equal((0, 4, (short)1), (result.ErrorCode, result.NumPartitions, result.ReplicationFactor));
        Assert.False(result.TopicId.IsZero);
        var topic = _node.Loader.Image.Topics.Get("orders")!;
        Assert.Equal(result.TopicId, topic.Id);
        Assert.Equal(4, topic.PartitionCount);
        Assert.All(topic.Partitions.Values, p => Assert.Equal((1, 0), (p.Leader, p.LeaderEpoch)));
        Assert.Equal("1000", _node.Loader.Image.Configs.ForTopic("orders")["retention.ms"]);
        Assert.Equal(_node.Loader.Image.Offset, _node.Controller.Image.Offset);
    }

    [Fact]
    public async Task Minus_one_means_the_broker_defaults()
    {
        var response = await _node.CreateTopicAsync("defaults", -1, -1);

        Assert.Equal((0, 3, (short)1), (response.Topics[0].ErrorCode, response.Topics[0].NumPartitions, response.Topics[0].ReplicationFactor));
    }

    [Theory]
    [InlineData("", ErrorCode.InvalidTopicException, "Topic name is illegal, it can't be empty")]
    [InlineData(".", ErrorCode.InvalidTopicException, "Topic name cannot be \".\" or \"..\"")]
    [InlineData("..", ErrorCode.InvalidTopicException, "Topic name cannot be \".\" or \"..\"")]
    [InlineData("bad name", ErrorCode.InvalidTopicException, "Topic name \"bad name\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'")]
    [InlineData("dötted", ErrorCode.InvalidTopicException, "is illegal, it contains a character other than ASCII alphanumerics")]
    public async Task Illegal_names_are_refused_with_Kafkas_messages(string name, ErrorCode code, string message)
    {
        var result = (await _node.CreateTopicAsync(name)).Topics[0];

        Assert.Equal(code, (ErrorCode)result.ErrorCode);
        Assert.Contains(message, result.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(_node.Loader.Image.Topics.Get(name));
    }

    [Fact]
    public async Task Names_longer_than_249_characters_are_refused()
    {
        Assert.Equal(0, (await _node.CreateTopicAsync(new string('a', 249))).Topics[0].ErrorCode);

        var result = (await _node.CreateTopicAsync(new string('b', 250))).Topics[0];
        Assert.Equal(ErrorCode.InvalidTopicException, (ErrorCode)result.ErrorCode);
        Assert.StartsWith("Topic name is illegal, it can't be longer than 249 characters", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Existing_and_colliding_names_are_refused()
    {
        await _node.CreateTopicAsync("a.b");

        var exists = (await _node.CreateTopicAsync("a.b")).Topics[0];
        Assert.Equal((ErrorCode.TopicAlreadyExists, "Topic 'a.b' already exists."), ((ErrorCode)exists.ErrorCode, exists.ErrorMessage));
        var collides = (await _node.CreateTopicAsync("a_b")).Topics[0];
        Assert.Equal((ErrorCode.InvalidTopicException, "Topic 'a_b' collides with existing topic: a.b"), ((ErrorCode)collides.ErrorCode, collides.ErrorMessage));
    }

    [Fact]
    public async Task Duplicate_names_in_one_request_fail_all_of_them_and_the_rest_succeeds()
    {
        var response = await _node.Controller.CreateTopicsAsync(new CreateTopicsRequest
        {
            Topics = [MetadataNode.Topic("x"), MetadataNode.Topic("y"), MetadataNode.Topic("x")],
        }, CancellationToken.None);

        Assert.Equal(["x", "y"], response.Topics.Select(t => t.Name));
        Assert.Equal((ErrorCode.InvalidRequest, "Duplicate topic name."), ((ErrorCode)response.Topics[0].ErrorCode, response.Topics[0].ErrorMessage));
        Assert.Equal(0, response.Topics[1].ErrorCode);
        Assert.Null(_node.Loader.Image.Topics.Get("x"));
        Assert.NotNull(_node.Loader.Image.Topics.Get("y"));
    }

    [Theory]
    [InlineData(1, 3, ErrorCode.InvalidReplicationFactor, "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.")]
    [InlineData(1, 0, ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.")]
    [InlineData(1, -2, ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.")]
    [InlineData(0, 1, ErrorCode.InvalidPartitions, "Number of partitions was set to an invalid non-positive value.")]
    [InlineData(-5, 1, ErrorCode.InvalidPartitions, "Number of partitions was set to an invalid non-positive value.")]
    public async Task Partition_counts_and_replication_factors_are_checked(int partitions, short replicationFactor, ErrorCode code, string message)
    {
        var result = (await _node.CreateTopicAsync("t", partitions, replicationFactor)).Topics[0];

        Assert.Equal((code, message), ((ErrorCode)result.ErrorCode, result.ErrorMessage));
    }

    [Fact]
    public async Task Manual_assignments_are_checked_as_Kafka_checks_them()
    {
        await _node.RegisterAsync(2);

        Assert.Equal("A manual partition assignment was specified, but numPartitions was not set to -1.", await AssignAsync(1, -1, (0, [1])));
        Assert.Equal("A manual partition assignment was specified, but replication factor was not set to -1.", await AssignAsync(-1, 1, (0, [1])));
        Assert.Equal("The manual partition assignment includes an empty replica list.", await AssignAsync(-1, -1, (0, [])));
        Assert.Equal("The manual partition assignment includes broker 7, but no such broker is registered.", await AssignAsync(-1, -1, (0, [1, 7])));
        Assert.Equal("The manual partition assignment includes the broker 2 more than once.", await AssignAsync(-1, -1, (0, [2, 1, 2])));
        Assert.Equal("The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).", await AssignAsync(-1, -1, (0, [1, 2]), (1, [1])));
        Assert.Equal("Found multiple manual partition assignments for partition 0", await AssignAsync(-1, -1, (0, [1]), (0, [2])));
        Assert.Equal("partitions should be a consecutive 0-based integer sequence", await AssignAsync(-1, -1, (0, [1]), (2, [2])));
        Assert.Null(await AssignAsync(-1, -1, (0, [2, 1]), (1, [1, 2])));

        var topic = _node.Loader.Image.Topics.Get("assigned")!;
        Assert.Equal(new[] { 2, 1 }, topic.Partition(0)!.Replicas);
        Assert.Equal(2, topic.Partition(0)!.Leader);
    }

    [Fact]
    public async Task Invalid_and_null_configs_are_refused_and_nothing_is_written()
    {
        var before = _node.Loader.Image.Offset;

        var unknown = (await _node.CreateTopicAsync("c1", 1, 1, ("no.such.config", "1"))).Topics[0];
        var invalid = (await _node.CreateTopicAsync("c2", 1, 1, ("retention.ms", "soon"))).Topics[0];
        var compression = (await _node.CreateTopicAsync("c3", 1, 1, ("compression.type", "brotli"))).Topics[0];
        var nulls = (await _node.CreateTopicAsync("c4", 1, 1, ("retention.ms", null))).Topics[0];

        Assert.Equal((ErrorCode.InvalidConfig, "Unknown topic config name: no.such.config"), ((ErrorCode)unknown.ErrorCode, unknown.ErrorMessage));
        Assert.Equal(ErrorCode.InvalidConfig, (ErrorCode)invalid.ErrorCode);
        Assert.Contains("retention.ms", invalid.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidConfig, (ErrorCode)compression.ErrorCode);
        Assert.Equal((ErrorCode.InvalidConfig, "Null value not supported for topic configs: retention.ms"), ((ErrorCode)nulls.ErrorCode, nulls.ErrorMessage));
        Assert.Equal(before, _node.Loader.Image.Offset);
    }

    [Fact]
    public async Task Validate_only_answers_without_writing()
    {
        var before = _node.Loader.Image.Offset;

        var response = await _node.Controller.CreateTopicsAsync(new CreateTopicsRequest { Topics = [MetadataNode.Topic("v", 2)], validateOnly = true }, CancellationToken.None);

        Assert.Equal((0, 2), (response.Topics[0].ErrorCode, response.Topics[0].NumPartitions));
        Assert.Equal(before, _node.Loader.Image.Offset);
        Assert.Null(_node.Loader.Image.Topics.Get("v"));
    }

    [Fact]
    public async Task Topics_are_deleted_by_name_or_id_with_errors_for_unknown_and_ambiguous_entries()
    {
        var id = (await _node.CreateTopicAsync("by-id")).Topics[0].TopicId;
        await _node.CreateTopicAsync("by-name");

        var results = await _node.Controller.DeleteTopicsAsync(
        [
            new DeleteTopicsRequest.DeleteTopicState { TopicId = id },
            new DeleteTopicsRequest.DeleteTopicState { Name = "by-name" },
            new DeleteTopicsRequest.DeleteTopicState { Name = "missing" },
            new DeleteTopicsRequest.DeleteTopicState { TopicId = Protocol.Primitives.Uuid.Random() },
            new DeleteTopicsRequest.DeleteTopicState { Name = "by-name", TopicId = id },
            new DeleteTopicsRequest.DeleteTopicState { Name = "by-name" },
        ], CancellationToken.None);

        Assert.Equal(
            [ErrorCode.None, ErrorCode.None, ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicId, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest],
            results.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Equal(("by-id", id), (results[0].Name, results[0].TopicId));
        Assert.Empty(_node.Loader.Image.Topics.ById);
    }

    [Fact]
    public async Task Deletion_is_refused_when_delete_topic_enable_is_false()
    {
        using var dir = new TempDirectory();
        await using var node = await MetadataNode.StartAsync(dir.Path, options: new ControllerOptions { NodeId = 1, DeleteTopicEnable = false });
        await node.CreateTopicAsync("kept");

        var results = await node.Controller.DeleteTopicsAsync([new DeleteTopicsRequest.DeleteTopicState { Name = "kept" }], CancellationToken.None);

        Assert.Equal(ErrorCode.TopicDeletionDisabled, (ErrorCode)results[0].ErrorCode);
        Assert.NotNull(node.Loader.Image.Topics.Get("kept"));
    }

    [Fact]
    public async Task Partitions_only_increase()
    {
        await _node.CreateTopicAsync("grow", 2);

        Assert.Equal((ErrorCode.InvalidPartitions, "Topic already has 2 partition(s)."), await GrowAsync("grow", 2));
        Assert.Equal((ErrorCode.InvalidPartitions, "The topic grow currently has 2 partition(s); 1 would not be an increase."), await GrowAsync("grow", 1));
        Assert.Equal((ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicOrPartition.DefaultMessage()), await GrowAsync("nope", 3));
        Assert.Equal((ErrorCode.InvalidReplicaAssignment, "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified."), await GrowAsync("grow", 4, [1]));
        Assert.Equal((ErrorCode.None, (string?)null), await GrowAsync("grow", 5, validateOnly: true));
        Assert.Equal(2, _node.Loader.Image.Topics.Get("grow")!.PartitionCount);

        Assert.Equal((ErrorCode.None, (string?)null), await GrowAsync("grow", 4, [1], [1]));
        var topic = _node.Loader.Image.Topics.Get("grow")!;
        Assert.Equal(4, topic.PartitionCount);
        Assert.Equal(1, topic.Partition(3)!.Leader);
    }

    private async Task<string?> AssignAsync(int partitions, short replicationFactor, params (int Partition, int[] Brokers)[] assignments)
    {
        var topic = MetadataNode.Topic("assigned", partitions, replicationFactor);
        topic.Assignments = [.. assignments.Select(a => new CreateTopicsRequest.CreatableReplicaAssignment { PartitionIndex = a.Partition, BrokerIds = [.. a.Brokers] })];
        var result = (await _node.Controller.CreateTopicsAsync(new CreateTopicsRequest { Topics = [topic] }, CancellationToken.None)).Topics[0];
        return result.ErrorMessage;
    }

    private async Task<(ErrorCode, string?)> GrowAsync(string name, int count, List<int>? first = null, List<int>? second = null, bool validateOnly = false)
    {
        List<CreatePartitionsRequest.CreatePartitionsAssignment>? assignments = first is null ? null : [new() { BrokerIds = first }];
        if (second is not null)
        {
            assignments!.Add(new() { BrokerIds = second });
        }

        var response = await _node.Controller.CreatePartitionsAsync(new CreatePartitionsRequest
        {
            Topics = [new CreatePartitionsRequest.CreatePartitionsTopic { Name = name, Count = count, Assignments = assignments }],
            ValidateOnly = validateOnly,
        }, CancellationToken.None);
        return ((ErrorCode)response.Results[0].ErrorCode, response.Results[0].ErrorMessage);
    }
}
