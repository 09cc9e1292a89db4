using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Network;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Tests;

/// <summary>Connections, version negotiation, timeouts and unreachable brokers, against librdkafka's mock cluster.</summary>
public sealed class ConnectionTests
{
    private static ConnectionSettings Settings(string bootstrap, int requestTimeoutMs = 5_000) =>
        ConnectionSettings.From(new AdminClientConfig { BootstrapServers = bootstrap, RequestTimeoutMs = requestTimeoutMs });

    [Fact]
    public async Task Versions_are_the_highest_both_sides_support()
    {
        using var mock = new MockCluster(brokers: 1);
        var address = BrokerAddress.Parse(mock.Bootstrap);
        await using var connection = await BrokerConnection.ConnectAsync(address, -1, Settings(mock.Bootstrap), CancellationToken.None);

        // The mock announces Metadata 0-13 and Produce 0-10; this client knows Metadata up to 12 and Produce up to 11.
        Assert.Equal(new ApiVersionRange(ApiKey.Metadata, 0, 13), connection.Versions.Get(ApiKey.Metadata));
        Assert.True(connection.Versions.TryPick(ApiKey.Metadata, out var metadata));
        Assert.Equal(12, metadata);
        Assert.True(connection.Versions.TryPick(ApiKey.Produce, out var produce));
        Assert.Equal(10, produce);
        Assert.False(connection.Versions.Supports(ApiKey.CreateTopics));
    }

    [Fact]
    public async Task ApiVersions_answered_with_UNSUPPORTED_VERSION_is_retried_at_a_version_the_broker_takes()
    {
        // The mock's ApiVersions stops at v2 and answers this client's v4 with UNSUPPORTED_VERSION.
        using var mock = new MockCluster(brokers: 1);
        await using var connection = await BrokerConnection.ConnectAsync(BrokerAddress.Parse(mock.Bootstrap), -1, Settings(mock.Bootstrap), CancellationToken.None);
        Assert.Equal(2, connection.ApiVersionsVersion);
        Assert.NotEmpty(connection.Versions.All);
    }

    [Fact]
    public async Task A_broker_with_older_versions_is_spoken_to_at_those_versions()
    {
        using var mock = new MockCluster(brokers: 1);
        mock.SetApiVersion((short)ApiKey.Metadata, 0, 4);
        // Produce v3-4: the mock's v5 answer lacks log_start_offset and does not decode as v5.
        mock.SetApiVersion((short)ApiKey.Produce, 3, 4);
        var topic = "old-versions";
        mock.CreateTopic(topic, 2);
        await using var connection = await BrokerConnection.ConnectAsync(BrokerAddress.Parse(mock.Bootstrap), -1, Settings(mock.Bootstrap), CancellationToken.None);
        Assert.True(connection.Versions.TryPick(ApiKey.Metadata, out var version));
        Assert.Equal(4, version);

        await using var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 0, DeliveryTimeoutMs = 5_000 });
        var result = await producer.ProduceAsync(topic, "k"u8.ToArray(), "v"u8.ToArray());
        Assert.Equal(0, result.Offset);
    }

    [Fact]
    public async Task A_broker_without_a_common_version_is_an_unsupported_api_error()
    {
        using var mock = new MockCluster(brokers: 1);
        await using var connection = await BrokerConnection.ConnectAsync(BrokerAddress.Parse(mock.Bootstrap), -1, Settings(mock.Bootstrap), CancellationToken.None);
        var error = Assert.Throws<UnsupportedApiException>(() => connection.Versions.Pick(ApiKey.CreateTopics, connection.Name));
        Assert.Contains("does not support CreateTopics", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_is_named_with_the_reason()
    {
        var port = FreePort.Next();
        var address = new BrokerAddress("127.0.0.1", port);
        var error = await Assert.ThrowsAsync<BrokerConnectionException>(
            () => BrokerConnection.ConnectAsync(address, -1, Settings(address.ToString()), CancellationToken.None));
        Assert.Equal($"cannot reach broker 127.0.0.1:{port}: connection refused", error.Message);
        Assert.True(error.IsRetriable);
    }

    [Fact]
    public async Task Clients_report_an_unreachable_bootstrap_broker()
    {
        var port = FreePort.Next();
        var config = new ProducerConfig { BootstrapServers = $"localhost:{port}", DefaultApiTimeoutMs = 1_000, MaxBlockMs = 1_000, ReconnectBackoffMs = 50 };
        await using var producer = new KafkaProducer(config);
        var error = await Assert.ThrowsAsync<BrokerConnectionException>(() => producer.GetPartitionCountAsync("any"));
        Assert.Equal($"cannot reach broker localhost:{port}: connection refused", error.Message);
    }

    [Fact]
    public async Task A_request_without_an_answer_times_out_and_closes_the_connection()
    {
        using var mock = new MockCluster(brokers: 1);
        var address = BrokerAddress.Parse(mock.Bootstrap);
        await using var connection = await BrokerConnection.ConnectAsync(address, 1, Settings(mock.Bootstrap, requestTimeoutMs: 300), CancellationToken.None);
        mock.SetRoundTripTime(1, 3_000);

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<KafkaTimeoutException>(
            () => connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, 12, CancellationToken.None));
        Assert.Contains("Metadata request to broker", error.Message, StringComparison.Ordinal);
        Assert.Contains("timed out after 300 ms", error.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2.5));
        Assert.False(connection.IsAlive);
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        using var mock = new MockCluster(brokers: 1);
        await using var connection = await BrokerConnection.ConnectAsync(
            BrokerAddress.Parse(mock.Bootstrap), 1, ConnectionSettings.From(new AdminClientConfig { BootstrapServers = mock.Bootstrap, MaxInFlightRequestsPerConnection = 4 }), CancellationToken.None);
        var tasks = Enumerable.Range(0, 50)
            .Select(_ => connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 2, CancellationToken.None))
            .ToArray();
        var responses = await Task.WhenAll(tasks);
        Assert.All(responses, r => Assert.Equal(0, r.ErrorCode));
        Assert.True(connection.IsAlive);
    }
}
