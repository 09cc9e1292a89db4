using Samsa.Cli.Perf;

namespace Samsa.Cli.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Count_average_and_percentiles_come_from_the_recorded_samples()
    {
        var histogram = new LatencyHistogram();
        for (var micros = 1; micros <= 1000; micros++)
        {
            histogram.Record(micros * 100); // 0.1 ms .. 100 ms
        }

        Assert.Equal(1000, histogram.Count);
        Assert.Equal(50.05, histogram.AverageMs, 0.001);
        Assert.Equal(50.0, histogram.PercentileMs(0.50), 0.011);
        Assert.Equal(99.0, histogram.PercentileMs(0.99), 1.0);
        Assert.Equal(100.0, histogram.MaxMs, 0.001);
    }

    [Fact]
    public async Task Samples_recorded_from_several_threads_are_all_counted()
    {
        var histogram = new LatencyHistogram();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                histogram.Record(i % 5000);
            }
        })));

        Assert.Equal(400_000, histogram.Count);
        Assert.Equal(2.4995, histogram.AverageMs, 0.0001);
    }

    [Fact]
    public void An_empty_histogram_reports_zeros()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.AverageMs);
        Assert.Equal(0, histogram.PercentileMs(0.99));
    }
}
