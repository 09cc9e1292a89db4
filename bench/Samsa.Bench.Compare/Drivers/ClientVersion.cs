using System.Reflection;

namespace Samsa.Bench.Compare.Drivers;

internal static class ClientVersion
{
    /// <summary>"Name 1.2.3": the package version a client assembly reports (its assembly version is often only major.0.0).</summary>
    public static string Of(string name, Type type)
    {
        var version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? type.Assembly.GetName().Version?.ToString()
            ?? "?";
        version = version.Split((char[])['+', ' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)[0];
        return $"{name} {version}";
    }
}
