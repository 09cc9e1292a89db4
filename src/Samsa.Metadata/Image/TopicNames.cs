namespace Samsa.Metadata.Image;

/// <summary>Kafka's rules for topic names (its <c>Topic</c> class): characters, length, reserved and internal names.</summary>
public static class TopicNames
{
    public const int MaxLength = 249;
    public const string ConsumerOffsets = "__consumer_offsets";
    public const string TransactionState = "__transaction_state";
    public const string ShareGroupState = "__share_group_state";
    public const string ClusterMetadata = "__cluster_metadata";

    public static bool IsInternal(string name) => name is ConsumerOffsets or TransactionState or ShareGroupState;

    /// <summary>Kafka's message for an illegal name, or null when the name is legal.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "Topic name is illegal, it can't be empty";
        }

        if (name is "." or "..")
        {
            return "Topic name cannot be \".\" or \"..\"";
        }

        if (name.Length > MaxLength)
        {
            return $"Topic name is illegal, it can't be longer than {MaxLength} characters, topic name: {name}";
        }

        foreach (var c in name)
        {
            if (!IsLegalChar(c))
            {
                return $"Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
            }
        }

        return null;
    }

    public static bool IsLegalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    /// <summary>'.' and '_' collide in metric names, so Kafka refuses a topic differing from another only there.</summary>
    public static bool HasCollisionChars(string name) => name.Contains('.', StringComparison.Ordinal) || name.Contains('_', StringComparison.Ordinal);

    public static string UnifyCollisionChars(string name) => name.Replace('.', '_');
}
