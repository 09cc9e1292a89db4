using System.Globalization;

namespace Samsa.Broker.Configuration;

/// <summary>
/// One broker config key: Kafka's name, type, default, valid values, dynamic update mode, and our own one-line
/// documentation. <see cref="BrokerConfigs.All"/> is the table of every key Samsa knows.
/// </summary>
public class ConfigDefinition
{
    private protected ConfigDefinition(string name, ConfigType type, string? defaultText, ConfigValidator? validator, ConfigUpdateMode updateMode, string documentation, string? kafkaDefaultText)
    {
        Name = name;
        Type = type;
        DefaultText = defaultText;
        Validator = validator;
        UpdateMode = updateMode;
        Documentation = documentation;
        KafkaDefaultText = kafkaDefaultText;
        DefaultValue = defaultText is null ? null : Parse(defaultText);
    }

    public string Name { get; }

    public ConfigType Type { get; }

    /// <summary>The default as it would be written in server.properties; null when the key has no default.</summary>
    public string? DefaultText { get; }

    /// <summary>The parsed default (boxed), or null.</summary>
    public object? DefaultValue { get; }

    /// <summary>Kafka's default where Samsa's deliberately differs (docs/configuration.md says why); otherwise null.</summary>
    public string? KafkaDefaultText { get; }

    public ConfigValidator? Validator { get; }

    public ConfigUpdateMode UpdateMode { get; }

    public string Documentation { get; }

    /// <summary>Passwords are never returned by DescribeConfigs nor printed.</summary>
    public bool IsSensitive => Type == ConfigType.Password;

    public bool IsDynamic => UpdateMode != ConfigUpdateMode.ReadOnly;

    /// <summary>What the value must look like, for messages and the configuration reference.</summary>
    public string Allowed => Validator is null ? TypeDescription : $"{TypeDescription} in {Validator.Allowed}";

    private string TypeDescription => Type switch
    {
        ConfigType.Boolean => "true or false",
        ConfigType.Int => "a 32-bit integer",
        ConfigType.Short => "a 16-bit integer",
        ConfigType.Long => "a 64-bit integer",
        ConfigType.Double => "a number",
        ConfigType.List => "a comma-separated list",
        ConfigType.Class => "a class name",
        ConfigType.Password => "a password",
        _ => "a string",
    };

    /// <summary>Parses and validates a value as written in server.properties, throwing <see cref="ConfigException"/> if it is not allowed.</summary>
    public object? Parse(string raw)
    {
        var trimmed = raw.Trim();
        object? value = Type switch
        {
            ConfigType.Boolean => bool.TryParse(trimmed, out var b) ? b : null,
            ConfigType.Int => int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : null,
            ConfigType.Short => short.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : null,
            ConfigType.Long => long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
            ConfigType.Double => double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null,
            ConfigType.List => ParseList(trimmed),
            ConfigType.Password => new Password(trimmed),
            _ => trimmed,
        };
        if (value is null || (Validator is not null && !Validator.IsValid(value)))
        {
            throw new ConfigException(Name, IsSensitive ? Password.Hidden : raw, $"expected {Allowed}");
        }

        return value;
    }

    /// <summary>The value as DescribeConfigs reports it (null stays null; lists comma-joined; passwords hidden).</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IReadOnlyList<string> list => string.Join(',', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string[] ParseList(string trimmed)
    {
        if (trimmed.Length == 0)
        {
            return [];
        }

        var parts = trimmed.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Trim();
        }

        return parts;
    }
}

/// <summary>A config key whose values have the CLR type <typeparamref name="T"/>, for typed reads with <see cref="BrokerConfig.Get{T}"/>.</summary>
public sealed class ConfigDefinition<T> : ConfigDefinition
{
    internal ConfigDefinition(string name, ConfigType type, string? defaultText, ConfigValidator? validator, ConfigUpdateMode updateMode, string documentation, string? kafkaDefaultText)
        : base(name, type, defaultText, validator, updateMode, documentation, kafkaDefaultText)
    {
    }
}
