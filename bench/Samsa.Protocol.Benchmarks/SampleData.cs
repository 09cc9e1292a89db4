using System.Globalization;
using System.Text;

namespace Samsa.Protocol.Benchmarks;

/// <summary>Deterministic, realistic payloads: small JSON events like those most Kafka topics carry.</summary>
internal static class SampleData
{
    public static byte[] JsonEvent(Random random, int id)
    {
        var kind = random.Next(4) switch { 0 => "click", 1 => "view", 2 => "purchase", _ => "scroll" };
        return Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"id":{{id}},"user":"user-{{random.Next(50_000)}}","event":"{{kind}}","ts":{{1_700_000_000_000L + (id * 37L)}},"page":"/products/{{random.Next(2_000)}}","amount":{{random.NextDouble() * 200:F2}},"session":"{{random.Next():x8}}"}"""));
    }

    /// <summary>About <paramref name="size"/> bytes of newline-separated JSON events.</summary>
    public static byte[] JsonEvents(int size)
    {
        var random = new Random(42);
        var output = new List<byte>(size + 256);
        for (var id = 0; output.Count < size; id++)
        {
            output.AddRange(JsonEvent(random, id));
            output.Add((byte)'\n');
        }

        return output.GetRange(0, size).ToArray();
    }
}
