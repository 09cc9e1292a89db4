using System.Diagnostics.CodeAnalysis;

namespace Samsa.Protocol.Messages;

/// <summary>Every API of the protocol, by key (the table itself is generated from the schemas).</summary>
public static partial class ApiTable
{
    private static readonly ApiInfo[] AllApis = CreateAll();
    private static readonly ApiInfo?[] ByKey = IndexByKey(AllApis);

    /// <summary>Every API, in key order.</summary>
    public static IReadOnlyList<ApiInfo> All => AllApis;

    public static ApiInfo Get(ApiKey key) =>
        TryGet((short)key, out var info) ? info : throw new ArgumentOutOfRangeException(nameof(key), key, "unknown API key");

    public static bool TryGet(short key, [NotNullWhen(true)] out ApiInfo? info)
    {
        info = key >= 0 && key < ByKey.Length ? ByKey[key] : null;
        return info is not null;
    }

    private static ApiInfo?[] IndexByKey(ApiInfo[] apis)
    {
        var max = 0;
        foreach (var api in apis)
        {
            max = Math.Max(max, (short)api.Key);
        }

        var index = new ApiInfo?[max + 1];
        foreach (var api in apis)
        {
            index[(short)api.Key] = api;
        }

        return index;
    }
}
