using System.CommandLine;

namespace Samsa.Cli.Configs;

/// <summary><c>samsa config describe|set|delete</c> for topics and brokers.</summary>
internal static class ConfigCommand
{
    public static Command Create() => new("config", "Show and change topic and broker configs")
    {
        ConfigDescribeCommand.Create(),
        ConfigSetCommand.Create(),
        ConfigDeleteCommand.Create(),
    };
}
