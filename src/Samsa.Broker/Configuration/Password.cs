namespace Samsa.Broker.Configuration;

/// <summary>A secret config value: never printed, logged or described.</summary>
public sealed class Password(string value)
{
    public const string Hidden = "[hidden]";

    public string Value { get; } = value;

    public override string ToString() => Hidden;

    public override bool Equals(object? obj) => obj is Password other && other.Value == Value;

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
}
