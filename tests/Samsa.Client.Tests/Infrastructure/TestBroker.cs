namespace Samsa.Client.Tests.Infrastructure;

/// <summary>
/// THE SWITCH for the tests that the librdkafka mock cannot serve. By default they run against the in-test
/// <see cref="StopgapBroker"/>; set <c>SAMSA_TEST_BOOTSTRAP=host:port</c> to run the same tests against a real
/// broker (a Samsa node once it exists; any Kafka works): state they need is then created through the protocol
/// (topics with CreateTopics, groups by a Confluent.Kafka consumer joining them) instead of being seeded.
/// </summary>
public sealed class TestBroker : IAsyncDisposable
{
    private const string Variable = "SAMSA_TEST_BOOTSTRAP";
    private readonly StopgapBroker? _stopgap;

    public TestBroker()
    {
        var external = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(external))
        {
            _stopgap = new StopgapBroker();
            Bootstrap = _stopgap.Bootstrap;
        }
        else
        {
            Bootstrap = external.Trim();
        }
    }

    public string Bootstrap { get; }

    /// <summary>True when the stopgap listener is in use (its seeding shortcuts are available).</summary>
    public bool IsStopgap => _stopgap is not null;

    internal StopgapBroker Stopgap => _stopgap ?? throw new InvalidOperationException("not running against the stopgap listener");

    public ValueTask DisposeAsync() => _stopgap?.DisposeAsync() ?? ValueTask.CompletedTask;
}
