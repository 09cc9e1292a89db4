using System.Runtime.InteropServices;
using Samsa.Client;
using Samsa.Client.Consumer;

namespace Samsa.Cli.ProduceConsume;

/// <summary>What both console consumers (samsa consume and kafka-console-consumer.sh) do the same way around their loops.</summary>
internal static class ConsoleReading
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan CommitEvery = TimeSpan.FromSeconds(1);

    /// <summary>SIGINT and SIGTERM cancel <paramref name="stop"/> instead of ending the process, so the loop can commit and report.</summary>
    public static IDisposable StopOnSignals(CancellationTokenSource stop) => new Registrations(
        PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop(stop)),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop(stop)));

    /// <summary>Commits the offsets after the records printed, so the group's lag counts exactly what was not shown.</summary>
    public static async Task CommitPrintedAsync(KafkaConsumer consumer, Dictionary<TopicPartition, long> printed, CancellationToken ct)
    {
        var owned = printed.Where(p => consumer.Assignment.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        if (owned.Count > 0)
        {
            await consumer.CommitAsync(owned, ct);
        }
    }

    private static Action<PosixSignalContext> Stop(CancellationTokenSource stop) => context =>
    {
        context.Cancel = true;
        stop.Cancel();
    };

    private sealed class Registrations(PosixSignalRegistration sigint, PosixSignalRegistration sigterm) : IDisposable
    {
        public void Dispose()
        {
            sigint.Dispose();
            sigterm.Dispose();
        }
    }
}
