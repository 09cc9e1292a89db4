using System.Diagnostics;
using Samsa.Cli.Common;
using Samsa.Cli.ProduceConsume;
using Samsa.Client;
using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Client.Consumer;

namespace Samsa.Cli.Compat;

/// <summary>Where the console consumer reads and how it stops.</summary>
internal sealed record ConsoleConsumerPlan(
    IReadOnlyList<string>? Topics, string? Include, string? Group, int? Partition, string Offset, bool FromBeginning, long? MaxMessages, long? TimeoutMs, bool SkipMessageOnError);

/// <summary>
/// The console consumer's loop: with a group it subscribes and commits the offsets after the records it printed;
/// without one it assigns the partitions and seeks (the start Kafka's throwaway group would take). Prints
/// "Processed a total of N messages" on standard error however it ends.
/// </summary>
internal static class KafkaConsoleConsumerLoop
{
    public static async Task RunAsync(ConsumerConfig config, AdminClientConfig adminConfig, ConsoleConsumerPlan plan, KafkaMessageFormatter formatter, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var signals = ConsoleReading.StopOnSignals(stop);
        var processed = new Counter();
        try
        {
            await using var consumer = new KafkaConsumer(config);
            await PositionAsync(consumer, adminConfig, plan, config.AutoOffsetReset, stop.Token);
            await LoopAsync(consumer, plan, formatter, processed, stop.Token);
        }
        finally
        {
            await System.Console.Error.WriteLineAsync($"Processed a total of {processed.Value} messages");
        }
    }

    private static async Task PositionAsync(KafkaConsumer consumer, AdminClientConfig adminConfig, ConsoleConsumerPlan plan, AutoOffsetReset reset, CancellationToken ct)
    {
        await using var admin = new KafkaAdminClient(adminConfig);
        if (await KafkaTopicPattern.SubscribeOrListAsync(consumer, admin, plan.Topics, plan.Include, plan.Group, ct) is not { } partitions)
        {
            return;
        }

        if (plan.Partition is { } only)
        {
            var topic = partitions[0].Topic;
            var wanted = new TopicPartition(topic, only);
            partitions = partitions.Contains(wanted) ? [wanted] : throw new CliException($"topic {topic} has no partition {only} (it has {partitions.Count})");
            consumer.Assign(partitions);
            Seek(consumer, partitions, plan.Offset);
            return;
        }

        consumer.Assign(partitions);
        Seek(consumer, partitions, reset == AutoOffsetReset.Earliest ? "earliest" : "latest");
    }

    private static void Seek(KafkaConsumer consumer, List<TopicPartition> partitions, string offset)
    {
        switch (offset)
        {
            case "earliest": consumer.SeekToBeginning(partitions); break;
            case "latest": consumer.SeekToEnd(partitions); break;
            default: partitions.ForEach(p => consumer.Seek(p, long.Parse(offset, System.Globalization.CultureInfo.InvariantCulture))); break;
        }
    }

    private static async Task LoopAsync(KafkaConsumer consumer, ConsoleConsumerPlan plan, KafkaMessageFormatter formatter, Counter processed, CancellationToken ct)
    {
        var printed = new Dictionary<TopicPartition, long>();
        using var stdout = System.Console.OpenStandardOutput();
        using var text = new MemoryStream();
        var lastRecord = Stopwatch.GetTimestamp();
        var lastCommit = Stopwatch.GetTimestamp();
        try
        {
            while (plan.MaxMessages is not { } max || processed.Value < max)
            {
                var records = await consumer.ConsumeAsync(ConsoleReading.Poll, ct);
                try
                {
                    foreach (var record in records.Take((int)Math.Min(records.Count, (plan.MaxMessages ?? long.MaxValue) - processed.Value)))
                    {
                        processed.Value++;
                        printed[new TopicPartition(record.Topic, record.Partition)] = record.Offset + 1;
                        await FormatAsync(formatter, record, text, plan.SkipMessageOnError);
                    }
                }
                finally
                {
                    await stdout.WriteAsync(text.GetBuffer().AsMemory(0, (int)text.Length), ct);
                    await stdout.FlushAsync(ct);
                    text.SetLength(0);
                }

                if (records.Count > 0)
                {
                    lastRecord = Stopwatch.GetTimestamp();
                }
                else if (plan.TimeoutMs is { } idle && Stopwatch.GetElapsedTime(lastRecord).TotalMilliseconds >= idle)
                {
                    break;
                }

                if (plan.Group is not null && Stopwatch.GetElapsedTime(lastCommit) >= ConsoleReading.CommitEvery)
                {
                    await ConsoleReading.CommitPrintedAsync(consumer, printed, ct);
                    lastCommit = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            if (plan.Group is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ConsoleReading.CommitPrintedAsync(consumer, printed, timeout.Token);
            }
        }
    }

    private static async Task FormatAsync(KafkaMessageFormatter formatter, ConsumerRecord record, MemoryStream text, bool skipOnError)
    {
        try
        {
            formatter.Write(record, text);
        }
        catch (DeserializationException e) when (skipOnError)
        {
            await System.Console.Error.WriteLineAsync($"ERROR Error processing message, skipping this message: {e.Message} ({record.Topic}-{record.Partition} offset {record.Offset})");
        }
        catch (DeserializationException e)
        {
            throw new CliException($"Error processing message, terminating consumer process: {e.Message} ({record.Topic}-{record.Partition} offset {record.Offset}); --skip-message-on-error skips such records");
        }
    }

    private sealed class Counter
    {
        public long Value { get; set; }
    }
}
