using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Drivers;

internal static class DriverFactory
{
    public static readonly string[] Systems = ["kafka", "redis", "nats", "rabbitmq", "amqp", "mqtt"];

    /// <summary>Only the Kafka protocol has an acks setting and partitions; the others get one stream and their own ack.</summary>
    public static bool HasAcksAndPartitions(string system) => system == "kafka";

    public static IStreamDriver Create(string system, string endpoint, RunSettings settings, string durability, string amqpAddressPrefix, bool kafkaMock = false) => system switch
    {
        "kafka" => new KafkaDriver(endpoint, settings.LingerMs, settings.Window, createTopics: !kafkaMock, batchBytes: settings.BatchBytes),
        "redis" => new RedisStreamsDriver(endpoint, settings.Window),
        "nats" => new NatsJetStreamDriver(endpoint, settings.Window),
        "rabbitmq" => new RabbitMqStreamDriver(endpoint, settings.Window),
        "amqp" => new AmqpDriver(endpoint, settings.Window, amqpAddressPrefix, durability),
        "mqtt" => new MqttDriver(endpoint, settings.Window, durability),
        _ => throw new ArgumentException($"unknown system '{system}' (one of {string.Join(", ", Systems)})"),
    };
}
