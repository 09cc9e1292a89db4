namespace Samsa.Client.Configuration;

/// <summary>Admin client settings: the shared ones (Kafka's admin client adds none that matter here).</summary>
public sealed class AdminClientConfig : ClientConfig
{
    protected override bool TryApply(string key, string value) => key switch
    {
        "retries" => true,
        _ => base.TryApply(key, value),
    };
}
