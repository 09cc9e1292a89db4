using System.Globalization;
using Samsa.Client.Errors;

namespace Samsa.Client.Configuration;

/// <summary>
/// Settings every client role shares, under Kafka's property names and with Kafka's defaults. Set the properties in
/// code, or load Kafka client property files (<see cref="Apply(IEnumerable{KeyValuePair{string, string}})"/>,
/// <see cref="LoadFile"/>), as the CLI's <c>--command-config</c> does.
/// </summary>
public abstract class ClientConfig
{
    private readonly List<string> _unknownKeys = [];

    /// <summary><c>bootstrap.servers</c>: host:port pairs to find the cluster from, comma separated.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary><c>client.id</c>: sent with every request, shows in broker logs and quotas.</summary>
    public string ClientId { get; set; } = "samsa-client";

    /// <summary><c>request.timeout.ms</c>: how long to wait for a response before failing the request (and closing the connection, as Kafka does).</summary>
    public int RequestTimeoutMs { get; set; } = 30_000;

    /// <summary><c>metadata.max.age.ms</c>: metadata older than this is refreshed even without a reason to.</summary>
    public int MetadataMaxAgeMs { get; set; } = 300_000;

    /// <summary><c>security.protocol</c>: only PLAINTEXT is implemented so far.</summary>
    public string SecurityProtocol { get; set; } = "PLAINTEXT";

    /// <summary><c>retry.backoff.ms</c>: the first wait before retrying a failed request; doubles up to <see cref="RetryBackoffMaxMs"/>.</summary>
    public int RetryBackoffMs { get; set; } = 100;

    /// <summary><c>retry.backoff.max.ms</c>.</summary>
    public int RetryBackoffMaxMs { get; set; } = 1_000;

    /// <summary><c>reconnect.backoff.ms</c>: wait before reconnecting to a broker that failed.</summary>
    public int ReconnectBackoffMs { get; set; } = 50;

    /// <summary><c>reconnect.backoff.max.ms</c>.</summary>
    public int ReconnectBackoffMaxMs { get; set; } = 1_000;

    /// <summary><c>socket.connection.setup.timeout.ms</c>: how long a TCP connect may take.</summary>
    public int SocketConnectionSetupTimeoutMs { get; set; } = 10_000;

    /// <summary><c>max.in.flight.requests.per.connection</c>: requests sent on one connection before a response arrives.</summary>
    public int MaxInFlightRequestsPerConnection { get; set; } = 5;

    /// <summary>
    /// <c>send.buffer.bytes</c>: SO_SNDBUF, -1 (the default) for the OS default. Kafka's Java clients fix it at
    /// 128 KiB, which turns off Linux's buffer autotuning; librdkafka leaves it to the OS, and so does this client:
    /// with 128 KiB, a 1 MB produce request went out in many small writes and 1 KiB records were produced 20-40%
    /// slower on loopback (bench/README.md, CLI).
    /// </summary>
    public int SendBufferBytes { get; set; } = -1;

    /// <summary><c>receive.buffer.bytes</c>: SO_RCVBUF, -1 (the default) for the OS default, as for <see cref="SendBufferBytes"/>.</summary>
    public int ReceiveBufferBytes { get; set; } = -1;

    /// <summary><c>default.api.timeout.ms</c>: the deadline of an operation that takes no explicit timeout (metadata waits, admin calls, offset look-ups).</summary>
    public int DefaultApiTimeoutMs { get; set; } = 60_000;

    /// <summary><c>client.software.name</c> and version, sent in ApiVersions (KIP-511).</summary>
    public string ClientSoftwareName { get; set; } = "samsa-client";

    public string ClientSoftwareVersion { get; set; } = "0.1.0";

    /// <summary>Keys given to <see cref="Apply(IEnumerable{KeyValuePair{string, string}})"/> that this role does not know; Kafka only warns about these, and so do we.</summary>
    public IReadOnlyList<string> UnknownKeys => _unknownKeys;

    /// <summary>Applies Kafka property names and string values (a properties file, <c>--property</c> flags). Bad values throw <see cref="ClientConfigException"/> naming the key.</summary>
    public void Apply(IEnumerable<KeyValuePair<string, string>> properties)
    {
        foreach (var (key, value) in properties)
        {
            Set(key, value);
        }
    }

    /// <summary>Sets one property by its Kafka name.</summary>
    public void Set(string key, string value)
    {
        try
        {
            if (!TryApply(key.Trim(), value.Trim()))
            {
                _unknownKeys.Add(key);
            }
        }
        catch (FormatException e)
        {
            throw new ClientConfigException($"invalid value '{value}' for {key}: {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new ClientConfigException($"invalid value '{value}' for {key}: out of range", e);
        }
    }

    /// <summary>Applies a Java properties file (the CLI's <c>--command-config</c>).</summary>
    public void LoadFile(string path) => Apply(JavaPropertiesReader.ReadFile(path));

    /// <summary>Checks the settings together; clients call this when they start.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new ClientConfigException("bootstrap.servers is required: give one or more host:port pairs, comma separated");
        }

        _ = BrokerAddress.ParseList(BootstrapServers);
        if (!string.Equals(SecurityProtocol, "PLAINTEXT", StringComparison.OrdinalIgnoreCase))
        {
            throw new ClientConfigException(
                $"security.protocol={SecurityProtocol} is not supported yet: this client speaks PLAINTEXT only (SSL, SASL_PLAINTEXT and SASL_SSL will come with TLS and SASL support)");
        }

        RequirePositive("request.timeout.ms", RequestTimeoutMs);
        RequirePositive("max.in.flight.requests.per.connection", MaxInFlightRequestsPerConnection);
        RequirePositive("socket.connection.setup.timeout.ms", SocketConnectionSetupTimeoutMs);
        RequirePositive("default.api.timeout.ms", DefaultApiTimeoutMs);
        if (RetryBackoffMs < 0 || RetryBackoffMaxMs < 0 || ReconnectBackoffMs < 0 || ReconnectBackoffMaxMs < 0)
        {
            throw new ClientConfigException("retry.backoff.ms, retry.backoff.max.ms, reconnect.backoff.ms and reconnect.backoff.max.ms must not be negative");
        }
    }

    /// <summary>Sets a property this role knows; false for an unknown key.</summary>
    protected virtual bool TryApply(string key, string value)
    {
        switch (key)
        {
            case "bootstrap.servers": BootstrapServers = value; return true;
            case "client.id": ClientId = value; return true;
            case "request.timeout.ms": RequestTimeoutMs = Int(value); return true;
            case "metadata.max.age.ms": MetadataMaxAgeMs = Int(value); return true;
            case "security.protocol": SecurityProtocol = value.ToUpperInvariant(); return true;
            case "retry.backoff.ms": RetryBackoffMs = Int(value); return true;
            case "retry.backoff.max.ms": RetryBackoffMaxMs = Int(value); return true;
            case "reconnect.backoff.ms": ReconnectBackoffMs = Int(value); return true;
            case "reconnect.backoff.max.ms": ReconnectBackoffMaxMs = Int(value); return true;
            case "socket.connection.setup.timeout.ms": SocketConnectionSetupTimeoutMs = Int(value); return true;
            case "max.in.flight.requests.per.connection": MaxInFlightRequestsPerConnection = Int(value); return true;
            case "send.buffer.bytes": SendBufferBytes = Int(value); return true;
            case "receive.buffer.bytes": ReceiveBufferBytes = Int(value); return true;
            case "default.api.timeout.ms": DefaultApiTimeoutMs = Int(value); return true;
            case "client.software.name": ClientSoftwareName = value; return true;
            case "client.software.version": ClientSoftwareVersion = value; return true;

            // Accepted so property files written for the Java client load; nothing here uses them (yet).
            case "connections.max.idle.ms":
            case "socket.connection.setup.timeout.max.ms":
            case "client.dns.lookup":
            case "metrics.sample.window.ms":
            case "metrics.num.samples":
            case "metrics.recording.level":
            case "metric.reporters":
            case "auto.include.jmx.reporter":
            case "enable.metrics.push":
                return true;
            default:
                if (key.StartsWith("sasl.", StringComparison.Ordinal) || key.StartsWith("ssl.", StringComparison.Ordinal))
                {
                    // Meaningful only with a security.protocol other than PLAINTEXT, which Validate refuses clearly.
                    return true;
                }

                return false;
        }
    }

    protected static int Int(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    protected static long Long(string value) => long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    protected static bool Bool(string value) => value.ToUpperInvariant() switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => throw new FormatException("expected true or false"),
    };

    protected static void RequirePositive(string key, long value)
    {
        if (value <= 0)
        {
            throw new ClientConfigException($"{key} must be positive, got {value}");
        }
    }
}
