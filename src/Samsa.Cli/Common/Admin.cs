using System.CommandLine;
using Samsa.Client.Admin;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Common;

/// <summary>Admin client construction and the look-ups several commands share.</summary>
internal static class Admin
{
    public static KafkaAdminClient Create(ClientOptions options, ParseResult parse) =>
        new(options.Config<AdminClientConfig>(parse));

    /// <summary>Describes topics, failing with a clear message when one does not exist.</summary>
    public static async Task<IReadOnlyList<TopicDescription>> DescribeExistingAsync(KafkaAdminClient admin, IEnumerable<string> topics, CancellationToken ct) =>
        (await admin.DescribeTopicsAsync(topics, ct)).ThrowIfAnyFailed();

    /// <summary>Every partition of the given topics.</summary>
    public static async Task<List<Samsa.Client.TopicPartition>> PartitionsAsync(KafkaAdminClient admin, IEnumerable<string> topics, CancellationToken ct) =>
        [.. (await DescribeExistingAsync(admin, topics, ct)).SelectMany(t => t.Partitions.Select(p => new Samsa.Client.TopicPartition(t.Name, p.Partition)))];
}
