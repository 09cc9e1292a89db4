namespace Samsa.Client.Tests.Infrastructure;

/// <summary>One librdkafka mock cluster (3 brokers) shared by the tests of a collection; each test uses its own topics.</summary>
public sealed class MockClusterFixture : IDisposable
{
    private int _topics;

    internal MockCluster Cluster { get; } = new(brokers: 3);

    public string Bootstrap => Cluster.Bootstrap;

    /// <summary>Creates a topic with a name no other test uses.</summary>
    public string CreateTopic(string prefix, int partitions, int replicationFactor = 1)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _topics)}";
        Cluster.CreateTopic(name, partitions, replicationFactor);
        return name;
    }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class MockClusterCollection : ICollectionFixture<MockClusterFixture>
{
    public const string Name = "librdkafka mock cluster";
}
