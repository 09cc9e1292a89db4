using System.CommandLine;

namespace Samsa.Cli.Perf;

/// <summary><c>samsa perf produce|consume</c>.</summary>
internal static class PerfCommand
{
    public static Command Create() => new("perf", "Load tests: produce or consume at full speed or a target rate")
    {
        PerfProduceCommand.Create(),
        PerfConsumeCommand.Create(),
    };
}
