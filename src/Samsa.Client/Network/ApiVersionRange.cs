using Samsa.Client.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Network;

/// <summary>One API a broker supports, with the range of versions it announced in ApiVersions.</summary>
public readonly record struct ApiVersionRange(ApiKey ApiKey, short MinVersion, short MaxVersion);

/// <summary>
/// The APIs and versions a broker announced, and the choice of version per request: the highest both the broker
/// and this client support (the client never offers a version its schemas mark unstable).
/// </summary>
public sealed class BrokerApiVersions
{
    private readonly short[] _min;
    private readonly short[] _max;

    internal BrokerApiVersions(IEnumerable<ApiVersionRange> ranges)
    {
        var all = ranges.ToArray();
        var size = 1;
        foreach (var range in all)
        {
            size = Math.Max(size, (short)range.ApiKey + 1);
        }

        _min = new short[size];
        _max = new short[size];
        Array.Fill(_max, (short)-1);
        foreach (var range in all)
        {
            if ((short)range.ApiKey >= 0)
            {
                _min[(short)range.ApiKey] = range.MinVersion;
                _max[(short)range.ApiKey] = range.MaxVersion;
            }
        }

        All = all;
    }

    /// <summary>Every API the broker announced, in the order it sent them.</summary>
    public IReadOnlyList<ApiVersionRange> All { get; }

    /// <summary>The broker's range for <paramref name="key"/>, or null when it does not offer the API.</summary>
    public ApiVersionRange? Get(ApiKey key)
    {
        var i = (short)key;
        return i >= 0 && i < _max.Length && _max[i] >= 0 ? new ApiVersionRange(key, _min[i], _max[i]) : null;
    }

    public bool Supports(ApiKey key) => TryPick(key, out _);

    /// <summary>The highest version of <paramref name="key"/> both sides support, capped at <paramref name="maxWanted"/>.</summary>
    public bool TryPick(ApiKey key, out short version, short maxWanted = short.MaxValue, short minWanted = 0)
    {
        version = -1;
        var i = (short)key;
        if (i < 0 || i >= _max.Length || _max[i] < 0 || !ApiTable.TryGet(i, out var api))
        {
            return false;
        }

        var clientMax = ClientMaxVersion(api);
        var high = Math.Min(Math.Min(_max[i], clientMax), maxWanted);
        var low = Math.Max(Math.Max(_min[i], api.LowestVersion), minWanted);
        if (high < low)
        {
            return false;
        }

        version = (short)high;
        return true;
    }

    /// <summary>Like <see cref="TryPick"/>, but a broker without a common version is an <see cref="UnsupportedApiException"/>.</summary>
    public short Pick(ApiKey key, string broker, short maxWanted = short.MaxValue, short minWanted = 0)
    {
        if (TryPick(key, out var version, maxWanted, minWanted))
        {
            return version;
        }

        var api = ApiTable.Get(key);
        var theirs = Get(key) is { } range ? $"versions {range.MinVersion}-{range.MaxVersion}" : "no version";
        var ours = $"{Math.Max(api.LowestVersion, minWanted)}-{Math.Min(ClientMaxVersion(api), maxWanted)}";
        throw new UnsupportedApiException($"broker {broker} does not support {api.Name}: it offers {theirs}, this client needs one of {ours}");
    }

    internal static short ClientMaxVersion(ApiInfo api) =>
        api.LatestVersionUnstable && api.HighestVersion > api.LowestVersion ? (short)(api.HighestVersion - 1) : api.HighestVersion;
}
