using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Loader;
using Samsa.Metadata.Quorum;
using Samsa.Metadata.Records;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Tests;

/// <summary>A temporary directory removed at dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "samsa-metadata-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A single-voter quorum, its controller and a broker-side loader over a directory, as a node runs them.</summary>
public sealed class MetadataNode : IAsyncDisposable
{
    public const string ClusterId = "test-cluster-id-00000A";

    private MetadataNode(SingleVoterQuorum quorum, QuorumController controller, MetadataLoader loader)
    {
        Quorum = quorum;
        Controller = controller;
        Loader = loader;
    }

    public SingleVoterQuorum Quorum { get; }

    public QuorumController Controller { get; }

    public MetadataLoader Loader { get; }

    public static async Task<MetadataNode> StartAsync(string directory, int nodeId = 1, ControllerOptions? options = null, bool register = true)
    {
        var quorum = new SingleVoterQuorum(directory, nodeId);
        var controller = new QuorumController(quorum, ClusterId, options ?? new ControllerOptions { NodeId = nodeId });
        var loader = new MetadataLoader(ClusterId);
        quorum.Register(loader);
        await quorum.StartAsync(CancellationToken.None);
        await controller.BootstrapAsync(CancellationToken.None);
        var node = new MetadataNode(quorum, controller, loader);
        if (register)
        {
            await node.RegisterAsync(nodeId);
        }

        return node;
    }

    public async Task<long> RegisterAsync(int brokerId, bool unfence = true)
    {
        var registration = await Controller.RegisterBrokerAsync(new BrokerRegistrationRequest
        {
            BrokerId = brokerId,
            ClusterId = ClusterId,
            IncarnationId = Uuid.Random(),
            Listeners = [new BrokerRegistrationRequest.Listener { Name = "PLAINTEXT", Host = "localhost", Port = (ushort)(9091 + brokerId), SecurityProtocol = 0 }],
            Features = [new BrokerRegistrationRequest.Feature { Name = MetadataVersion.FeatureName, MinSupportedVersion = MetadataVersion.MinimumLevel, MaxSupportedVersion = MetadataVersion.LatestLevel }],
        }, CancellationToken.None);
        Assert.Equal(0, registration.ErrorCode);
        if (unfence)
        {
            var heartbeat = await Controller.BrokerHeartbeatAsync(new BrokerHeartbeatRequest
            {
                BrokerId = brokerId,
                BrokerEpoch = registration.BrokerEpoch,
                CurrentMetadataOffset = Loader.Image.Offset,
            }, CancellationToken.None);
            Assert.False(heartbeat.IsFenced);
        }

        return registration.BrokerEpoch;
    }

    public Task<CreateTopicsResponse> CreateTopicAsync(string name, int partitions = 1, short replicationFactor = 1, params (string Name, string? Value)[] configs) =>
        Controller.CreateTopicsAsync(new CreateTopicsRequest
        {
            Topics = [Topic(name, partitions, replicationFactor, configs)],
        }, CancellationToken.None);

    public static CreateTopicsRequest.CreatableTopic Topic(string name, int partitions = 1, short replicationFactor = 1, params (string Name, string? Value)[] configs) => new()
    {
        Name = name,
        NumPartitions = partitions,
        ReplicationFactor = replicationFactor,
        Configs = [.. configs.Select(c => new CreateTopicsRequest.CreatableTopicConfig { Name = c.Name, Value = c.Value })],
    };

    public async ValueTask DisposeAsync()
    {
        await Quorum.DisposeAsync();
        Controller.Dispose();
    }
}

/// <summary>Compares images by the records that rebuild them.</summary>
public static class ImageComparison
{
    public static IReadOnlyList<string> Describe(MetadataImage image) =>
        [.. ImageWriter.Records(image).Select(r => Convert.ToHexString(MetadataRecordSerde.Serialize(r))).Order(StringComparer.Ordinal)];

    public static void Equal(MetadataImage expected, MetadataImage actual)
    {
        Assert.Equal(expected.Offset, actual.Offset);
        Assert.Equal(Describe(expected), Describe(actual));
    }
}
