using System.Globalization;
using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Client.Consumer;

namespace Samsa.Cli.Compat;

/// <summary>What the consumer perf test reads and how it reports.</summary>
internal sealed record ConsumerPerfPlan(
    IReadOnlyList<string>? Topics, string? Include, long Messages, string? Group, bool FromLatest, long TimeoutMs, long ReportingIntervalMs,
    bool ShowDetailedStats, KafkaDateFormat DateFormat, bool HideHeader, bool PrintMetrics);

/// <summary>
/// Kafka's consumer perf test: reads until --messages records or --timeout ms without one, counting key and value
/// bytes; a CSV row per reporting interval with --show-detailed-stats, else one summary row. With --group the
/// consumer joins the group and rebalance.time.ms is the time until it had partitions; without, it assigns them.
/// </summary>
internal sealed class KafkaConsumerPerfRun : IRecordHandler
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private long _messages;
    private long _bytes;
    private long _limit;

    public void OnRecord(in ConsumedRecord record)
    {
        if (_messages < _limit)
        {
            _messages++;
            _bytes += Math.Max(0, record.Key.Length) + Math.Max(0, record.Value.Length);
        }
    }

    public static async Task RunAsync(ConsumerConfig config, AdminClientConfig adminConfig, ConsumerPerfPlan plan, CancellationToken ct)
    {
        var output = System.Console.Out;
        if (!plan.HideHeader)
        {
            var first = plan.ShowDetailedStats ? "time, threadId" : "start.time, end.time";
            await output.WriteLineAsync($"{first}, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec");
        }

        var run = new KafkaConsumerPerfRun { _limit = plan.Messages };
        var startMs = KafkaPerfStats.NowMs();
        long joinMs;
        await using (var consumer = new KafkaConsumer(config))
        {
            await StartAsync(consumer, adminConfig, plan, ct);
            joinMs = await run.ConsumeAsync(consumer, plan, startMs, output, ct);
        }

        var endMs = KafkaPerfStats.NowMs();
        if (!plan.ShowDetailedStats)
        {
            var seconds = (endMs - startMs) / 1000.0;
            var fetchMs = endMs - startMs - joinMs;
            var mb = run._bytes / (1024.0 * 1024.0);
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{plan.DateFormat.Format(startMs)}, {plan.DateFormat.Format(endMs)}, {mb:F4}, {mb / seconds:F4}, {run._messages}, {run._messages / seconds:F4}, {joinMs}, {fetchMs}, {mb / (fetchMs / 1000.0):F4}, {run._messages / (fetchMs / 1000.0):F4}"));
        }

        if (plan.PrintMetrics)
        {
            var seconds = Math.Max((endMs - startMs) / 1000.0, 1e-3);
            KafkaMetricsTable.Print(output, "consumer-fetch-manager-metrics", config.ClientId, [
                ("records-consumed-total", run._messages),
                ("records-consumed-rate", run._messages / seconds),
                ("bytes-consumed-total", run._bytes),
                ("bytes-consumed-rate", run._bytes / seconds),
            ]);
        }
    }

    private static async Task StartAsync(KafkaConsumer consumer, AdminClientConfig adminConfig, ConsumerPerfPlan plan, CancellationToken ct)
    {
        await using var admin = new KafkaAdminClient(adminConfig);
        if (await KafkaTopicPattern.SubscribeOrListAsync(consumer, admin, plan.Topics, plan.Include, plan.Group, ct) is not { } partitions)
        {
            return;
        }

        consumer.Assign(partitions);
        if (plan.FromLatest)
        {
            consumer.SeekToEnd(partitions);
        }
        else
        {
            consumer.SeekToBeginning(partitions);
        }
    }

    /// <summary>The loop; returns the time spent joining the group (0 without one).</summary>
    private async Task<long> ConsumeAsync(KafkaConsumer consumer, ConsumerPerfPlan plan, long startMs, TextWriter output, CancellationToken ct)
    {
        var now = KafkaPerfStats.NowMs();
        var (lastReport, lastConsumed, lastMessages, lastBytes) = (now, now, 0L, 0L);
        var (joinMs, joinRoundMs, joined) = (0L, 0L, plan.Group is null);
        while (_messages < _limit && now - lastConsumed <= plan.TimeoutMs)
        {
            var count = await consumer.ConsumeAsync(this, Poll, ct);
            now = KafkaPerfStats.NowMs();
            if (!joined && consumer.Assignment.Count > 0)
            {
                (joined, joinMs, joinRoundMs) = (true, now - startMs, now - startMs);
            }

            if (count == 0)
            {
                continue;
            }

            lastConsumed = now;
            if (now - lastReport >= plan.ReportingIntervalMs)
            {
                if (plan.ShowDetailedStats)
                {
                    await output.WriteLineAsync(Row(plan.DateFormat, now, lastReport, _bytes - lastBytes, lastMessages, joinRoundMs));
                }

                (joinRoundMs, lastReport, lastMessages, lastBytes) = (0, now, _messages, _bytes);
            }
        }

        if (_messages < _limit)
        {
            await output.WriteLineAsync($"WARNING: Exiting before consuming the expected number of messages: timeout ({plan.TimeoutMs} ms) exceeded. Raise --timeout to wait longer.");
        }

        return joinMs;
    }

    /// <summary>A --show-detailed-stats row: totals so far, rates over the interval.</summary>
    private string Row(KafkaDateFormat format, long endMs, long startMs, long intervalBytes, long lastMessages, long joinRoundMs)
    {
        var elapsedMs = (double)(endMs - startMs);
        var intervalMb = intervalBytes / (1024.0 * 1024.0);
        var intervalMessages = _messages - lastMessages;
        var fetchMs = endMs - startMs - joinRoundMs;
        var fetchMbPerSec = fetchMs <= 0 ? 0.0 : 1000.0 * intervalMb / fetchMs;
        var fetchMessagesPerSec = fetchMs <= 0 ? 0.0 : 1000.0 * intervalMessages / fetchMs;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{format.Format(endMs)}, 0, {_bytes / (1024.0 * 1024.0):F4}, {1000.0 * intervalMb / elapsedMs:F4}, {_messages}, {intervalMessages / elapsedMs * 1000.0:F4}, {joinRoundMs}, {fetchMs}, {fetchMbPerSec:F4}, {fetchMessagesPerSec:F4}");
    }
}
