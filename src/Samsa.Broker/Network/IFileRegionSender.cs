using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Samsa.Broker.Network;

/// <summary>
/// Sends a region of a file (log segment bytes of a Fetch response) to a socket. This is the seam where a
/// zero-copy <c>sendfile(2)</c> sender can replace the copying one, to be compared by measurement.
/// </summary>
public interface IFileRegionSender
{
    /// <summary>
    /// Sends exactly <paramref name="length"/> bytes from <paramref name="offset"/>, or throws: a region that
    /// reads short (the file was truncated) raises <see cref="FileRegionShortReadException"/>, and the
    /// connection is closed rather than sent a frame shorter than its size prefix promised.
    /// </summary>
    ValueTask SendAsync(Socket socket, SafeFileHandle file, long offset, int length, CancellationToken cancellationToken);
}

public sealed class FileRegionShortReadException(long offset, int expected, long read)
    : IOException($"file region at {offset} read {read} of {expected} bytes");
