using System.Diagnostics;

namespace Samsa.Bench.Compare.Harness;

/// <summary>
/// One throughput repeat: produce N records of S bytes into a fresh stream with at most W unacknowledged,
/// then read them all back from the start. Both phases stop handing out work at the phase deadline.
/// </summary>
internal sealed class ThroughputRunner(IStreamDriver driver, RunSettings settings, TextWriter log, BrokerProbe? probe = null)
{
    internal static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    public async Task<(PhaseRun Produce, PhaseRun Consume)> RunOnceAsync(StreamTarget target, int recordBytes, CancellationToken ct)
    {
        var count = Math.Min(settings.MaxRecords, Math.Max(1, settings.RunBytes / recordBytes));
        using (var setup = Deadlines.Linked(SetupTimeout, ct))
        {
            await driver.CreateStreamAsync(target, setup.Token);
        }

        try
        {
            var before = probe?.Sample();
            var produce = await ProduceAsync(target, recordBytes, count, ct);
            var middle = probe?.Sample();
            var consume = produce.Records > 0
                ? await ConsumeAsync(target, produce.Records, ct)
                : new PhaseRun(0, 0, 0, 0, 0, false, 0, "nothing was produced");
            if (probe is not null)
            {
                produce = produce with { Broker = middle!.Since(before!, produce.Records) };
                consume = consume with { Broker = probe.Sample().Since(middle, consume.Records) };
            }

            return (produce, consume);
        }
        finally
        {
            await Deadlines.BestEffortAsync(t => driver.DeleteStreamAsync(target, t), SetupTimeout, log, $"delete {target.Name}");
        }
    }

    private async Task<PhaseRun> ProduceAsync(StreamTarget target, int recordBytes, long count, CancellationToken ct)
    {
        var payload = Payload.Shared(recordBytes);
        using var window = new AckWindow(settings.Window);
        IRecordProducer producer;
        using (var setup = Deadlines.Linked(SetupTimeout, ct))
        {
            producer = await driver.OpenProducerAsync(target, RunMode.Throughput, window, setup.Token);
        }

        await using (producer)
        {
            var phase = TimeSpan.FromSeconds(settings.PhaseSeconds);
            using var hard = Deadlines.Linked(phase + Grace, ct);
            var start = Stopwatch.GetTimestamp();
            var stopAt = start + (long)(phase.TotalSeconds * Stopwatch.Frequency);
            var hitDeadline = false;
            string? error = null;
            try
            {
                for (long i = 0; i < count; i++)
                {
                    if ((i & 127) == 0 && Stopwatch.GetTimestamp() > stopAt)
                    {
                        hitDeadline = true;
                        break;
                    }

                    await window.AcquireAsync(hard.Token);
                    if (window.FirstError is not null)
                    {
                        window.Return();
                        break;
                    }

                    try
                    {
                        await producer.SendAsync(payload, (int)(i % target.Partitions), hard.Token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        window.Complete(e);
                        break;
                    }
                }

                await window.DrainAsync(hard.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                hitDeadline = true;
                error = $"acknowledgements still outstanding {Grace.TotalSeconds:0} s after the phase deadline";
            }

            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            error ??= window.FirstError?.Message;
            return Phase(window.Acked, recordBytes, seconds, hitDeadline, window.Failed, error);
        }
    }

    private async Task<PhaseRun> ConsumeAsync(StreamTarget target, long expected, CancellationToken ct)
    {
        var sink = new CountingSink(expected);
        IRecordConsumer consumer;
        using (var setup = Deadlines.Linked(SetupTimeout, ct))
        {
            consumer = await driver.OpenConsumerAsync(target, RunMode.Throughput, setup.Token);
        }

        await using (consumer)
        {
            var phase = TimeSpan.FromSeconds(settings.PhaseSeconds);
            using var deadline = Deadlines.Linked(phase, ct);
            var start = Stopwatch.GetTimestamp();
            string? error = null;
            try
            {
                await consumer.ConsumeAsync(sink, deadline.Token).WaitAsync(phase + Grace, ct);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // the phase deadline: report what arrived
            }
            catch (TimeoutException)
            {
                error = "the consumer did not stop at the deadline";
            }
            catch (Exception e)
            {
                error = e.Message;
            }

            var done = sink.Records >= expected;
            var end = done ? sink.LastTimestamp : Stopwatch.GetTimestamp();
            var seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
            return new PhaseRun(
                sink.Records,
                sink.Bytes,
                seconds,
                sink.Records / seconds,
                sink.Bytes / seconds / 1e6,
                !done,
                0,
                error ?? (done ? null : $"received {sink.Records} of {expected} before the deadline"));
        }
    }

    private static PhaseRun Phase(long records, int recordBytes, double seconds, bool hitDeadline, long failed, string? error) =>
        new(records, records * recordBytes, seconds, records / seconds, records * (double)recordBytes / seconds / 1e6, hitDeadline, failed, error);
}
