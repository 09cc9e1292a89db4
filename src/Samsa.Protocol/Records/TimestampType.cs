namespace Samsa.Protocol.Records;

/// <summary>What a batch's timestamps mean (attribute bit 3), and a topic's <c>message.timestamp.type</c>.</summary>
public enum TimestampType
{
    /// <summary>The producer's clock: each record carries its own timestamp.</summary>
    CreateTime = 0,

    /// <summary>The broker's clock at append: every record of the batch reads the batch's max timestamp.</summary>
    LogAppendTime = 1,
}
