using NormLab.Core.Experiments;

namespace NormLab.Tests.Unit.Experiments;

/// <summary>--shard K/N: parsing with one-line errors, and a deterministic cost-balanced partition that covers every run once.</summary>
public sealed class ShardTests
{
    [Theory]
    [InlineData("0/2", "--shard 0/2: K must be between 1 and 2 (got 0)")]
    [InlineData("3/2", "--shard 3/2: K must be between 1 and 2 (got 3)")]
    [InlineData("1/0", "--shard 1/0: N must be at least 1 (got 0)")]
    [InlineData("0/0", "--shard 0/0: N must be at least 1 (got 0)")]
    [InlineData("two", "--shard two: expected K/N")]
    [InlineData("1/2/3", "--shard 1/2/3: expected K/N")]
    [InlineData("-1/2", "--shard -1/2: expected K/N")]
    public void Bad_shards_are_one_line_errors(string text, string expected)
    {
        var parsed = Shards.Parse(text);
        Assert.True(parsed.IsLeft);
        var message = parsed.LeftToSeq().Head();
        Assert.StartsWith(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void A_good_shard_parses()
    {
        Assert.Equal(new ShardSpec(2, 5), Shards.Parse("2/5").RightToSeq().Head());
        Assert.Equal("2/5", new ShardSpec(2, 5).ToString());
    }

    [Theory]
    [InlineData(new double[] { 5, 5, 4, 4, 3, 3, 3 }, 2)]
    [InlineData(new double[] { 1, 1, 1, 1 }, 4)]
    [InlineData(new double[] { 10, 1, 1, 1, 1, 1 }, 3)]
    [InlineData(new double[] { 7 }, 3)]
    public void The_partition_covers_every_run_once_is_deterministic_and_balanced(double[] costs, int n)
    {
        var a = Shards.Assign(costs, n);
        Assert.Equal(a, Shards.Assign(costs, n));
        Assert.All(a, s => Assert.InRange(s, 0, n - 1));
        var loads = Enumerable.Range(0, n).Select(s => costs.Where((_, i) => a[i] == s).Sum()).ToArray();
        Assert.Equal(costs.Sum(), loads.Sum(), 9);
        // LPT's guarantee: the longest shard is within 4/3 of the lower bound max(mean load, largest run).
        var lower = Math.Max(costs.Sum() / n, costs.Max());
        Assert.True(loads.Max() <= 4.0 / 3.0 * lower + 1e-9, $"loads {string.Join(", ", loads)} against bound {lower}");
    }

    [Fact]
    public void Two_equal_halves_are_found()
    {
        var a = Shards.Assign([5, 5, 4, 4, 3, 3, 2, 2], 2);
        var costs = new double[] { 5, 5, 4, 4, 3, 3, 2, 2 };
        Assert.Equal(14, costs.Where((_, i) => a[i] == 0).Sum());
        Assert.Equal(14, costs.Where((_, i) => a[i] == 1).Sum());
    }
}
