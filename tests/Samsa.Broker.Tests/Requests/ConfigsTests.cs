using Samsa.Broker.Configuration;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Storage;

namespace Samsa.Broker.Tests.Requests;

public sealed class ConfigsTests
{
    private const sbyte Topic = 2;
    private const sbyte Broker = 4;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task DescribeConfigs_lists_a_topics_configs_with_their_sources_at_every_version(short version)
    {
        await using var broker = await TestBroker.StartAsync("log.retention.hours=5");
        await broker.CreateTopicAsync("t", 1, ("cleanup.policy", "compact"));
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<DescribeConfigsResponse>(Describe(Topic, "t", synonyms: true, documentation: version >= 3), version);

        var result = Assert.Single(response.Results);
        Assert.Equal(0, result.ErrorCode);
        var policy = result.Configs.Single(c => c.Name == "cleanup.policy");
        Assert.Equal(("compact", (sbyte)ConfigSource.DynamicTopicConfig, false, false), (policy.Value, policy.ConfigSource, policy.ReadOnly, policy.IsSensitive));
        Assert.Equal(["cleanup.policy", "log.cleanup.policy"], policy.Synonyms.Select(s => s.Name));
        var retention = result.Configs.Single(c => c.Name == "retention.ms");
        Assert.Equal(("18000000", (sbyte)ConfigSource.StaticBrokerConfig), (retention.Value, retention.ConfigSource));
        Assert.Equal(
            [("log.retention.hours", "5", (sbyte)ConfigSource.StaticBrokerConfig), ("log.retention.hours", "168", (sbyte)ConfigSource.DefaultConfig)],
            retention.Synonyms.Select(s => (s.Name, s.Value, s.Source)));
        Assert.Equal(version >= 3 ? (sbyte)5 : (sbyte)0, retention.ConfigType);
        Assert.Equal(version >= 3, retention.Documentation is { Length: > 0 });
    }

    [Fact]
    public async Task DescribeConfigs_of_this_broker_shows_every_key_read_only_and_sensitive_flags_and_only_asked_keys()
    {
        await using var broker = await TestBroker.StartAsync("ssl.key.password=secret");
        using var connection = await broker.ConnectAsync();

        var all = await connection.SendAsync<DescribeConfigsResponse>(Describe(Broker, "1"), 4);
        var some = await connection.SendAsync<DescribeConfigsResponse>(Describe(Broker, "1", keys: ["node.id", "no.such.key"]), 4);

        var configs = all.Results[0].Configs;
        Assert.Equal(BrokerConfigs.All.Count, configs.Count);
        var nodeId = configs.Single(c => c.Name == "node.id");
        Assert.True(nodeId.ReadOnly);
        Assert.Equal("1", nodeId.Value);
        var password = configs.Single(c => c.Name == "ssl.key.password");
        Assert.Equal((null, true, (sbyte)ConfigSource.StaticBrokerConfig), (password.Value, password.IsSensitive, password.ConfigSource));
        Assert.False(configs.Single(c => c.Name == "log.retention.bytes").ReadOnly);
        Assert.Equal(["node.id"], some.Results[0].Configs.Select(c => c.Name));
        Assert.Empty(nodeId.Synonyms);
    }

    [Fact]
    public async Task DescribeConfigs_answers_Kafkas_errors_for_bad_resources()
    {
        await using var broker = await TestBroker.StartAsync();
        using var connection = await broker.ConnectAsync();
        var request = new DescribeConfigsRequest
        {
            Resources =
            [
                new() { ResourceType = Topic, ResourceName = "missing" },
                new() { ResourceType = Topic, ResourceName = "bad name!" },
                new() { ResourceType = Broker, ResourceName = "7" },
                new() { ResourceType = Broker, ResourceName = "x" },
                new() { ResourceType = 99, ResourceName = "x" },
            ],
        };

        var response = await connection.SendAsync<DescribeConfigsResponse>(request, 4);

        Assert.Equal(
            [ErrorCode.UnknownTopicOrPartition, ErrorCode.InvalidTopicException, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest],
            response.Results.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Equal("The topic 'missing' does not exist.", response.Results[0].ErrorMessage);
        Assert.All(response.Results, r => Assert.Empty(r.Configs));
    }

    [Fact]
    public async Task IncrementalAlterConfigs_sets_appends_subtracts_deletes_and_the_logs_follow_live()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("t", 1);
        using var connection = await broker.ConnectAsync();

        await AlterAsync(connection, Topic, "t", ("retention.ms", 0, "60000"), ("cleanup.policy", 2, "compact"));
        var log = broker.Services.Logs.GetLog(new TopicPartition("t", 0))!;
        Assert.Equal((60000L, CleanupPolicy.Delete | CleanupPolicy.Compact), (log.Config.RetentionMs, log.Config.CleanupPolicy));

        await AlterAsync(connection, Topic, "t", ("retention.ms", 1, null), ("cleanup.policy", 3, "delete"));
        Assert.Equal((LogConfig.Default.RetentionMs, CleanupPolicy.Compact), (log.Config.RetentionMs, log.Config.CleanupPolicy));
        var described = await connection.SendAsync<DescribeConfigsResponse>(Describe(Topic, "t", keys: ["cleanup.policy"]), 4);
        Assert.Equal("compact", described.Results[0].Configs[0].Value);
    }

    [Fact]
    public async Task IncrementalAlterConfigs_refuses_invalid_values_and_validate_only_changes_nothing()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("t", 1);
        using var connection = await broker.ConnectAsync();

        var invalid = await AlterAsync(connection, Topic, "t", ("retention.ms", 0, "soon"));
        var unknown = await AlterAsync(connection, Topic, "t", ("no.such.config", 0, "1"));
        var readOnly = await AlterAsync(connection, Broker, "1", ("node.id", 0, "5"));
        var missing = await AlterAsync(connection, Topic, "missing", ("retention.ms", 0, "1000"));
        var validated = await AlterAsync(connection, Topic, "t", validateOnly: true, ("retention.ms", 0, "1000"));

        Assert.Equal(ErrorCode.InvalidConfig, (ErrorCode)invalid.ErrorCode);
        Assert.Equal(ErrorCode.InvalidConfig, (ErrorCode)unknown.ErrorCode);
        Assert.Equal(ErrorCode.InvalidConfig, (ErrorCode)readOnly.ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (ErrorCode)missing.ErrorCode);
        Assert.Equal(ErrorCode.None, (ErrorCode)validated.ErrorCode);
        Assert.Empty(broker.Services.Image.Configs.ForTopic("t"));
    }

    [Fact]
    public async Task Dynamic_broker_configs_apply_live_and_DescribeConfigs_shows_both_levels()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("t", 1);
        using var connection = await broker.ConnectAsync();
        var log = broker.Services.Logs.GetLog(new TopicPartition("t", 0))!;

        await AlterAsync(connection, Broker, "", ("log.retention.ms", 0, "120000"), ("log.cleaner.backoff.ms", 0, "250"));
        await AlterAsync(connection, Broker, "1", ("log.retention.ms", 0, "60000"));

        Assert.Equal(60000L, log.Config.RetentionMs);
        Assert.Equal(250L, broker.Services.Logs.Cleaner.Options.BackoffMs);
        Assert.True(broker.Services.Logs.Cleaner.IsRunning);
        var own = await connection.SendAsync<DescribeConfigsResponse>(Describe(Broker, "1", keys: ["log.retention.ms"], synonyms: true), 4);
        var entry = Assert.Single(own.Results[0].Configs);
        Assert.Equal(("60000", (sbyte)ConfigSource.DynamicBrokerConfig), (entry.Value, entry.ConfigSource));
        Assert.Equal([ConfigSource.DynamicBrokerConfig, ConfigSource.DynamicDefaultBrokerConfig], entry.Synonyms.Select(s => (ConfigSource)s.Source));
        var defaults = await connection.SendAsync<DescribeConfigsResponse>(Describe(Broker, ""), 4);
        Assert.Equal(["log.cleaner.backoff.ms", "log.retention.ms"], defaults.Results[0].Configs.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(defaults.Results[0].Configs, c => Assert.Equal((sbyte)ConfigSource.DynamicDefaultBrokerConfig, c.ConfigSource));
    }

    [Fact]
    public async Task Legacy_AlterConfigs_replaces_the_whole_set_and_survives_a_restart()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("t", 1, ("retention.ms", "1000"), ("segment.bytes", "2000000"));
        using (var connection = await broker.ConnectAsync())
        {
            var response = await connection.SendAsync<AlterConfigsResponse>(new AlterConfigsRequest
            {
                Resources = [new() { ResourceType = Topic, ResourceName = "t", Configs = [new() { Name = "max.message.bytes", Value = "5000" }] }],
            }, 2);
            Assert.Equal(0, response.Responses[0].ErrorCode);
            var validateOnly = await connection.SendAsync<AlterConfigsResponse>(new AlterConfigsRequest
            {
                ValidateOnly = true,
                Resources = [new() { ResourceType = Topic, ResourceName = "t", Configs = [new() { Name = "max.message.bytes", Value = "-5" }] }],
            }, 0);
            Assert.Equal(ErrorCode.InvalidConfig, (ErrorCode)validateOnly.Responses[0].ErrorCode);
        }

        await broker.RestartAsync();

        Assert.Equal(new Dictionary<string, string> { ["max.message.bytes"] = "5000" }, broker.Services.Image.Configs.ForTopic("t"));
        Assert.Equal(5000, broker.Services.Logs.GetLog(new TopicPartition("t", 0))!.Config.MaxMessageBytes);
    }

    private static DescribeConfigsRequest Describe(sbyte type, string name, List<string>? keys = null, bool synonyms = false, bool documentation = false) => new()
    {
        Resources = [new() { ResourceType = type, ResourceName = name, ConfigurationKeys = keys }],
        IncludeSynonyms = synonyms,
        IncludeDocumentation = documentation,
    };

    private static Task<IncrementalAlterConfigsResponse.AlterConfigsResourceResponse> AlterAsync(KafkaConnection connection, sbyte type, string name, params (string Name, sbyte Operation, string? Value)[] configs) =>
        AlterAsync(connection, type, name, false, configs);

    private static async Task<IncrementalAlterConfigsResponse.AlterConfigsResourceResponse> AlterAsync(KafkaConnection connection, sbyte type, string name, bool validateOnly, params (string Name, sbyte Operation, string? Value)[] configs)
    {
        var response = await connection.SendAsync<IncrementalAlterConfigsResponse>(new IncrementalAlterConfigsRequest
        {
            ValidateOnly = validateOnly,
            Resources =
            [
                new()
                {
                    ResourceType = type,
                    ResourceName = name,
                    Configs = [.. configs.Select(c => new IncrementalAlterConfigsRequest.AlterableConfig { Name = c.Name, ConfigOperation = c.Operation, Value = c.Value })],
                },
            ],
        }, 1);
        return Assert.Single(response.Responses);
    }
}
