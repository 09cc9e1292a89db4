namespace Samsa.Cli.Common;

/// <summary>How a command prints its result: aligned columns for people, JSON for programs.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
