using System.Globalization;
using Samsa.Client.Errors;
using Samsa.Client.Network;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Admin;

public sealed partial class KafkaAdminClient
{
    /// <summary>
    /// The configs of topics and brokers (DescribeConfigs). A broker's own configs are asked of that broker; topics and
    /// the cluster-wide broker defaults of any broker. <paramref name="keys"/> null means every key.
    /// </summary>
    public Task<IReadOnlyList<ConfigResourceResult>> DescribeConfigsAsync(
        IEnumerable<ConfigResource> resources,
        IReadOnlyCollection<string>? keys = null,
        bool includeSynonyms = false,
        bool includeDocumentation = false,
        CancellationToken ct = default)
    {
        var list = resources.ToList();
        return RetryAsync<IReadOnlyList<ConfigResourceResult>>(
            async token =>
            {
                var results = new List<ConfigResourceResult>();
                foreach (var (broker, group) in await RouteByBrokerAsync(list, token).ConfigureAwait(false))
                {
                    var response = await ConnectionPool.SendAsync<DescribeConfigsResponse>(
                        broker,
                        ApiKey.DescribeConfigs,
                        _ => new DescribeConfigsRequest
                        {
                            Resources = [.. group.Select(r => new DescribeConfigsRequest.DescribeConfigsResource
                            {
                                ResourceType = (sbyte)r.Type,
                                ResourceName = r.Name,
                                ConfigurationKeys = keys?.ToList(),
                            })],
                            IncludeSynonyms = includeSynonyms,
                            IncludeDocumentation = includeDocumentation,
                        },
                        token).ConfigureAwait(false);
                    foreach (var r in response.Results)
                    {
                        var resource = new ConfigResource((ConfigResourceType)r.ResourceType, r.ResourceName);
                        var entries = r.Configs.Select(c => new ConfigEntry(
                            c.Name,
                            c.Value,
                            c.ReadOnly,
                            c.IsSensitive,
                            c.ConfigSource >= 0 ? (ConfigSource)c.ConfigSource : c.IsDefault ? ConfigSource.DefaultConfig : ConfigSource.Unknown,
                            [.. c.Synonyms.Select(s => new ConfigSynonym(s.Name, s.Value, (ConfigSource)s.Source))])
                        {
                            Documentation = c.Documentation,
                        }).ToList();
                        results.Add(new ConfigResourceResult(resource, entries, KafkaBrokerException.FromCode(r.ErrorCode, r.ErrorMessage, resource.ToString())));
                    }
                }

                return results;
            },
            ct);
    }

    /// <summary>Changes configs key by key (IncrementalAlterConfigs, KIP-339): set, delete, append, subtract.</summary>
    public Task<IReadOnlyList<ResourceResult>> IncrementalAlterConfigsAsync(
        IReadOnlyDictionary<ConfigResource, IReadOnlyList<ConfigAlteration>> changes, bool validateOnly = false, CancellationToken ct = default) =>
        RetryAsync<IReadOnlyList<ResourceResult>>(
            async token =>
            {
                var results = new List<ResourceResult>();
                foreach (var (broker, group) in await RouteByBrokerAsync(changes.Keys, token).ConfigureAwait(false))
                {
                    var response = await ConnectionPool.SendAsync<IncrementalAlterConfigsResponse>(
                        broker,
                        ApiKey.IncrementalAlterConfigs,
                        _ => new IncrementalAlterConfigsRequest
                        {
                            ValidateOnly = validateOnly,
                            Resources = [.. group.Select(r => new IncrementalAlterConfigsRequest.AlterConfigsResource
                            {
                                ResourceType = (sbyte)r.Type,
                                ResourceName = r.Name,
                                Configs = [.. changes[r].Select(c => new IncrementalAlterConfigsRequest.AlterableConfig
                                {
                                    Name = c.Name,
                                    ConfigOperation = (sbyte)c.Operation,
                                    Value = c.Value,
                                })],
                            })],
                        },
                        token).ConfigureAwait(false);
                    results.AddRange(response.Responses.Select(r => Result(r.ResourceType, r.ResourceName, r.ErrorCode, r.ErrorMessage)));
                }

                return results;
            },
            ct);

    /// <summary>
    /// Replaces configs wholesale (the legacy AlterConfigs: keys not given go back to their defaults). Prefer
    /// <see cref="IncrementalAlterConfigsAsync"/>; this is for brokers that lack it.
    /// </summary>
    public Task<IReadOnlyList<ResourceResult>> AlterConfigsAsync(
        IReadOnlyDictionary<ConfigResource, IReadOnlyDictionary<string, string?>> configs, bool validateOnly = false, CancellationToken ct = default) =>
        RetryAsync<IReadOnlyList<ResourceResult>>(
            async token =>
            {
                var results = new List<ResourceResult>();
                foreach (var (broker, group) in await RouteByBrokerAsync(configs.Keys, token).ConfigureAwait(false))
                {
                    var response = await ConnectionPool.SendAsync<AlterConfigsResponse>(
                        broker,
                        ApiKey.AlterConfigs,
                        _ => new AlterConfigsRequest
                        {
                            ValidateOnly = validateOnly,
                            Resources = [.. group.Select(r => new AlterConfigsRequest.AlterConfigsResource
                            {
                                ResourceType = (sbyte)r.Type,
                                ResourceName = r.Name,
                                Configs = [.. configs[r].Select(c => new AlterConfigsRequest.AlterableConfig { Name = c.Key, Value = c.Value })],
                            })],
                        },
                        token).ConfigureAwait(false);
                    results.AddRange(response.Responses.Select(r => Result(r.ResourceType, r.ResourceName, r.ErrorCode, r.ErrorMessage)));
                }

                return results;
            },
            ct);

    private static ResourceResult Result(sbyte type, string name, short code, string? message)
    {
        var resource = new ConfigResource((ConfigResourceType)type, name);
        return new ResourceResult(resource, KafkaBrokerException.FromCode(code, message, resource.ToString()));
    }

    /// <summary>Broker resources with an id go to that broker (they describe its own state); the rest to any broker.</summary>
    private async Task<List<(BrokerConnection Broker, List<ConfigResource> Resources)>> RouteByBrokerAsync(IEnumerable<ConfigResource> resources, CancellationToken ct)
    {
        var byNode = new Dictionary<int, List<ConfigResource>>();
        foreach (var resource in resources)
        {
            var node = -1;
            if (resource.Type is ConfigResourceType.Broker or ConfigResourceType.BrokerLogger
                && int.TryParse(resource.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                node = id;
            }

            if (!byNode.TryGetValue(node, out var list))
            {
                byNode[node] = list = [];
            }

            list.Add(resource);
        }

        var routed = new List<(BrokerConnection, List<ConfigResource>)>();
        foreach (var (node, list) in byNode)
        {
            if (node >= 0)
            {
                await EnsureMetadataAsync(ct).ConfigureAwait(false);
            }

            routed.Add((node >= 0 ? await _pool.GetAsync(node, ct).ConfigureAwait(false) : await _pool.GetAnyAsync(ct).ConfigureAwait(false), list));
        }

        return routed;
    }
}
