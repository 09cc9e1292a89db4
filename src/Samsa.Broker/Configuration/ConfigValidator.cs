using System.Globalization;

namespace Samsa.Broker.Configuration;

/// <summary>Checks a parsed value; <see cref="Allowed"/> describes the valid values for messages and docs.</summary>
public abstract class ConfigValidator
{
    public abstract string Allowed { get; }

    /// <summary>True if <paramref name="value"/> (already parsed to the config's type; null for "not set") is allowed.</summary>
    public abstract bool IsValid(object? value);

    public static ConfigValidator AtLeast(double min) => new RangeValidator(min, null);

    public static ConfigValidator Between(double min, double max) => new RangeValidator(min, max);

    /// <summary>One of the given strings, compared exactly as Kafka's ValidString does.</summary>
    public static ConfigValidator OneOf(params string[] values) => new OneOfValidator(values, StringComparer.Ordinal);

    /// <summary>One of the given strings, any case (Kafka's CaseInsensitiveValidString).</summary>
    public static ConfigValidator OneOfIgnoringCase(params string[] values) => new OneOfValidator(values, StringComparer.OrdinalIgnoreCase);

    /// <summary>A list whose every element is one of the given values, without duplicates.</summary>
    public static ConfigValidator ListOf(bool allowEmpty, params string[] values) => new ListValidator(values, allowEmpty);

    /// <summary>A non-empty list without duplicates (Kafka's anyNonDuplicateValues).</summary>
    public static ConfigValidator NonEmptyDistinctList() => new ListValidator(null, allowEmpty: false);

    public static ConfigValidator Custom(string allowed, Func<object?, bool> isValid) => new CustomValidator(allowed, isValid);

    private sealed class RangeValidator(double min, double? max) : ConfigValidator
    {
        public override string Allowed => max is null ? $"[{Format(min)},...]" : $"[{Format(min)},...,{Format(max.Value)}]";

        public override bool IsValid(object? value) => value switch
        {
            null => true,
            int i => i >= min && (max is null || i <= max),
            short s => s >= min && (max is null || s <= max),
            long l => l >= min && (max is null || l <= max),
            double d => d >= min && (max is null || d <= max),
            _ => false,
        };

        private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class OneOfValidator(string[] values, StringComparer comparer) : ConfigValidator
    {
        public override string Allowed => $"[{string.Join(", ", values)}]";

        public override bool IsValid(object? value) => value is null || (value is string s && values.Contains(s, comparer));
    }

    private sealed class ListValidator(string[]? values, bool allowEmpty) : ConfigValidator
    {
        public override string Allowed => values is null
            ? "a non-empty list without duplicates"
            : $"a list{(allowEmpty ? "" : " (non-empty)")} of [{string.Join(", ", values)}] without duplicates";

        public override bool IsValid(object? value)
        {
            if (value is null)
            {
                return true;
            }

            if (value is not IReadOnlyList<string> list || (!allowEmpty && list.Count == 0))
            {
                return false;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list)
            {
                if (!seen.Add(item) || (values is not null && !values.Contains(item, StringComparer.Ordinal)))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class CustomValidator(string allowed, Func<object?, bool> isValid) : ConfigValidator
    {
        public override string Allowed => allowed;

        public override bool IsValid(object? value) => isValid(value);
    }
}
