using System.Text;
using Samsa.Cli.Common;
using Samsa.Cli.Perf;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Producer;

namespace Samsa.Cli.Compat;

/// <summary>What the producer perf test sends: how many records, the payloads, the pace.</summary>
internal sealed record ProducerPerfPlan(string Topic, long Records, long WarmupRecords, double Throughput, KafkaPerfPayloads Payloads, bool PrintMetrics);

/// <summary>
/// Kafka's producer perf test loop: a payload per record, Kafka's 5-second window lines and total line on standard
/// output, a second total for the steady state after --warmup-records.
/// </summary>
internal sealed class KafkaProducerPerfRun
{
    private readonly KafkaPerfStats _stats;
    private KafkaPerfStats? _steadyStats;
    private long _failed;
    private KafkaClientException? _firstError;

    private KafkaProducerPerfRun(KafkaPerfStats stats) => _stats = stats;

    public static Task RunAsync(ProducerConfig config, ProducerPerfPlan plan, CancellationToken ct)
    {
        var throttle = new Throttle(plan.Throughput);
        return throttle.Run(async () =>
        {
            await RunAsync(config, plan, throttle, ct);
            return true;
        });
    }

    private static async Task RunAsync(ProducerConfig config, ProducerPerfPlan plan, Throttle throttle, CancellationToken ct)
    {
        var output = System.Console.Out;
        if (plan.WarmupRecords > 0)
        {
            await output.WriteLineAsync($"Warmup first {plan.WarmupRecords} records. Steady state results will print after the complete test summary.");
        }

        var run = new KafkaProducerPerfRun(new KafkaPerfStats(plan.Records, false, output));
        await using (var producer = new KafkaProducer(config))
        {
            for (var i = 0L; i < plan.Records; i++)
            {
                var payload = plan.Payloads.Next(i);
                if (plan.WarmupRecords > 0 && i == plan.WarmupRecords)
                {
                    run._steadyStats = new KafkaPerfStats(plan.Records - plan.WarmupRecords, true, output);
                    run._stats.Quiet = true;
                }

                var callback = new Callback(run, run._steadyStats, KafkaPerfStats.NowMs(), payload.Length);
                await throttle.Stay(producer.ProduceFromMemory(plan.Topic, null, payload, null, null, null, callback, ct));
                throttle.Wait(i + 1, ct);
            }

            await producer.FlushAsync(ct);
        }

        run.PrintTotals(plan, config.ClientId);
    }

    private void PrintTotals(ProducerPerfPlan plan, string clientId)
    {
        _stats.PrintTotal();
        _steadyStats?.PrintTotal();
        if (plan.PrintMetrics)
        {
            var seconds = Math.Max(_stats.ElapsedSeconds, 1e-3);
            KafkaMetricsTable.Print(System.Console.Out, "producer-metrics", clientId, [
                ("record-send-total", _stats.Count),
                ("record-send-rate", _stats.Count / seconds),
                ("record-error-total", Interlocked.Read(ref _failed)),
                ("record-size-avg", _stats.Count == 0 ? 0 : _stats.Bytes / (double)_stats.Count),
            ]);
        }

        if (_firstError is { } error)
        {
            throw new CliException($"{_failed} of {plan.Records} records failed: {Run.Describe(error).Message}");
        }
    }

    private void Complete(KafkaPerfStats? steadyStats, long startMs, int bytes, KafkaClientException? error)
    {
        if (error is not null)
        {
            if (Interlocked.Increment(ref _failed) == 1)
            {
                _firstError = error;
            }

            return;
        }

        var now = KafkaPerfStats.NowMs();
        var latency = (int)(now - startMs);
        _stats.Record(latency, bytes, now);
        steadyStats?.Record(latency, bytes, now);
    }

    /// <summary>Kafka's per-record callback: when the record was sent, how big it was, and (after the warmup) the steady-state statistics it counts in.</summary>
    private sealed class Callback(KafkaProducerPerfRun run, KafkaPerfStats? steadyStats, long startMs, int bytes) : IDeliveryHandler
    {
        public void OnDelivery(in DeliveryResult result, KafkaClientException? error) => run.Complete(steadyStats, startMs, bytes, error);
    }
}

/// <summary>
/// The payload of each record: random capital letters of --record-size bytes (a window at a random place in a pool,
/// so every record differs without generating bytes per record), a random line of --payload-file, or the record's
/// number (--payload-monotonic).
/// </summary>
internal sealed class KafkaPerfPayloads
{
    private const int PoolSize = 1 << 20;
    private readonly Random _random = new(0);
    private readonly byte[]? _pool;
    private readonly int _recordSize;
    private readonly List<byte[]>? _file;

    private KafkaPerfPayloads(int recordSize, byte[]? pool, List<byte[]>? file) => (_recordSize, _pool, _file) = (recordSize, pool, file);

    public static KafkaPerfPayloads Random(int recordSize)
    {
        var pool = new byte[PoolSize + recordSize];
        var random = new Random(0);
        for (var i = 0; i < pool.Length; i++)
        {
            pool[i] = (byte)('A' + random.Next(26));
        }

        return new KafkaPerfPayloads(recordSize, pool, null);
    }

    public static KafkaPerfPayloads Monotonic() => new(0, null, null);

    public static KafkaPerfPayloads FromFile(List<byte[]> payloads) => new(0, null, payloads);

    public ReadOnlyMemory<byte> Next(long number) =>
        _file is { } file ? file[_random.Next(file.Count)]
        : _pool is { } pool ? pool.AsMemory(_random.Next(PoolSize), _recordSize)
        : Encoding.UTF8.GetBytes(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
