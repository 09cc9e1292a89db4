namespace Samsa.ProtocolGen;

/// <summary>An inclusive range of schema versions; "N+" is open-ended (up to short.MaxValue), "none" is empty.</summary>
internal readonly record struct Versions(short Lowest, short Highest)
{
    public static readonly Versions None = new(0, -1);

    public static readonly Versions All = new(0, short.MaxValue);

    public bool IsEmpty => Lowest > Highest;

    public bool IsOpenEnded => !IsEmpty && Highest == short.MaxValue;

    public bool Contains(int version) => version >= Lowest && version <= Highest;

    public bool Contains(Versions other) => other.IsEmpty || (!IsEmpty && Lowest <= other.Lowest && other.Highest <= Highest);

    public Versions Intersect(Versions other)
    {
        var result = new Versions(Math.Max(Lowest, other.Lowest), Math.Min(Highest, other.Highest));
        return result.IsEmpty ? None : result;
    }

    /// <summary>Versions below <paramref name="version"/>.</summary>
    public Versions Below(short version) => Intersect(new Versions(0, (short)(version - 1)));

    public static Versions Parse(string? text, Versions fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        text = text.Trim();
        if (text == "none")
        {
            return None;
        }

        if (text.EndsWith('+'))
        {
            return new Versions(short.Parse(text[..^1]), short.MaxValue);
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return new Versions(short.Parse(text[..dash]), short.Parse(text[(dash + 1)..]));
        }

        var single = short.Parse(text);
        return new Versions(single, single);
    }

    public override string ToString() =>
        IsEmpty ? "none" : IsOpenEnded ? $"{Lowest}+" : Lowest == Highest ? $"{Lowest}" : $"{Lowest}-{Highest}";
}
