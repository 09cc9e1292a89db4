using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Client.Tests;

public sealed class ConfigTests
{
    [Fact]
    public void Socket_buffers_are_left_to_the_os_unless_set()
    {
        var config = new ProducerConfig();
        Assert.Equal(-1, config.SendBufferBytes);
        Assert.Equal(-1, new ConsumerConfig().ReceiveBufferBytes);

        config.Apply([new("send.buffer.bytes", "131072"), new("receive.buffer.bytes", "32768")]);
        Assert.Equal(131072, config.SendBufferBytes);
        Assert.Equal(32768, config.ReceiveBufferBytes);
    }

    [Fact]
    public void A_java_properties_file_configures_a_client_under_kafkas_names()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                # client settings for the CLI
                bootstrap.servers = broker-1:9092,broker-2:9093
                client.id: samsa-cli
                request.timeout.ms 5000
                ! another comment
                acks=all
                compression.type=zstd
                linger.ms=20
                batch.size=65536
                some.future.key=x
                ssl.truststore.location=/unused
                long.value=first\
                  second
                """);
            var config = new ProducerConfig();
            config.LoadFile(path);
            Assert.Equal("broker-1:9092,broker-2:9093", config.BootstrapServers);
            Assert.Equal("samsa-cli", config.ClientId);
            Assert.Equal(5000, config.RequestTimeoutMs);
            Assert.Equal(-1, config.Acks);
            Assert.Equal(CompressionType.Zstd, config.CompressionType);
            Assert.Equal(20, config.LingerMs);
            Assert.Equal(65536, config.BatchSize);
            Assert.Equal(["some.future.key", "long.value"], config.UnknownKeys);
            config.Validate();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Properties_syntax_follows_java()
    {
        var parsed = JavaPropertiesReader.Parse("a=1\n  b : two words \nc\\=d=e\nunicode=\\u0041\\tx\nempty=\n#x=y\n");
        Assert.Equal("1", parsed["a"]);
        Assert.Equal("two words ", parsed["b"]);
        Assert.Equal("e", parsed["c=d"]);
        Assert.Equal("A\tx", parsed["unicode"]);
        Assert.Equal(string.Empty, parsed["empty"]);
        Assert.False(parsed.ContainsKey("#x"));
    }

    [Fact]
    public void Only_plaintext_is_supported_for_now()
    {
        var config = new AdminClientConfig { BootstrapServers = "localhost:9092" };
        config.Set("security.protocol", "SASL_SSL");
        var error = Assert.Throws<ClientConfigException>(config.Validate);
        Assert.StartsWith("security.protocol=SASL_SSL is not supported yet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_name_the_key()
    {
        var config = new ConsumerConfig();
        var error = Assert.Throws<ClientConfigException>(() => config.Set("fetch.max.wait.ms", "soon"));
        Assert.Contains("fetch.max.wait.ms", error.Message, StringComparison.Ordinal);
        Assert.Throws<ClientConfigException>(() => config.Set("auto.offset.reset", "smallest"));
        Assert.Throws<ClientConfigException>(() => new ProducerConfig().Set("compression.type", "brotli"));
        Assert.Throws<ClientConfigException>(() => new ProducerConfig().Set("acks", "2"));
    }

    [Fact]
    public void Missing_bootstrap_servers_and_bad_addresses_are_refused()
    {
        Assert.Contains("bootstrap.servers is required", Assert.Throws<ClientConfigException>(new AdminClientConfig().Validate).Message, StringComparison.Ordinal);
        Assert.Throws<ClientConfigException>(new AdminClientConfig { BootstrapServers = "no-port" }.Validate);
        Assert.Equal(new BrokerAddress("::1", 9092), BrokerAddress.Parse("[::1]:9092"));
        Assert.Equal(new BrokerAddress("h", 1), BrokerAddress.Parse("PLAINTEXT://h:1"));
    }

    [Fact]
    public void Idempotence_and_transactions_are_refused_until_implemented()
    {
        var config = new ProducerConfig { BootstrapServers = "localhost:9092" };
        config.Set("enable.idempotence", "true");
        Assert.Contains("enable.idempotence=true is not supported yet", Assert.Throws<ClientConfigException>(config.Validate).Message, StringComparison.Ordinal);
        var transactional = new ProducerConfig { BootstrapServers = "localhost:9092", TransactionalId = "tx" };
        Assert.Throws<ClientConfigException>(transactional.Validate);
    }
}
