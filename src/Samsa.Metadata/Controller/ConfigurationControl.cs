using System.Globalization;
using Samsa.Metadata.Image;
using Samsa.Metadata.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Controller;

/// <summary>The operations of IncrementalAlterConfigs, numbered as on the wire.</summary>
public enum AlterConfigOperation : sbyte
{
    Set = 0,
    Delete = 1,
    Append = 2,
    Subtract = 3,
}

/// <summary>
/// Config changes as Kafka's ConfigurationControlManager makes them: topic and broker resources (a broker id, or
/// the empty name for the cluster-wide default), checked against the schema as a whole, written as ConfigRecords
/// (a null value removes a key).
/// </summary>
internal static class ConfigurationControl
{
    public static ControllerResult<IncrementalAlterConfigsResponse> IncrementalAlter(MetadataImage image, IncrementalAlterConfigsRequest request, IConfigSchema schema)
    {
        var records = new List<MetadataRecordAndVersion>();
        var response = new IncrementalAlterConfigsResponse();
        var duplicates = DuplicateResources(request.Resources.Select(r => (r.ResourceType, r.ResourceName)));
        foreach (var resource in request.Resources)
        {
            var error = duplicates.Contains((resource.ResourceType, resource.ResourceName))
                ? ApiError.Of(ErrorCode.InvalidRequest, "Duplicate resource in the request.")
                : AlterIncrementally(image, resource, schema, records);
            response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
                ErrorCode = (short)error.Code,
                ErrorMessage = error.Message,
            });
        }

        return new ControllerResult<IncrementalAlterConfigsResponse>(request.ValidateOnly ? [] : records, response);
    }

    public static ControllerResult<AlterConfigsResponse> LegacyAlter(MetadataImage image, AlterConfigsRequest request, IConfigSchema schema)
    {
        var records = new List<MetadataRecordAndVersion>();
        var response = new AlterConfigsResponse();
        var duplicates = DuplicateResources(request.Resources.Select(r => (r.ResourceType, r.ResourceName)));
        foreach (var resource in request.Resources)
        {
            var error = duplicates.Contains((resource.ResourceType, resource.ResourceName))
                ? ApiError.Of(ErrorCode.InvalidRequest, "Duplicate resource in the request.")
                : Replace(image, resource, schema, records);
            response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
                ErrorCode = (short)error.Code,
                ErrorMessage = error.Message,
            });
        }

        return new ControllerResult<AlterConfigsResponse>(request.ValidateOnly ? [] : records, response);
    }

    private static HashSet<(sbyte, string)> DuplicateResources(IEnumerable<(sbyte Type, string Name)> resources)
    {
        var seen = new HashSet<(sbyte, string)>();
        var duplicates = new HashSet<(sbyte, string)>();
        foreach (var resource in resources)
        {
            if (!seen.Add(resource))
            {
                duplicates.Add(resource);
            }
        }

        return duplicates;
    }

    private static ApiError AlterIncrementally(MetadataImage image, IncrementalAlterConfigsRequest.AlterConfigsResource request, IConfigSchema schema, List<MetadataRecordAndVersion> records)
    {
        var resource = new ConfigResource((ConfigResourceType)request.ResourceType, request.ResourceName);
        var error = CheckResource(image, resource);
        if (error.IsFailure)
        {
            return error;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var config in request.Configs)
        {
            if (!keys.Add(config.Name))
            {
                return ApiError.Of(ErrorCode.InvalidRequest, $"Error due to duplicate config keys: {config.Name}");
            }
        }

        var current = image.Configs.For(resource);
        var next = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var config in request.Configs)
        {
            var operation = (AlterConfigOperation)config.ConfigOperation;
            switch (operation)
            {
                case AlterConfigOperation.Set:
                    if (config.Value is null)
                    {
                        return ApiError.Of(ErrorCode.InvalidRequest, $"Null value not supported for : {config.Name}");
                    }

                    next[config.Name] = config.Value;
                    break;
                case AlterConfigOperation.Delete:
                    next.Remove(config.Name);
                    break;
                case AlterConfigOperation.Append or AlterConfigOperation.Subtract:
                    if (schema.TypeOf(resource.Type, config.Name) != ConfigValueType.List)
                    {
                        return ApiError.Of(ErrorCode.InvalidConfig, $"Can't {operation.ToString().ToUpperInvariant()} to key {config.Name} because its type is not LIST.");
                    }

                    var values = ListValue(next.GetValueOrDefault(config.Name) ?? DefaultOf(resource, config.Name));
                    foreach (var item in ListValue(config.Value))
                    {
                        if (operation == AlterConfigOperation.Append && !values.Contains(item, StringComparer.Ordinal))
                        {
                            values.Add(item);
                        }
                        else if (operation == AlterConfigOperation.Subtract)
                        {
                            values.RemoveAll(v => string.Equals(v, item, StringComparison.Ordinal));
                        }
                    }

                    next[config.Name] = string.Join(',', values);
                    break;
                default:
                    return ApiError.Of(ErrorCode.InvalidRequest, $"Unknown alter configs operation type {config.ConfigOperation}");
            }
        }

        return Commit(resource, current, next, schema, records);
    }

    private static ApiError Replace(MetadataImage image, AlterConfigsRequest.AlterConfigsResource request, IConfigSchema schema, List<MetadataRecordAndVersion> records)
    {
        var resource = new ConfigResource((ConfigResourceType)request.ResourceType, request.ResourceName);
        var error = CheckResource(image, resource);
        if (error.IsFailure)
        {
            return error;
        }

        var next = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var config in request.Configs)
        {
            if (config.Value is null)
            {
                return ApiError.Of(ErrorCode.InvalidRequest, $"Null value not supported for : {config.Name}");
            }

            if (!next.TryAdd(config.Name, config.Value))
            {
                return ApiError.Of(ErrorCode.InvalidRequest, $"Error due to duplicate config keys: {config.Name}");
            }
        }

        return Commit(resource, image.Configs.For(resource), next, schema, records);
    }

    private static ApiError Commit(ConfigResource resource, System.Collections.Immutable.ImmutableSortedDictionary<string, string> current, Dictionary<string, string> next, IConfigSchema schema, List<MetadataRecordAndVersion> records)
    {
        if (schema.Validate(resource, next) is { } invalid)
        {
            return ApiError.Of(ErrorCode.InvalidConfig, invalid);
        }

        foreach (var (name, value) in next)
        {
            if (!current.TryGetValue(name, out var old) || old != value)
            {
                records.Add(Record(resource, name, value));
            }
        }

        foreach (var name in current.Keys)
        {
            if (!next.ContainsKey(name))
            {
                records.Add(Record(resource, name, null));
            }
        }

        return ApiError.None;
    }

    private static ApiError CheckResource(MetadataImage image, ConfigResource resource)
    {
        switch (resource.Type)
        {
            case ConfigResourceType.Topic:
                if (TopicNames.Validate(resource.Name) is { } invalid)
                {
                    return ApiError.Of(ErrorCode.InvalidTopicException, invalid);
                }

                return image.Topics.Get(resource.Name) is null
                    ? ApiError.Of(ErrorCode.UnknownTopicOrPartition, $"The topic '{resource.Name}' does not exist.")
                    : ApiError.None;
            case ConfigResourceType.Broker:
                return resource.Name.Length == 0 || int.TryParse(resource.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? ApiError.None
                    : ApiError.Of(ErrorCode.InvalidRequest, $"Illegal non-integral BROKER resource type name {resource.Name}");
            default:
                return ApiError.Of(ErrorCode.InvalidRequest, $"Unsupported resource type {(sbyte)resource.Type} for altering configs");
        }
    }

    private static string? DefaultOf(ConfigResource resource, string name) =>
        resource.Type == ConfigResourceType.Topic ? TopicConfigs.Find(name)?.DefaultValue : null;

    private static List<string> ListValue(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static MetadataRecordAndVersion Record(ConfigResource resource, string name, string? value) =>
        MetadataRecordAndVersion.Of(new ConfigRecord { ResourceType = (sbyte)resource.Type, ResourceName = resource.Name, Name = name, Value = value });
}
