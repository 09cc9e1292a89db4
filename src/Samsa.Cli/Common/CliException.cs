namespace Samsa.Cli.Common;

/// <summary>A failure the user can fix: printed as one line (what went wrong and what to do), exit code <see cref="ExitCode"/>.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public CliException(string message, int exitCode)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; } = 1;

    /// <summary>Exit code of bad flags or arguments.</summary>
    public const int UsageExitCode = 2;

    public static CliException Usage(string message) => new(message, UsageExitCode);
}
