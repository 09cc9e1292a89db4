namespace Samsa.Storage.Tests;

public class LogConfigTests
{
    [Fact]
    public void Defaults_are_kafkas()
    {
        var c = LogConfig.Default;
        Assert.Equal(1073741824, c.SegmentBytes);
        Assert.Equal(604800000L, c.SegmentMs);
        Assert.Equal(10485760, c.SegmentIndexBytes);
        Assert.Equal(4096, c.IndexIntervalBytes);
        Assert.Equal(long.MaxValue, c.FlushMessages);
        Assert.Equal(long.MaxValue, c.FlushMs);
        Assert.Equal(604800000L, c.RetentionMs);
        Assert.Equal(-1L, c.RetentionBytes);
        Assert.Equal(60000L, c.FileDeleteDelayMs);
        Assert.Equal(CleanupPolicy.Delete, c.CleanupPolicy);
        Assert.Equal(1048588, c.MaxMessageBytes);
        Assert.Equal(TimestampType.CreateTime, c.MessageTimestampType);
        Assert.False(c.Preallocate);
        Assert.Equal(86400000L, c.DeleteRetentionMs);
        Assert.Equal(0.5, c.MinCleanableDirtyRatio);
    }

    [Fact]
    public void Parses_kafka_names_and_keeps_other_layers_configs()
    {
        var c = LogConfig.Parse(new Dictionary<string, string>
        {
            ["segment.bytes"] = "1048576",
            ["retention.ms"] = "-1",
            ["cleanup.policy"] = "compact, delete",
            ["message.timestamp.type"] = "LogAppendTime",
            ["preallocate"] = "true",
            ["min.cleanable.dirty.ratio"] = "0.25",
            ["min.insync.replicas"] = "2",
        });

        Assert.Equal(1048576, c.SegmentBytes);
        Assert.Equal(-1L, c.RetentionMs);
        Assert.Equal(CleanupPolicy.Compact | CleanupPolicy.Delete, c.CleanupPolicy);
        Assert.Equal(TimestampType.LogAppendTime, c.MessageTimestampType);
        Assert.True(c.Preallocate);
        Assert.Equal(0.25, c.MinCleanableDirtyRatio);
        Assert.Equal("2", c.Others["min.insync.replicas"]);
        Assert.Equal("delete,compact", c.ToProperties()["cleanup.policy"]);
        Assert.Equal(c with { }, LogConfig.Parse(c.ToProperties()) with { Others = c.Others });
    }

    [Theory]
    [InlineData("segment.bytes", "abc")]
    [InlineData("segment.bytes", "10")]
    [InlineData("retention.ms", "-2")]
    [InlineData("cleanup.policy", "shred")]
    [InlineData("message.timestamp.type", "Now")]
    [InlineData("min.cleanable.dirty.ratio", "1.5")]
    [InlineData("preallocate", "yes")]
    [InlineData("segment.megabytes", "1")]
    public void Bad_values_name_the_key(string key, string value)
    {
        var e = Assert.Throws<LogConfigException>(() => LogConfig.Parse(new Dictionary<string, string> { [key] = value }));
        Assert.Equal(key, e.Key);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
