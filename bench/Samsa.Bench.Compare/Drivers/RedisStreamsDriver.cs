using Samsa.Bench.Compare.Harness;
using StackExchange.Redis;

namespace Samsa.Bench.Compare.Drivers;

/// <summary>
/// Redis Streams through StackExchange.Redis: XADD pipelined on one multiplexed connection, read back
/// with XREADGROUP (NOACK, BLOCK) on a second connection so a blocked read never stalls the writer.
/// </summary>
internal sealed class RedisStreamsDriver(string endpoint, int window) : IStreamDriver
{
    private const string Group = "bench";
    private const string Field = "v";
    private ConnectionMultiplexer? _writer;

    public DriverDescription Description { get; } = new(
        "redis",
        ClientVersion.Of("StackExchange.Redis", typeof(ConnectionMultiplexer)),
        "RESP2",
        "server config: AOF on, appendfsync everysec (the reply goes out after the write to the AOF's page cache; fsync once a second in the background), RDB snapshots off",
        $"XADD per record (one field), pipelined on one connection, at most {window} unacknowledged",
        $"XREADGROUP COUNT {window} BLOCK 100 NOACK on one consumer group (no per-record XACK, as Kafka consumers commit no offsets here)");

    public async Task ConnectAsync(CancellationToken ct) => _writer = await ConnectOneAsync();

    public async Task CreateStreamAsync(StreamTarget target, CancellationToken ct)
    {
        var db = Writer.GetDatabase();
        await db.KeyDeleteAsync(target.Name);
        await db.StreamCreateConsumerGroupAsync(target.Name, Group, "0-0", createStream: true);
    }

    public Task DeleteStreamAsync(StreamTarget target, CancellationToken ct) => Writer.GetDatabase().KeyDeleteAsync(target.Name);

    public Task<IRecordProducer> OpenProducerAsync(StreamTarget target, RunMode mode, AckWindow acks, CancellationToken ct) =>
        Task.FromResult<IRecordProducer>(new Producer(Writer.GetDatabase(), target.Name, acks));

    public async Task<IRecordConsumer> OpenConsumerAsync(StreamTarget target, RunMode mode, CancellationToken ct) =>
        new Consumer(await ConnectOneAsync(), target.Name, window);

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }

    private ConnectionMultiplexer Writer => _writer ?? throw new InvalidOperationException("not connected");

    private async Task<ConnectionMultiplexer> ConnectOneAsync()
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { endpoint },
            AbortOnConnectFail = true,
            ConnectTimeout = 5_000,
            AsyncTimeout = 30_000,
            SyncTimeout = 30_000,
            Protocol = RedisProtocol.Resp2,
            ClientName = "samsa-bench",
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private sealed class Producer(IDatabase db, string key, AckWindow acks) : IRecordProducer
    {
        private static readonly Action<Task, object?> OnAck = static (task, state) => ((AckWindow)state!).CompleteFrom(task);

        public ValueTask SendAsync(ReadOnlyMemory<byte> record, int partition, CancellationToken ct)
        {
            _ = db.StreamAddAsync(key, Field, record).ContinueWith(OnAck, acks, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Consumer(ConnectionMultiplexer connection, string key, int count) : IRecordConsumer
    {
        public async Task ConsumeAsync(IRecordSink sink, CancellationToken ct)
        {
            var db = connection.GetDatabase();
            object[] args = ["GROUP", Group, "c1", "COUNT", count, "BLOCK", 100, "NOACK", "STREAMS", key, ">"];
            while (!ct.IsCancellationRequested)
            {
                var reply = await db.ExecuteAsync("XREADGROUP", args);
                if (reply.IsNull)
                {
                    continue;
                }

                // [[key, [[id, [field, value]], ...]]]
                foreach (var stream in (RedisResult[])reply!)
                {
                    foreach (var entry in (RedisResult[])((RedisResult[])stream!)[1]!)
                    {
                        var fields = (RedisResult[])((RedisResult[])entry!)[1]!;
                        var value = (ReadOnlyMemory<byte>)(RedisValue)fields[1];
                        if (sink.OnRecord(value.Span))
                        {
                            return;
                        }
                    }
                }
            }
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
