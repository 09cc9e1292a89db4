namespace Samsa.GroupCoordinator;

/// <summary>The group types, named as ListGroups shows them.</summary>
internal enum GroupType
{
    Classic,
    Consumer,
}

/// <summary>What both group kinds share, for listing, deleting and offset expiry.</summary>
internal abstract class Group
{
    protected Group(string groupId) => GroupId = groupId;

    public string GroupId { get; }

    public abstract GroupType Type { get; }

    public string TypeName => Type == GroupType.Classic ? "classic" : "consumer";

    public abstract string StateName { get; }

    public abstract string ProtocolTypeForListing { get; }

    /// <summary>No members (Kafka's isEmpty): the group may be deleted and its offsets expire.</summary>
    public abstract bool IsEmpty { get; }

    /// <summary>Whether offsets of this topic must not expire or be deleted (the group consumes it).</summary>
    public abstract bool IsSubscribedToTopic(string topic);
}
