using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Tests;

public sealed class ConfigControllerTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private MetadataNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await MetadataNode.StartAsync(_dir.Path);
        await _node.CreateTopicAsync("t", 1, 1, ("retention.ms", "1000"));
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Set_and_delete_change_only_the_named_keys()
    {
        var error = await AlterAsync(ConfigResource.Topic("t"), (AlterConfigOperation.Set, "segment.ms", "60000"), (AlterConfigOperation.Delete, "retention.ms", null));

        Assert.Equal((ErrorCode.None, (string?)null), error);
        Assert.Equal([new KeyValuePair<string, string>("segment.ms", "60000")], _node.Loader.Image.Configs.ForTopic("t"));
    }

    [Fact]
    public async Task Append_and_subtract_work_on_list_configs_from_their_default()
    {
        Assert.Equal(ErrorCode.None, (await AlterAsync(ConfigResource.Topic("t"), (AlterConfigOperation.Append, "cleanup.policy", "compact"))).Item1);
        Assert.Equal("delete,compact", _node.Loader.Image.Configs.ForTopic("t")["cleanup.policy"]);

        Assert.Equal(ErrorCode.None, (await AlterAsync(ConfigResource.Topic("t"), (AlterConfigOperation.Subtract, "cleanup.policy", "delete"))).Item1);
        Assert.Equal("compact", _node.Loader.Image.Configs.ForTopic("t")["cleanup.policy"]);
    }

    [Fact]
    public async Task Append_to_a_non_list_config_is_invalid()
    {
        var error = await AlterAsync(ConfigResource.Topic("t"), (AlterConfigOperation.Append, "retention.ms", "5"));

        Assert.Equal((ErrorCode.InvalidConfig, "Can't APPEND to key retention.ms because its type is not LIST."), error);
    }

    [Fact]
    public async Task Invalid_values_unknown_topics_and_bad_broker_names_are_refused_without_writing()
    {
        var before = _node.Loader.Image.Offset;

        Assert.Equal(ErrorCode.InvalidConfig, (await AlterAsync(ConfigResource.Topic("t"), (AlterConfigOperation.Set, "retention.ms", "x"))).Item1);
        Assert.Equal((ErrorCode.UnknownTopicOrPartition, "The topic 'missing' does not exist."), await AlterAsync(ConfigResource.Topic("missing"), (AlterConfigOperation.Set, "retention.ms", "5")));
        Assert.Equal(ErrorCode.InvalidRequest, (await AlterAsync(new ConfigResource(ConfigResourceType.Broker, "one"), (AlterConfigOperation.Set, "log.retention.ms", "5"))).Item1);
        Assert.Equal(ErrorCode.InvalidRequest, (await AlterAsync(ConfigResource.Topic("t"), ((AlterConfigOperation)9, "retention.ms", "5"))).Item1);
        Assert.Equal(before, _node.Loader.Image.Offset);
    }

    [Fact]
    public async Task Broker_and_cluster_default_configs_are_kept_per_resource()
    {
        Assert.Equal(ErrorCode.None, (await AlterAsync(ConfigResource.Broker(1), (AlterConfigOperation.Set, "log.retention.ms", "1"))).Item1);
        Assert.Equal(ErrorCode.None, (await AlterAsync(ConfigResource.ClusterDefault, (AlterConfigOperation.Set, "log.retention.ms", "2"))).Item1);

        Assert.Equal("1", _node.Loader.Image.Configs.For(ConfigResource.Broker(1))["log.retention.ms"]);
        Assert.Equal("2", _node.Loader.Image.Configs.For(ConfigResource.ClusterDefault)["log.retention.ms"]);
    }

    [Fact]
    public async Task Legacy_alter_replaces_the_whole_set_and_validate_only_writes_nothing()
    {
        var response = await _node.Controller.LegacyAlterConfigsAsync(new AlterConfigsRequest
        {
            Resources = [Legacy("t", ("segment.bytes", "1048576"))],
            ValidateOnly = true,
        }, CancellationToken.None);
        Assert.Equal(0, response.Responses[0].ErrorCode);
        Assert.Equal("1000", _node.Loader.Image.Configs.ForTopic("t")["retention.ms"]);

        response = await _node.Controller.LegacyAlterConfigsAsync(new AlterConfigsRequest { Resources = [Legacy("t", ("segment.bytes", "1048576"))] }, CancellationToken.None);
        Assert.Equal(0, response.Responses[0].ErrorCode);
        Assert.Equal([new KeyValuePair<string, string>("segment.bytes", "1048576")], _node.Loader.Image.Configs.ForTopic("t"));
    }

    private static AlterConfigsRequest.AlterConfigsResource Legacy(string topic, params (string Name, string Value)[] configs) => new()
    {
        ResourceType = (sbyte)ConfigResourceType.Topic,
        ResourceName = topic,
        Configs = [.. configs.Select(c => new AlterConfigsRequest.AlterableConfig { Name = c.Name, Value = c.Value })],
    };

    private async Task<(ErrorCode, string?)> AlterAsync(ConfigResource resource, params (AlterConfigOperation Op, string Name, string? Value)[] changes)
    {
        var response = await _node.Controller.IncrementalAlterConfigsAsync(new IncrementalAlterConfigsRequest
        {
            Resources =
            [
                new IncrementalAlterConfigsRequest.AlterConfigsResource
                {
                    ResourceType = (sbyte)resource.Type,
                    ResourceName = resource.Name,
                    Configs = [.. changes.Select(c => new IncrementalAlterConfigsRequest.AlterableConfig { Name = c.Name, ConfigOperation = (sbyte)c.Op, Value = c.Value })],
                },
            ],
        }, CancellationToken.None);
        return ((ErrorCode)response.Responses[0].ErrorCode, response.Responses[0].ErrorMessage);
    }
}
