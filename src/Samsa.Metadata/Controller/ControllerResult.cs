using Samsa.Metadata.Records;

namespace Samsa.Metadata.Controller;

/// <summary>What a controller operation decided: the records to append (atomically) and the answer to give once they are committed.</summary>
public sealed record ControllerResult<T>(IReadOnlyList<MetadataRecordAndVersion> Records, T Response);

/// <summary>Shorthands for <see cref="ControllerResult{T}"/>.</summary>
public static class ControllerResult
{
    /// <summary>An answer that writes nothing.</summary>
    public static ControllerResult<T> Of<T>(T response) => new([], response);
}
