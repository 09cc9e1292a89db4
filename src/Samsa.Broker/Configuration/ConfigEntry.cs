namespace Samsa.Broker.Configuration;

/// <summary>
/// One config as DescribeConfigs reports it: its current value (null for sensitive ones), where that value
/// comes from, and every level that sets it (synonyms, highest precedence first).
/// </summary>
public sealed record ConfigEntry(
    ConfigDefinition Definition,
    string? Value,
    ConfigSource Source,
    IReadOnlyList<ConfigSynonym> Synonyms)
{
    public string Name => Definition.Name;

    public bool IsSensitive => Definition.IsSensitive;

    /// <summary>DescribeConfigs' read_only: the config cannot be changed at runtime.</summary>
    public bool IsReadOnly => !Definition.IsDynamic;
}

/// <summary>A level that sets a config (dynamic per-broker, dynamic cluster default, static file, default).</summary>
public sealed record ConfigSynonym(string Name, string? Value, ConfigSource Source);

/// <summary>Raised after a dynamic change has been applied.</summary>
public sealed class ConfigChangedEventArgs(IReadOnlyList<string> changedKeys) : EventArgs
{
    /// <summary>Keys whose effective value changed.</summary>
    public IReadOnlyList<string> ChangedKeys { get; } = changedKeys;
}
