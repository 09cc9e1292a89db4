namespace Samsa.Bench.Compare.Harness;

internal static class Deadlines
{
    /// <summary>A token cancelled by the caller or after <paramref name="limit"/>, whichever comes first.</summary>
    public static CancellationTokenSource Linked(TimeSpan limit, CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        return cts;
    }

    /// <summary>Runs a clean-up step within a time limit; failures are logged, not thrown.</summary>
    public static async Task BestEffortAsync(Func<CancellationToken, Task> step, TimeSpan limit, TextWriter log, string what)
    {
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await step(cts.Token).WaitAsync(limit + TimeSpan.FromSeconds(1));
        }
        catch (Exception e)
        {
            await log.WriteLineAsync($"  ({what} failed: {e.Message})");
        }
    }
}
