using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Drivers;

/// <summary>
/// An MQTT 3.1.1 broker (ActiveMQ's MQTT transport) through MQTTnet: QoS 1 publishes to a topic with a
/// durable subscription (clean session off) made before the run, so the broker stores every record
/// for the subscriber; the subscriber reconnects to read the backlog.
/// </summary>
internal sealed class MqttDriver(string endpoint, int window, string durability) : IStreamDriver
{
    private readonly MqttClientFactory _factory = new();

    public DriverDescription Description { get; } = new(
        "mqtt",
        ClientVersion.Of("MQTTnet", typeof(MqttClientFactory)),
        "MQTT 3.1.1",
        durability,
        $"QoS 1 publish per record (PUBACK after the broker stored it), pipelined, at most {Math.Min(window, 65_000)} unacknowledged",
        "durable subscription (clean session off, QoS 1) made before producing; each message PUBACKed by the client on receipt");

    public async Task ConnectAsync(CancellationToken ct)
    {
        using var probe = _factory.CreateMqttClient();
        await probe.ConnectAsync(Options($"bench-probe-{Environment.ProcessId}", cleanSession: true), ct);
        await probe.DisconnectAsync(cancellationToken: ct);
    }

    public async Task CreateStreamAsync(StreamTarget target, CancellationToken ct)
    {
        using var client = _factory.CreateMqttClient();
        await client.ConnectAsync(Options(SubscriberId(target), cleanSession: false), ct);
        await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topic(target), MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            ct);
        await client.DisconnectAsync(cancellationToken: ct);
    }

    public async Task DeleteStreamAsync(StreamTarget target, CancellationToken ct)
    {
        // A clean-session connect with the subscriber's id drops its durable subscription and backlog.
        using var client = _factory.CreateMqttClient();
        await client.ConnectAsync(Options(SubscriberId(target), cleanSession: true), ct);
        await client.DisconnectAsync(cancellationToken: ct);
    }

    public async Task<IRecordProducer> OpenProducerAsync(StreamTarget target, RunMode mode, AckWindow acks, CancellationToken ct)
    {
        var client = _factory.CreateMqttClient();
        await client.ConnectAsync(Options($"bench-pub-{target.Name}", cleanSession: true), ct);
        return new Producer(client, Topic(target), acks);
    }

    // The subscriber connects when consuming starts: the broker delivers the backlog as soon as it is connected.
    public Task<IRecordConsumer> OpenConsumerAsync(StreamTarget target, RunMode mode, CancellationToken ct) =>
        Task.FromResult<IRecordConsumer>(new Consumer(_factory.CreateMqttClient(), Options(SubscriberId(target), cleanSession: false)));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Topic(StreamTarget target) => $"bench/{target.Name}";

    private static string SubscriberId(StreamTarget target) => $"bench-sub-{target.Name}";

    private MqttClientOptions Options(string clientId, bool cleanSession)
    {
        var (host, port) = Endpoint.Split(endpoint);
        return new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId)
            .WithCleanSession(cleanSession)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
    }

    private sealed class Producer(IMqttClient client, string topic, AckWindow acks) : IRecordProducer
    {
        private static readonly Action<Task, object?> OnPuback = static (task, state) => ((AckWindow)state!).CompleteFrom(task);

        public ValueTask SendAsync(ReadOnlyMemory<byte> record, int partition, CancellationToken ct)
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(new ReadOnlySequence<byte>(record))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            _ = client.PublishAsync(message, CancellationToken.None)
                .ContinueWith(OnPuback, acks, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            if (client.IsConnected)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(cancellationToken: cts.Token);
            }

            client.Dispose();
        }
    }

    private sealed class Consumer(IMqttClient client, MqttClientOptions options) : IRecordConsumer
    {
        public async Task ConsumeAsync(IRecordSink sink, CancellationToken ct)
        {
            client.ApplicationMessageReceivedAsync += e =>
            {
                var payload = e.ApplicationMessage.Payload;
                sink.OnRecord(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
                return Task.CompletedTask;
            };
            await client.ConnectAsync(options, ct);
            await sink.Completion.WaitAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            if (client.IsConnected)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.DisconnectAsync(cancellationToken: cts.Token);
            }

            client.Dispose();
        }
    }
}
