using System.Diagnostics;

namespace Samsa.Bench.Compare.Harness;

/// <summary>
/// End-to-end latency at a fixed rate: a consumer reads the stream while a paced producer sends
/// rate × seconds records, each carrying the Stopwatch timestamp of its produce call; the consumer
/// records receipt time minus that timestamp. The first 10% of samples are warm-up and not counted.
/// </summary>
internal sealed class LatencyRunner(IStreamDriver driver, RunSettings settings, TextWriter log, BrokerProbe? probe = null)
{
    private const double WarmupFraction = 0.1;

    public async Task<LatencyRun> RunOnceAsync(StreamTarget target, int recordBytes, CancellationToken ct)
    {
        var expected = (int)Math.Max(1, settings.LatencyRate * settings.LatencySeconds);
        using (var setup = Deadlines.Linked(ThroughputRunner.SetupTimeout, ct))
        {
            await driver.CreateStreamAsync(target, setup.Token);
        }

        try
        {
            return await MeasureAsync(target, recordBytes, expected, ct);
        }
        finally
        {
            await Deadlines.BestEffortAsync(t => driver.DeleteStreamAsync(target, t), ThroughputRunner.SetupTimeout, log, $"delete {target.Name}");
        }
    }

    private async Task<LatencyRun> MeasureAsync(StreamTarget target, int recordBytes, int expected, CancellationToken ct)
    {
        var sink = new LatencySink(expected);
        var budget = TimeSpan.FromSeconds((settings.LatencySeconds * 1.5) + ThroughputRunner.Grace.TotalSeconds);
        IRecordConsumer consumer;
        using (var setup = Deadlines.Linked(ThroughputRunner.SetupTimeout, ct))
        {
            consumer = await driver.OpenConsumerAsync(target, RunMode.Latency, setup.Token);
        }

        await using (consumer)
        {
            using var consumeDeadline = Deadlines.Linked(budget, ct);
            var consuming = consumer.ConsumeAsync(sink, consumeDeadline.Token);

            // Let the consumer attach (subscribe, first fetch) before the clock starts.
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            var before = probe?.Sample();
            var (sent, achievedRate, error) = await ProducePacedAsync(target, recordBytes, expected, ct);
            sink.LowerExpectation(sent);
            try
            {
                await sink.Completion.WaitAsync(ThroughputRunner.Grace, ct);
            }
            catch (TimeoutException)
            {
                error ??= $"received {sink.Received} of {sent} within {ThroughputRunner.Grace.TotalSeconds:0} s after the last send";
            }

            await consumeDeadline.CancelAsync();
            try
            {
                await consuming.WaitAsync(ThroughputRunner.Grace, ct);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                // stopping the consumer is all that was asked of it here
            }
            catch (Exception e)
            {
                error ??= e.Message;
            }

            var run = Summarise(sink, sent, achievedRate, error);
            return before is null ? run : run with { Broker = probe!.Sample().Since(before, sent) };
        }
    }

    private async Task<(long Sent, double Rate, string? Error)> ProducePacedAsync(StreamTarget target, int recordBytes, int expected, CancellationToken ct)
    {
        var template = Payload.Shared(recordBytes);
        using var window = new AckWindow(settings.Window);
        IRecordProducer producer;
        using (var setup = Deadlines.Linked(ThroughputRunner.SetupTimeout, ct))
        {
            producer = await driver.OpenProducerAsync(target, RunMode.Latency, window, setup.Token);
        }

        await using (producer)
        {
            var rate = (double)settings.LatencyRate;
            var start = Stopwatch.GetTimestamp();
            var giveUpAt = start + (long)(settings.LatencySeconds * 1.5 * Stopwatch.Frequency);
            using var hard = Deadlines.Linked(TimeSpan.FromSeconds((settings.LatencySeconds * 1.5) + ThroughputRunner.Grace.TotalSeconds), ct);
            long sent = 0;
            string? error = null;
            try
            {
                for (; sent < expected; sent++)
                {
                    var due = start + (long)(sent * Stopwatch.Frequency / rate);
                    var now = Stopwatch.GetTimestamp();
                    if (now > giveUpAt)
                    {
                        error = "could not sustain the target rate (stopped at 1.5 × the planned duration)";
                        break;
                    }

                    if (now < due)
                    {
                        // Timer granularity is about 1 ms: records due within it go out together.
                        await Task.Delay(TimeSpan.FromMilliseconds(1), hard.Token);
                    }

                    await window.AcquireAsync(hard.Token);
                    if (window.FirstError is not null)
                    {
                        window.Return();
                        break;
                    }

                    try
                    {
                        await producer.SendAsync(Payload.Stamp(template), 0, hard.Token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        window.Complete(e);
                        break;
                    }
                }

                var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                await window.DrainAsync(hard.Token);
                return (window.Acked, sent / sendSeconds, error ?? window.FirstError?.Message);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return (window.Acked, sent / Stopwatch.GetElapsedTime(start).TotalSeconds, "acknowledgements still outstanding at the deadline");
            }
        }
    }

    private static LatencyRun Summarise(LatencySink sink, long sent, double achievedRate, string? error)
    {
        var all = sink.Latencies;
        var skip = (int)(all.Length * WarmupFraction);
        var samples = all[skip..].ToArray();
        Array.Sort(samples);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Rank(double q) => samples.Length == 0 ? double.NaN : Ms(samples[Math.Clamp((int)Math.Ceiling(q * samples.Length) - 1, 0, samples.Length - 1)]);
        return new LatencyRun(
            sent,
            sink.Received,
            samples.Length,
            achievedRate,
            Rank(0.50),
            Rank(0.99),
            Rank(0.999),
            samples.Length == 0 ? double.NaN : Ms(samples[^1]),
            error);
    }
}
