using Microsoft.Win32.SafeHandles;

namespace Samsa.Storage.Files;

/// <summary>
/// Bytes of a segment file that a read returned: whole record batches, sent without decoding.
/// The read took one reference on <see cref="Handle"/> for this range (a lease): the file stays
/// open, even if the segment is deleted or closed meanwhile, until <see cref="Release"/>.
/// A Fetch handler passes it to <c>ProtocolWriter.AppendFileRegion(Handle, Position, Length)</c>,
/// which takes the writer's own reference, and then releases this one.
/// </summary>
public readonly struct FileRange
{
    public FileRange(SafeFileHandle handle, long position, int length)
    {
        Handle = handle;
        Position = position;
        Length = length;
    }

    public SafeFileHandle Handle { get; }

    public long Position { get; }

    public int Length { get; }

    /// <summary>Gives back the reference the read took. Call exactly once per range.</summary>
    public void Release() => Handle.DangerousRelease();

    /// <summary>Copies the range into <paramref name="destination"/> (which must hold <see cref="Length"/> bytes).</summary>
    public void CopyTo(Span<byte> destination)
    {
        var done = 0;
        while (done < Length)
        {
            var n = RandomAccess.Read(Handle, destination.Slice(done, Length - done), Position + done);
            if (n == 0)
            {
                throw new KafkaStorageException($"segment file ended {Length - done} bytes early at {Position + done}");
            }

            done += n;
        }
    }
}

/// <summary>What a read found. Offsets are absolute; <see cref="NextOffset"/> is where the next fetch should start.</summary>
public readonly record struct LogReadInfo(
    long FirstOffset,
    long NextOffset,
    int Bytes,
    int BatchCount,
    long LogStartOffset,
    long LogEndOffset)
{
    public bool IsEmpty => BatchCount == 0;
}

/// <summary>A read's ranges with their leases; disposing releases them.</summary>
public sealed class LogReadResult : IDisposable
{
    private bool _released;

    internal LogReadResult(List<FileRange> ranges, LogReadInfo info)
    {
        Ranges = ranges;
        Info = info;
    }

    public IReadOnlyList<FileRange> Ranges { get; }

    public LogReadInfo Info { get; }

    /// <summary>The returned bytes, copied out (tests and tools; the broker sends <see cref="Ranges"/>).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Info.Bytes];
        var at = 0;
        foreach (var range in Ranges)
        {
            range.CopyTo(bytes.AsSpan(at, range.Length));
            at += range.Length;
        }

        return bytes;
    }

    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        foreach (var range in Ranges)
        {
            range.Release();
        }
    }
}
