using Microsoft.Win32.SafeHandles;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// One piece of an encoded frame: bytes in memory, or a region of a file (a log segment) that the
/// sender copies or splices to the socket without the records ever being decoded.
/// </summary>
public readonly struct OutputChunk
{
    private OutputChunk(ReadOnlyMemory<byte> memory, SafeFileHandle? file, long fileOffset, int length)
    {
        Memory = memory;
        File = file;
        FileOffset = fileOffset;
        Length = length;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public SafeFileHandle? File { get; }

    public long FileOffset { get; }

    public int Length { get; }

    public bool IsFileRegion => File is not null;

    public static OutputChunk FromMemory(ReadOnlyMemory<byte> memory) => new(memory, null, 0, memory.Length);

    public static OutputChunk FromFile(SafeFileHandle file, long offset, int length) => new(default, file, offset, length);
}
