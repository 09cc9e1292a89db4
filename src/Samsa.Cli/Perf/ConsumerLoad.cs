using System.Diagnostics;
using Samsa.Cli.Common;
using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Client.Consumer;

namespace Samsa.Cli.Perf;

/// <summary>
/// Reads records through the copy-free handler path, counting records and bytes and recording each record's age
/// (consume time minus its timestamp); nothing is allocated per record.
/// </summary>
internal sealed class ConsumerLoad : IRecordHandler
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly LatencyHistogram _latency = new();
    private long _records;
    private long _bytes;
    private long _limit = long.MaxValue;
    private long _nowMs;
    private long _firstRecordAt;

    public void OnRecord(in ConsumedRecord record)
    {
        if (_records >= _limit)
        {
            return;
        }

        if (_records++ == 0)
        {
            _firstRecordAt = Stopwatch.GetTimestamp();
        }

        _bytes += Math.Max(0, record.Value.Length);
        _latency.Record((_nowMs - record.Timestamp) * 1000);
    }

    public static async Task<PerfResult> RunAsync(ConsumerConfig config, AdminClientConfig adminConfig, ConsumePerfSettings settings, CancellationToken ct)
    {
        SocketCompletions.RunInline();
        PerfProduceCommand.Validate(new ProducePerfSettings(settings.Topic, settings.Records, settings.Duration, 0, 0));
        var load = new ConsumerLoad { _limit = settings.Records ?? long.MaxValue };
        if (settings.Group is not null)
        {
            config.GroupId = settings.Group;
        }

        // The clock starts before the consumer exists, as for produce: assignment and the first fetch count.
        var progress = new Progress("consumed");
        await using var consumer = new KafkaConsumer(config);
        await AssignAsync(consumer, adminConfig, settings, ct);
        var deadline = settings.Duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var lastRecord = Stopwatch.GetTimestamp();
        while (load._records < load._limit && Stopwatch.GetTimestamp() < deadline)
        {
            load._nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (await consumer.ConsumeAsync(load, Poll, ct) > 0)
            {
                lastRecord = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastRecord).TotalMilliseconds > settings.TimeoutMs)
            {
                throw new CliException($"no record for {settings.TimeoutMs} ms after {load._records} records; is the topic long enough? (--timeout-ms raises the wait)");
            }

            progress.Tick(load._records, load._bytes, load._latency);
        }

        var elapsed = progress.Elapsed;
        var firstRecord = load._records > 0 ? progress.ElapsedAt(load._firstRecordAt) : (TimeSpan?)null;
        return new PerfResult("consume", load._records, load._bytes, elapsed, load._latency, firstRecord);
    }

    private static async Task AssignAsync(KafkaConsumer consumer, AdminClientConfig adminConfig, ConsumePerfSettings settings, CancellationToken ct)
    {
        if (settings.Group is not null)
        {
            consumer.Subscribe([settings.Topic]);
            return;
        }

        await using var admin = new KafkaAdminClient(adminConfig);
        var partitions = await Admin.PartitionsAsync(admin, [settings.Topic], ct);
        consumer.Assign(partitions);
        consumer.SeekToBeginning(partitions);
    }
}
