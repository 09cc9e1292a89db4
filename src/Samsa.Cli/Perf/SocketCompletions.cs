namespace Samsa.Cli.Perf;

/// <summary>
/// Lets the socket engine's thread run what follows a completed socket operation instead of queueing each completion
/// to the thread pool. The load commands' continuations never block, and the hand-off costs a thread switch per
/// completion: on a core of its own, samsa perf produce went from 2.3M to 2.7M records/s and consume from 3.7-4.3M to
/// 4.5M (bench/README.md, CLI). .NET reads the setting once, when the first socket is made, so this runs before that.
/// </summary>
internal static class SocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the environment already says otherwise.</summary>
    public static void RunInline()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
