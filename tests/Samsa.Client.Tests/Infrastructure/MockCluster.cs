using System.Runtime.InteropServices;
using System.Text;

namespace Samsa.Client.Tests.Infrastructure;

/// <summary>
/// librdkafka's mock cluster (a third-party implementation of the Kafka protocol), started in this process on
/// 127.0.0.1 through librdkafka's C API, which Confluent.Kafka ships. The C API also lets tests shape the cluster:
/// create topics, narrow API versions, add round-trip time, inject error codes. Dispose stops it.
/// </summary>
internal sealed class MockCluster : IDisposable
{
    private readonly IntPtr _handle;
    private IntPtr _cluster;

    static MockCluster() => NativeLibrary.SetDllImportResolver(typeof(MockCluster).Assembly, Resolve);

    public MockCluster(int brokers = 3)
    {
        var errors = new byte[512];
        var conf = Native.rd_kafka_conf_new();
        if (Native.rd_kafka_conf_set(conf, "log_level", "0", errors, (UIntPtr)errors.Length) != 0)
        {
            throw new InvalidOperationException($"rd_kafka_conf_set failed: {Text(errors)}");
        }

        _handle = Native.rd_kafka_new(0, conf, errors, (UIntPtr)errors.Length);
        if (_handle == IntPtr.Zero)
        {
            throw new InvalidOperationException($"rd_kafka_new failed: {Text(errors)}");
        }

        _cluster = Native.rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            Native.rd_kafka_destroy(_handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        Bootstrap = Marshal.PtrToStringAnsi(Native.rd_kafka_mock_cluster_bootstraps(_cluster))!;
        BrokerCount = brokers;
    }

    /// <summary>host:port list of the mock brokers (ids 1..n).</summary>
    public string Bootstrap { get; }

    public int BrokerCount { get; }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1) =>
        Check(Native.rd_kafka_mock_topic_create(_cluster, topic, partitions, replicationFactor), $"create topic {topic}");

    /// <summary>Narrows the versions every mock broker announces for one API.</summary>
    public void SetApiVersion(short apiKey, short minVersion, short maxVersion) =>
        Check(Native.rd_kafka_mock_set_apiversion(_cluster, apiKey, minVersion, maxVersion), $"set versions of API {apiKey}");

    /// <summary>Delays every response of broker <paramref name="brokerId"/> by <paramref name="rttMs"/>.</summary>
    public void SetRoundTripTime(int brokerId, int rttMs) =>
        Check(Native.rd_kafka_mock_broker_set_rtt(_cluster, brokerId, rttMs), $"set rtt of broker {brokerId}");

    /// <summary>The next requests of <paramref name="apiKey"/> (on any broker) fail with these error codes, one each.</summary>
    public void PushRequestErrors(short apiKey, params short[] errorCodes)
    {
        var codes = Array.ConvertAll(errorCodes, static c => (int)c);
        Native.rd_kafka_mock_push_request_errors_array(_cluster, apiKey, (UIntPtr)codes.Length, codes);
    }

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(Native.rd_kafka_mock_partition_set_leader(_cluster, topic, partition, brokerId), $"set leader of {topic}-{partition}");

    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            Native.rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = IntPtr.Zero;
            Native.rd_kafka_destroy(_handle);
        }
    }

    /// <summary>
    /// The default librdkafka build needs libsasl2, which this machine may lack; Confluent.Kafka then falls back to its
    /// self-contained CentOS 8 build, and so does this.
    /// </summary>
    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Native.Lib)
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryLoad(name, assembly, path, out var handle))
        {
            return handle;
        }

        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        foreach (var file in new[] { "librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so" })
        {
            if (NativeLibrary.TryLoad(Path.Combine(native, file), out handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes, 0, Math.Max(0, Array.IndexOf(bytes, (byte)0)));

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"mock cluster: {what} failed with librdkafka error {error}");
        }
    }

    private static class Native
    {
        public const string Lib = "librdkafka";

        [DllImport(Lib)]
        public static extern IntPtr rd_kafka_conf_new();

        [DllImport(Lib)]
        public static extern int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

        [DllImport(Lib)]
        public static extern IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

        [DllImport(Lib)]
        public static extern void rd_kafka_destroy(IntPtr rk);

        [DllImport(Lib)]
        public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

        [DllImport(Lib)]
        public static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);

        [DllImport(Lib)]
        public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

        [DllImport(Lib)]
        public static extern int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

        [DllImport(Lib)]
        public static extern int rd_kafka_mock_set_apiversion(IntPtr cluster, short apiKey, short minVersion, short maxVersion);

        [DllImport(Lib)]
        public static extern int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs);

        [DllImport(Lib)]
        public static extern void rd_kafka_mock_push_request_errors_array(IntPtr cluster, short apiKey, UIntPtr count, int[] errors);

        [DllImport(Lib)]
        public static extern int rd_kafka_mock_partition_set_leader(IntPtr cluster, string topic, int partition, int brokerId);
    }
}
