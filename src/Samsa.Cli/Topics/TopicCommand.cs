using System.CommandLine;

namespace Samsa.Cli.Topics;

/// <summary><c>samsa topic create|list|describe|delete|add-partitions|alter-config</c>.</summary>
internal static class TopicCommand
{
    public static Command Create() => new("topic", "Create, list, describe, delete and change topics")
    {
        TopicCreateCommand.Create(),
        TopicListCommand.Create(),
        TopicDescribeCommand.Create(),
        TopicDeleteCommand.Create(),
        TopicAddPartitionsCommand.Create(),
        TopicAlterConfigCommand.Create(),
    };
}
