namespace Samsa.Broker.Configuration;

/// <summary>A config value that cannot be used. The message names the key, the value and what is allowed.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string key, string? value, string allowed)
        : base($"Invalid value {Show(value)} for configuration {key}: {allowed}")
    {
        Key = key;
        Value = value;
    }

    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException()
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Key { get; }

    public string? Value { get; }

    private static string Show(string? value) => value is null ? "(none)" : $"'{value}'";
}
