namespace Samsa.Protocol.Messages;

/// <summary>Which listeners serve an API: the client-facing broker listener, the controller quorum's, or both.</summary>
[Flags]
public enum ApiListeners
{
    None = 0,
    Broker = 1,
    Controller = 2,
}

/// <summary>
/// What the schemas say about one API: its version range, from which version its request and response
/// are flexible, and which listeners serve it. Header versions follow from these.
/// </summary>
public sealed class ApiInfo
{
    public ApiInfo(
        ApiKey key,
        string name,
        short lowestVersion,
        short highestVersion,
        short lowestFlexibleRequestVersion,
        short lowestFlexibleResponseVersion,
        ApiListeners listeners,
        bool latestVersionUnstable,
        short lowestDeprecatedVersion,
        short highestDeprecatedVersion,
        Type requestType,
        Type responseType)
    {
        Key = key;
        Name = name;
        LowestVersion = lowestVersion;
        HighestVersion = highestVersion;
        LowestFlexibleRequestVersion = lowestFlexibleRequestVersion;
        LowestFlexibleResponseVersion = lowestFlexibleResponseVersion;
        Listeners = listeners;
        LatestVersionUnstable = latestVersionUnstable;
        LowestDeprecatedVersion = lowestDeprecatedVersion;
        HighestDeprecatedVersion = highestDeprecatedVersion;
        RequestType = requestType;
        ResponseType = responseType;
    }

    public ApiKey Key { get; }

    public string Name { get; }

    public short LowestVersion { get; }

    public short HighestVersion { get; }

    /// <summary>First flexible request version, or -1 when no version is flexible.</summary>
    public short LowestFlexibleRequestVersion { get; }

    /// <summary>First flexible response version, or -1 when no version is flexible.</summary>
    public short LowestFlexibleResponseVersion { get; }

    public ApiListeners Listeners { get; }

    /// <summary>The highest version is still under development in Kafka and not offered by default.</summary>
    public bool LatestVersionUnstable { get; }

    /// <summary>First deprecated version, or -1 when none is.</summary>
    public short LowestDeprecatedVersion { get; }

    public short HighestDeprecatedVersion { get; }

    public Type RequestType { get; }

    public Type ResponseType { get; }

    public bool IsSupported(short version) => version >= LowestVersion && version <= HighestVersion;

    public bool IsDeprecated(short version) => LowestDeprecatedVersion >= 0 && version >= LowestDeprecatedVersion && version <= HighestDeprecatedVersion;

    public bool IsFlexibleRequest(short version) => LowestFlexibleRequestVersion >= 0 && version >= LowestFlexibleRequestVersion;

    public bool IsFlexibleResponse(short version) => LowestFlexibleResponseVersion >= 0 && version >= LowestFlexibleResponseVersion;

    /// <summary>
    /// The request header version: 2 (with tagged fields) for flexible requests, else 1, except
    /// ControlledShutdown v0, which predates the client id and uses header v0. Defined for versions
    /// above the highest too, so a broker can read the header of a request it will refuse.
    /// </summary>
    public short RequestHeaderVersion(short version)
    {
        if (IsFlexibleRequest(version))
        {
            return 2;
        }

        return Key == ApiKey.ControlledShutdown && version == 0 ? (short)0 : (short)1;
    }

    /// <summary>
    /// The response header version: 1 for flexible responses, else 0; ApiVersions responses always
    /// use v0, so a client that does not yet know the broker's versions can read them.
    /// </summary>
    public short ResponseHeaderVersion(short version)
    {
        if (Key == ApiKey.ApiVersions)
        {
            return 0;
        }

        return IsFlexibleResponse(version) ? (short)1 : (short)0;
    }

    public override string ToString() => $"{Name} (key {(short)Key}, versions {LowestVersion}-{HighestVersion})";
}
