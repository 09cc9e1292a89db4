using System.Collections.Concurrent;
using System.Diagnostics;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Producer;

namespace Samsa.Cli.Perf;

/// <summary>
/// Sends one reused payload as fast as allowed. Each in-flight record borrows a <see cref="Slot"/> (its send time and
/// the delivery callback) from a pool, so the loop allocates nothing per record once the pool has grown to the window.
/// </summary>
internal sealed class ProducerLoad
{
    private readonly ConcurrentQueue<Slot> _slots = new();
    private readonly LatencyHistogram _latency = new();
    private long _acked;
    private long _failed;
    private KafkaClientException? _firstError;

    public static async Task<PerfResult> RunAsync(ProducerConfig config, ProducePerfSettings settings, CancellationToken ct)
    {
        var load = new ProducerLoad();
        var payload = new byte[settings.RecordSize];
        Random.Shared.NextBytes(payload);
        var progress = new Progress("sent");
        var throttle = new Throttle(settings.Throughput);
        var sent = 0L;
        var deadline = settings.Duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var limit = settings.Records ?? long.MaxValue;
        await using (var producer = new KafkaProducer(config))
        {
            while (sent < limit && ((sent & 255) != 0 || Stopwatch.GetTimestamp() < deadline))
            {
                var slot = load.Rent();
                slot.Start = Stopwatch.GetTimestamp();
                await producer.Produce(settings.Topic, null, payload, null, null, null, slot, ct);
                sent++;
                if ((sent & 1023) == 0 || settings.Throughput > 0)
                {
                    // At full speed the progress check (a clock read) runs once per 1,024 records.
                    progress.Tick(Interlocked.Read(ref load._acked), Interlocked.Read(ref load._acked) * settings.RecordSize, load._latency);
                }
                await throttle.WaitAsync(sent, ct);
            }

            await producer.FlushAsync(ct);
        }

        var elapsed = progress.Elapsed;
        if (load._firstError is { } error)
        {
            throw new Common.CliException($"{load._failed} of {sent} records failed: {Common.Run.Describe(error).Message}");
        }

        return new PerfResult("produce", load._acked, load._acked * settings.RecordSize, elapsed, load._latency);
    }

    private Slot Rent() => _slots.TryDequeue(out var slot) ? slot : new Slot(this);

    private void Complete(Slot slot, long answeredAt, KafkaClientException? error)
    {
        if (error is null)
        {
            _latency.Record((long)Stopwatch.GetElapsedTime(slot.Start, answeredAt).TotalMicroseconds);
            Interlocked.Increment(ref _acked);
        }
        else if (Interlocked.Increment(ref _failed) == 1)
        {
            _firstError = error;
        }

        _slots.Enqueue(slot);
    }

    private sealed class Slot(ProducerLoad owner) : IDeliveryHandler
    {
        public long Start { get; set; }

        public void OnDelivery(in DeliveryResult result, KafkaClientException? error) => owner.Complete(this, result.AnsweredAt, error);
    }
}
