namespace Samsa.Client.Network;

/// <summary>Exponential backoff with ±20% jitter between a first and a maximum wait, as Kafka's clients retry.</summary>
internal readonly record struct Backoff(int InitialMs, int MaxMs)
{
    public TimeSpan Delay(int attempt)
    {
        if (InitialMs <= 0)
        {
            return TimeSpan.Zero;
        }

        var exp = Math.Min(attempt, 20);
        var ms = Math.Min((double)InitialMs * Math.Pow(2, exp), Math.Max(MaxMs, InitialMs));
        ms *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(ms);
    }
}
