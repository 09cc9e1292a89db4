using Samsa.Protocol.Primitives;
using Samsa.Storage.Files;

namespace Samsa.Broker.Fetch;

/// <summary>
/// The records of one partition in a Fetch response, as byte ranges of log segment files: written into the
/// response as file regions (never decoded or copied into the frame). Each range holds one reference from the
/// read; <see cref="Dispose"/> gives those back, after the writer has taken its own in <see cref="WriteTo"/>.
/// </summary>
public sealed class FileRecordsPayload : RecordsPayload, IDisposable
{
    private List<FileRange>? _ranges;

    public FileRecordsPayload(List<FileRange> ranges, int length)
    {
        _ranges = ranges;
        Length = length;
    }

    public override int Length { get; }

    public override void WriteTo(ProtocolWriter writer)
    {
        var ranges = _ranges ?? throw new ObjectDisposedException(nameof(FileRecordsPayload));
        foreach (var range in ranges)
        {
            writer.AppendFileRegion(range.Handle, range.Position, range.Length);
        }
    }

    /// <summary>Releases the read's references (once).</summary>
    public void Dispose()
    {
        var ranges = Interlocked.Exchange(ref _ranges, null);
        if (ranges is null)
        {
            return;
        }

        foreach (var range in ranges)
        {
            range.Release();
        }

        // The list may be shared with the read that produced it: an emptied list cannot be released twice.
        ranges.Clear();
    }
}
