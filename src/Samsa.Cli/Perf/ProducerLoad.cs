using System.Diagnostics;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Producer;

namespace Samsa.Cli.Perf;

/// <summary>
/// Sends one reused payload as fast as allowed. Each in-flight record borrows a <see cref="Slot"/> (its send time and
/// the delivery callback) from a ring indexed by the record's number, so the loop allocates nothing per record once
/// the ring holds the window, and renting or returning a slot takes no interlocked operation.
/// </summary>
internal sealed class ProducerLoad
{
    // More than buffer.memory's default (32 MiB) holds of the smallest records, so a slot is nearly always free again
    // when its turn comes; one that is not is replaced.
    private const int RingSize = 1 << 19;
    private readonly Slot?[] _ring = new Slot?[RingSize];
    private readonly LatencyHistogram _latency = new();
    private readonly long _clockOriginTicks = Stopwatch.GetTimestamp();
    private readonly long _clockOriginUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private long _acked;
    private long _failed;
    private KafkaClientException? _firstError;

    public static Task<PerfResult> RunAsync(ProducerConfig config, ProducePerfSettings settings, CancellationToken ct)
    {
        var throttle = new Throttle(settings.Throughput);
        return throttle.Run(() => RunAsync(config, settings, throttle, ct));
    }

    private static async Task<PerfResult> RunAsync(ProducerConfig config, ProducePerfSettings settings, Throttle throttle, CancellationToken ct)
    {
        SocketCompletions.RunInline();
        var load = new ProducerLoad();
        var payload = new byte[settings.RecordSize];
        Random.Shared.NextBytes(payload);
        var sent = 0L;
        var limit = settings.Records ?? long.MaxValue;
        Progress progress;
        await using (var producer = new KafkaProducer(config))
        {
            // Learning the topic's leaders is set-up, not produce latency: the first records would otherwise wait for it.
            await throttle.Stay(new ValueTask(producer.GetPartitionCountAsync(settings.Topic, ct)));
            progress = new Progress("sent");
            var deadline = settings.Duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
            var clock = new SendClock(load, settings.Throughput > 0);
            while (sent < limit && ((sent & 255) != 0 || Stopwatch.GetTimestamp() < deadline))
            {
                var slot = load.Rent(sent);
                slot.Start = clock.Read();
                var append = producer.Produce(settings.Topic, null, payload, null, null, clock.UnixMs, slot, ct);
                if (append.IsCompletedSuccessfully)
                {
                    append.GetAwaiter().GetResult();
                }
                else
                {
                    await throttle.Stay(append);
                    clock.Expire();
                }

                sent++;
                if ((sent & 1023) == 0 || settings.Throughput > 0)
                {
                    // At full speed the progress check (a clock read) runs once per 1,024 records.
                    progress.Tick(Interlocked.Read(ref load._acked), Interlocked.Read(ref load._acked) * settings.RecordSize, load._latency);
                }
                throttle.Wait(sent, ct);
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

    private Slot Rent(long number)
    {
        ref var entry = ref _ring[number & (RingSize - 1)];
        if (entry is not { } slot || Volatile.Read(ref slot.Busy))
        {
            slot = new Slot(this);
            entry = slot;
        }

        slot.Busy = true;
        return slot;
    }

    /// <summary>The record timestamp for a send time: one clock read serves both.</summary>
    private long UnixMs(long timestamp) => _clockOriginUnixMs + (long)Stopwatch.GetElapsedTime(_clockOriginTicks, timestamp).TotalMilliseconds;

    /// <summary>
    /// Send times. At full speed a reading serves up to <see cref="Reuse"/> records sent back to back (about 3 µs at
    /// 3M records/s, under the histogram's 10 µs step), which spares most clock reads; after any wait, and under a
    /// throughput target, every record reads the clock.
    /// </summary>
    private struct SendClock(ProducerLoad load, bool paced)
    {
        private const int Reuse = 8;
        private int _left;
        private long _now;

        public long UnixMs { get; private set; }

        public long Read()
        {
            if (_left-- <= 0)
            {
                _now = Stopwatch.GetTimestamp();
                UnixMs = load.UnixMs(_now);
                _left = paced ? 0 : Reuse - 1;
            }

            return _now;
        }

        public void Expire() => _left = 0;
    }

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

        Volatile.Write(ref slot.Busy, false);
    }

    private sealed class Slot(ProducerLoad owner) : IDeliveryHandler
    {
        public bool Busy;

        public long Start { get; set; }

        public void OnDelivery(in DeliveryResult result, KafkaClientException? error) => owner.Complete(this, result.AnsweredAt, error);
    }
}
