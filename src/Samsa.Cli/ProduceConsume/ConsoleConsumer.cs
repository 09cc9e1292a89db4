using System.Diagnostics;
using System.Globalization;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Client;
using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Client.Consumer;

namespace Samsa.Cli.ProduceConsume;

/// <summary>Reads records and prints them through a template until a limit, idleness or SIGINT/SIGTERM.</summary>
internal static class ConsoleConsumer
{
    public static async Task<long> RunAsync(ConsumerConfig config, AdminClientConfig adminConfig, ConsumeSettings settings, TextWriter output, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var signals = ConsoleReading.StopOnSignals(stop);
        if (settings.Group is not null)
        {
            config.GroupId = settings.Group;
            config.EnableAutoCommit = false;
            config.AutoOffsetReset = settings.FromBeginning ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest;
        }

        await using var consumer = new KafkaConsumer(config);
        await PositionAsync(consumer, adminConfig, settings, stop.Token);
        return await LoopAsync(consumer, settings, output, stop.Token);
    }

    private static async Task PositionAsync(KafkaConsumer consumer, AdminClientConfig adminConfig, ConsumeSettings settings, CancellationToken ct)
    {
        await using var admin = new KafkaAdminClient(adminConfig);
        var partitions = await Admin.PartitionsAsync(admin, [settings.Topic], ct);
        if (settings.Group is not null)
        {
            if (settings.Partition is not null || settings.Offset is not null || settings.FromTimestamp is not null)
            {
                throw CliException.Usage("--group takes its start from the group's offsets: --partition, --offset and --from-timestamp do not combine with it");
            }

            consumer.Subscribe([settings.Topic]);
            return;
        }

        if (settings.Partition is { } only)
        {
            partitions = partitions.Contains(new TopicPartition(settings.Topic, only))
                ? [new TopicPartition(settings.Topic, only)]
                : throw new CliException($"topic {settings.Topic} has no partition {only} (it has {partitions.Count})");
        }

        consumer.Assign(partitions);
        await SeekAsync(consumer, partitions, settings, ct);
    }

    private static async Task SeekAsync(KafkaConsumer consumer, List<TopicPartition> partitions, ConsumeSettings settings, CancellationToken ct)
    {
        if (settings.FromTimestamp is { } time)
        {
            var ms = long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) ? unix : Groups.ResetStrategy.ParseDateTime(time).ToUnixTimeMilliseconds();
            await consumer.SeekToTimestampAsync(partitions.ToDictionary(p => p, _ => ms), ct);
        }
        else if (settings.Offset is "earliest" || (settings.Offset is null && settings.FromBeginning))
        {
            consumer.SeekToBeginning(partitions);
        }
        else if (settings.Offset is null or "latest")
        {
            consumer.SeekToEnd(partitions);
        }
        else if (long.TryParse(settings.Offset, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            foreach (var tp in partitions)
            {
                consumer.Seek(tp, offset);
            }
        }
        else
        {
            throw CliException.Usage($"--offset: '{settings.Offset}' is not a number, earliest or latest");
        }
    }

    private static async Task<long> LoopAsync(KafkaConsumer consumer, ConsumeSettings settings, TextWriter output, CancellationToken ct)
    {
        var processed = 0L;
        var printed = new Dictionary<TopicPartition, long>();
        var text = new StringBuilder();
        var lastRecord = Stopwatch.GetTimestamp();
        var lastCommit = Stopwatch.GetTimestamp();
        try
        {
            while (settings.MaxMessages is not { } max || processed < max)
            {
                var records = await consumer.ConsumeAsync(ConsoleReading.Poll, ct);
                foreach (var record in records.Take((int)Math.Min(records.Count, (settings.MaxMessages ?? long.MaxValue) - processed)))
                {
                    settings.Template.Append(text, record);
                    printed[new TopicPartition(record.Topic, record.Partition)] = record.Offset + 1;
                    processed++;
                }

                await output.WriteAsync(text, ct);
                await output.FlushAsync(ct);
                text.Clear();
                if (records.Count > 0)
                {
                    lastRecord = Stopwatch.GetTimestamp();
                }
                else if (settings.TimeoutMs is { } idle && Stopwatch.GetElapsedTime(lastRecord).TotalMilliseconds >= idle)
                {
                    break;
                }

                if (settings.Group is not null && Stopwatch.GetElapsedTime(lastCommit) >= ConsoleReading.CommitEvery)
                {
                    await ConsoleReading.CommitPrintedAsync(consumer, printed, ct);
                    lastCommit = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        if (settings.Group is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await ConsoleReading.CommitPrintedAsync(consumer, printed, timeout.Token);
        }

        return processed;
    }
}
