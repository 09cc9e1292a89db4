using System.CommandLine;

namespace Samsa.Cli.Groups;

/// <summary><c>samsa group list|describe|reset-offsets|delete|delete-offsets</c>.</summary>
internal static class GroupCommand
{
    public static Command Create() => new("group", "List, describe, reset and delete consumer groups")
    {
        GroupListCommand.Create(),
        GroupDescribeCommand.Create(),
        GroupResetOffsetsCommand.Create(),
        GroupDeleteCommand.Create(),
        GroupDeleteOffsetsCommand.Create(),
    };
}
