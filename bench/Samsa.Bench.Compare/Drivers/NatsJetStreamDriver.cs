using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Drivers;

/// <summary>
/// NATS JetStream through NATS.Net: a file-storage stream with one subject, publishes awaiting the
/// stream's PubAck, read back by an ordered consumer (ephemeral, no acks, flow controlled).
/// </summary>
internal sealed class NatsJetStreamDriver(string endpoint, int window) : IStreamDriver
{
    private NatsConnection? _connection;
    private NatsJSContext? _js;

    public DriverDescription Description { get; } = new(
        "nats",
        ClientVersion.Of("NATS.Net", typeof(NatsJSContext)),
        "NATS client protocol, JetStream API",
        "stream config: file storage, 1 replica; the PubAck comes after the write to the block file (page cache); "
            + "the server fsyncs in the background (nats-server 2.9 has no sync_interval option; later versions default to 2 min)",
        $"JetStream publish per record, pipelined, at most {window} PubAcks outstanding",
        $"ordered consumer (ephemeral, AckPolicy none, flow control), MaxMsgs {window} per pull");

    public async Task ConnectAsync(CancellationToken ct)
    {
        _connection = new NatsConnection(new NatsOpts
        {
            Url = $"nats://{endpoint}",
            Name = "samsa-bench",
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxReconnectRetry = 0,
            RequestTimeout = TimeSpan.FromSeconds(30),
            SubPendingChannelCapacity = Math.Max(1024, window * 2),
        });
        await _connection.ConnectAsync();
        _js = new NatsJSContext(_connection);
    }

    public async Task CreateStreamAsync(StreamTarget target, CancellationToken ct)
    {
        await DeleteStreamAsync(target, ct);
        await Js.CreateStreamAsync(
            new StreamConfig(target.Name, [Subject(target)])
            {
                Storage = StreamConfigStorage.File,
                Retention = StreamConfigRetention.Limits,
                NumReplicas = 1,
            },
            ct);
    }

    public async Task DeleteStreamAsync(StreamTarget target, CancellationToken ct)
    {
        try
        {
            await Js.DeleteStreamAsync(target.Name, ct);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            // nothing to delete
        }
    }

    public Task<IRecordProducer> OpenProducerAsync(StreamTarget target, RunMode mode, AckWindow acks, CancellationToken ct) =>
        Task.FromResult<IRecordProducer>(new Producer(Js, Subject(target), acks));

    public async Task<IRecordConsumer> OpenConsumerAsync(StreamTarget target, RunMode mode, CancellationToken ct)
    {
        var consumer = await Js.CreateOrderedConsumerAsync(
            target.Name,
            new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All },
            ct);
        return new Consumer(consumer, window);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private NatsJSContext Js => _js ?? throw new InvalidOperationException("not connected");

    private static string Subject(StreamTarget target) => $"{target.Name}.records";

    private sealed class Producer(NatsJSContext js, string subject, AckWindow acks) : IRecordProducer
    {
        public ValueTask SendAsync(ReadOnlyMemory<byte> record, int partition, CancellationToken ct)
        {
            _ = PublishAsync(record);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private async Task PublishAsync(ReadOnlyMemory<byte> record)
        {
            try
            {
                var ack = await js.PublishAsync(subject, record);
                ack.EnsureSuccess();
                acks.Complete(null);
            }
            catch (Exception e)
            {
                acks.Complete(e);
            }
        }
    }

    private sealed class Consumer(INatsJSConsumer consumer, int window) : IRecordConsumer
    {
        public async Task ConsumeAsync(IRecordSink sink, CancellationToken ct)
        {
            var opts = new NatsJSConsumeOpts { MaxMsgs = window };
            await foreach (var message in consumer.ConsumeAsync<NatsMemoryOwner<byte>>(opts: opts, cancellationToken: ct))
            {
                using var data = message.Data;
                if (sink.OnRecord(data.Span))
                {
                    return;
                }
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
