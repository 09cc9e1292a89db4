using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Drivers;

/// <summary>
/// RabbitMQ streams through RabbitMQ.Client over AMQP 0-9-1: a queue declared with x-queue-type=stream,
/// publisher confirms tracked per record, read back from the first offset with a prefetch window.
/// </summary>
internal sealed class RabbitMqStreamDriver(string endpoint, int window) : IStreamDriver
{
    private IConnection? _connection;

    public DriverDescription Description { get; } = new(
        "rabbitmq",
        ClientVersion.Of("RabbitMQ.Client", typeof(IConnection)),
        "AMQP 0-9-1",
        "stream queue (x-queue-type=stream, always persistent, 1 node): the publisher confirm comes after the write to the segment file; "
            + "streams do not fsync per message, the OS flushes the page cache",
        $"basic.publish per record with publisher confirms, pipelined, at most {window} unconfirmed (client rate limiter off)",
        $"basic.consume with x-stream-offset=first, prefetch {Math.Min(window, ushort.MaxValue)}, multiple-ack every {Math.Max(1, window / 2)} records");

    public async Task ConnectAsync(CancellationToken ct)
    {
        var (host, port) = Endpoint.Split(endpoint);
        var factory = new ConnectionFactory
        {
            HostName = host,
            Port = port,
            UserName = "guest",
            Password = "guest",
            ClientProvidedName = "samsa-bench",
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            AutomaticRecoveryEnabled = false,
        };
        _connection = await factory.CreateConnectionAsync(ct);
    }

    public async Task CreateStreamAsync(StreamTarget target, CancellationToken ct)
    {
        await using var channel = await Connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeclareAsync(
            target.Name,
            durable: true,
            exclusive: false,
            autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "stream" },
            cancellationToken: ct);
    }

    public async Task DeleteStreamAsync(StreamTarget target, CancellationToken ct)
    {
        await using var channel = await Connection.CreateChannelAsync(cancellationToken: ct);
        await channel.QueueDeleteAsync(target.Name, cancellationToken: ct);
    }

    public async Task<IRecordProducer> OpenProducerAsync(StreamTarget target, RunMode mode, AckWindow acks, CancellationToken ct)
    {
        var channel = await Connection.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: null),
            ct);
        return new Producer(channel, target.Name, acks);
    }

    public async Task<IRecordConsumer> OpenConsumerAsync(StreamTarget target, RunMode mode, CancellationToken ct)
    {
        var channel = await Connection.CreateChannelAsync(cancellationToken: ct);
        await channel.BasicQosAsync(0, (ushort)Math.Min(window, ushort.MaxValue), false, ct);
        return new Consumer(channel, target.Name, Math.Max(1, window / 2));
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private IConnection Connection => _connection ?? throw new InvalidOperationException("not connected");

    private sealed class Producer(IChannel channel, string queue, AckWindow acks) : IRecordProducer
    {
        private static readonly Action<Task, object?> OnConfirm = static (task, state) => ((AckWindow)state!).CompleteFrom(task);
        private readonly BasicProperties _properties = new() { Persistent = true };

        public ValueTask SendAsync(ReadOnlyMemory<byte> record, int partition, CancellationToken ct)
        {
            // With confirmation tracking the returned task completes when the broker confirms.
            var confirmed = channel.BasicPublishAsync(string.Empty, queue, mandatory: false, _properties, record, CancellationToken.None);
            if (confirmed.IsCompleted)
            {
                acks.CompleteFrom(confirmed.AsTask());
            }
            else
            {
                _ = confirmed.AsTask().ContinueWith(OnConfirm, acks, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => channel.DisposeAsync();
    }

    private sealed class Consumer(IChannel channel, string queue, int ackEvery) : IRecordConsumer
    {
        public async Task ConsumeAsync(IRecordSink sink, CancellationToken ct)
        {
            var received = 0L;
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                var done = sink.OnRecord(delivery.Body.Span);
                if (++received % ackEvery == 0 && !done)
                {
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true);
                }
            };
            var tag = await channel.BasicConsumeAsync(
                queue,
                autoAck: false,
                consumerTag: string.Empty,
                noLocal: false,
                exclusive: false,
                arguments: new Dictionary<string, object?> { ["x-stream-offset"] = "first" },
                consumer: consumer,
                cancellationToken: ct);
            try
            {
                await sink.Completion.WaitAsync(ct);
            }
            finally
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await channel.BasicCancelAsync(tag, noWait: true, cancel.Token);
            }
        }

        public ValueTask DisposeAsync() => channel.DisposeAsync();
    }
}
