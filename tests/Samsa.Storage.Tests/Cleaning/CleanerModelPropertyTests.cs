using FsCheck;
using FsCheck.Xunit;
using static Samsa.Storage.Tests.Cleaning.KeyedRecords;

namespace Samsa.Storage.Tests.Cleaning;

/// <summary>Random puts and deletes over a few keys, cleanings, time passing and restarts, against a dictionary.</summary>
public class CleanerModelPropertyTests
{
    [Property(MaxTest = 15)]
    public void Every_keys_latest_value_matches_the_model_whenever_the_log_is_cleaned(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        using var fixture = new CleanerFixture(new Storage.Cleaning.LogCleanerOptions
        {
            Enable = false,
            DedupeBufferSize = 24 * (16 << random.Next(4)),
        });
        var topic = new TopicPartition("model", 0);
        var log = fixture.Log(topic.Topic, CleanerFixture.Compacted());
        var model = new Dictionary<string, string?>();
        var trace = new System.Text.StringBuilder();
        for (var step = 0; step < 150; step++)
        {
            var op = random.Next(20);
            trace.Append(op).Append(' ');
            switch (op)
            {
                case < 12:
                    var key = $"k{random.Next(15)}";
                    var value = $"v{step}-{new string('x', random.Next(100))}";
                    CleanerFixture.Append(log, Put(fixture.Time.NowMs, key, value));
                    model[key] = value;
                    break;
                case < 15:
                    var deleted = $"k{random.Next(15)}";
                    CleanerFixture.Append(log, Put(fixture.Time.NowMs, deleted, null));
                    model[deleted] = null;
                    break;
                case < 18:
                    fixture.Manager.Cleaner.CleanNow(log);
                    log.RunPendingDeletions();
                    Check(log, model, trace);
                    break;
                case 18:
                    fixture.Time.Advance(random.Next(40_000));
                    break;
                default:
                    fixture.Restart(crash: random.Next(2) == 0);
                    log = fixture.Manager.GetLog(topic)!;
                    break;
            }
        }

        fixture.Manager.Cleaner.CleanNow(log);
        Check(log, model, trace);
    }

    private static void Check(PartitionLog log, Dictionary<string, string?> model, System.Text.StringBuilder trace)
    {
        var latest = Latest(log);
        foreach (var (key, value) in model)
        {
            if (value is null)
            {
                // A deleted key is gone, or its tombstone still waits for its horizon.
                Assert.True(!latest.TryGetValue(key, out var record) || record.Value is null, $"{key} came back; ops {trace}");
            }
            else
            {
                Assert.True(latest.TryGetValue(key, out var record) && record.Value == value, $"{key}: {latest.GetValueOrDefault(key)} instead of {value}; ops {trace}");
            }
        }

        Assert.All(latest.Keys, key => Assert.True(model.ContainsKey(key)));
    }
}
