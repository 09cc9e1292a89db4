using System.Buffers;

namespace Samsa.Broker.Network;

/// <summary>A request body in one array rented from <see cref="ArrayPool{T}.Shared"/>, exactly <see cref="Length"/> bytes used.</summary>
internal readonly struct RentedFrame(byte[]? array, int length)
{
    public static RentedFrame End => default;

    public bool IsEnd => array is null;

    public int Length => length;

    public Memory<byte> Memory => array.AsMemory(0, length);

    public void Return()
    {
        if (array is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
