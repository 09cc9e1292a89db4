using Amqp;
using Amqp.Framing;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Drivers;

/// <summary>
/// An AMQP 1.0 broker (ActiveMQ's AMQP transport) through AMQPNetLite: durable messages to a queue,
/// each send completing on the broker's Accepted outcome, read back with a credit window.
/// </summary>
internal sealed class AmqpDriver(string endpoint, int window, string addressPrefix, string durability) : IStreamDriver
{
    private Connection? _connection;

    public DriverDescription Description { get; } = new(
        "amqp",
        ClientVersion.Of("AMQPNetLite", typeof(Connection)),
        "AMQP 1.0",
        durability,
        $"one sender link, durable messages (header durable=true), at most {window} unsettled",
        $"one receiver link, credit {window}, each message accepted (settled) on receipt");

    public async Task ConnectAsync(CancellationToken ct)
    {
        var (host, port) = Endpoint.Split(endpoint);
        var factory = new ConnectionFactory();
        factory.AMQP.ContainerId = $"samsa-bench-{Environment.ProcessId}";
        _connection = await factory.CreateAsync(new Address(host, port, "guest", "guest", "/", "AMQP")).WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    // Queues appear on first attach; a run's queue is drained by its own consumer.
    public Task CreateStreamAsync(StreamTarget target, CancellationToken ct) => Task.CompletedTask;

    public Task DeleteStreamAsync(StreamTarget target, CancellationToken ct) => Task.CompletedTask;

    public Task<IRecordProducer> OpenProducerAsync(StreamTarget target, RunMode mode, AckWindow acks, CancellationToken ct)
    {
        var session = new Session(Connection);
        var sender = new SenderLink(session, $"sender-{target.Name}", addressPrefix + target.Name);
        return Task.FromResult<IRecordProducer>(new Producer(session, sender, acks));
    }

    public Task<IRecordConsumer> OpenConsumerAsync(StreamTarget target, RunMode mode, CancellationToken ct)
    {
        var session = new Session(Connection);
        var receiver = new ReceiverLink(session, $"receiver-{target.Name}", addressPrefix + target.Name);
        return Task.FromResult<IRecordConsumer>(new Consumer(session, receiver, window));
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.CloseAsync();
        }
    }

    private Connection Connection => _connection ?? throw new InvalidOperationException("not connected");

    private sealed class Producer(Session session, SenderLink sender, AckWindow acks) : IRecordProducer
    {
        private static readonly Action<Task, object?> OnOutcome = static (task, state) => ((AckWindow)state!).CompleteFrom(task);

        public ValueTask SendAsync(ReadOnlyMemory<byte> record, int partition, CancellationToken ct)
        {
            var message = new Message
            {
                Header = new Header { Durable = true },
                BodySection = new Data { Binary = Bytes.Of(record) },
            };
            _ = sender.SendAsync(message).ContinueWith(OnOutcome, acks, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await sender.CloseAsync();
            await session.CloseAsync();
        }
    }

    private sealed class Consumer(Session session, ReceiverLink receiver, int credit) : IRecordConsumer
    {
        public async Task ConsumeAsync(IRecordSink sink, CancellationToken ct)
        {
            receiver.Start(credit, (link, message) =>
            {
                link.Accept(message);
                if (message.Body is byte[] body)
                {
                    sink.OnRecord(body);
                }
            });
            await sink.Completion.WaitAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            await receiver.CloseAsync();
            await session.CloseAsync();
        }
    }
}
