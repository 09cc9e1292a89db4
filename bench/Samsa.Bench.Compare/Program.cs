using System.CommandLine;
using Samsa.Bench.Compare.Commands;

namespace Samsa.Bench.Compare;

internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand(
            "Samsa peer comparison harness: drives Kafka-protocol brokers and peer systems (Redis Streams, NATS JetStream, "
            + "RabbitMQ streams, ActiveMQ over AMQP 1.0 or MQTT) through the same produce/consume/latency loops, on 127.0.0.1 only.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SamsaPerfCommand.Create());
        root.Subcommands.Add(MemCopyCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(PartitionsMemoryCommand.Create());
        return root.Parse(args).Invoke();
    }
}
