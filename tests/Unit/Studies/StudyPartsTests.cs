using NormLab.Core.Data;
using NormLab.Core.Experiments;
using Xunit;

namespace NormLab.Tests.Unit.Studies;

/// <summary>The small parts the studies stand on: run names read back, wildcard selectors, the class-skewed sampler.</summary>
public sealed class StudyPartsTests
{
    [Theory]
    [InlineData("gn/batch=8/lr=0.1", "gn", "batch=8/lr=0.1")]
    [InlineData("batch=8", "base", "batch=8")]
    [InlineData("bn", "bn", "")]
    [InlineData("bn-only/override.hidden*.units=64", "bn-only", "override.hidden*.units=64")]
    public void A_run_variant_name_reads_back_as_its_variant_and_point(string name, string declared, string point)
    {
        var p = SweepPoint.Parse(name);
        Assert.Equal(declared, p.Declared);
        Assert.Equal(point, p.PointName);
    }

    [Fact]
    public void A_coordinate_reads_as_a_number()
    {
        var p = SweepPoint.Parse("gn/batch=8/lr=0.003125");
        Assert.Equal(8.0, p.Number("batch").IfNone(double.NaN));
        Assert.Equal(0.003125, p.Number("lr").IfNone(double.NaN));
        Assert.True(p.Number("units").IsNone);
    }

    [Theory]
    [InlineData("hidden*", "hidden1", true)]
    [InlineData("hidden*", "hidden", true)]
    [InlineData("hidden*", "output", false)]
    [InlineData("conv*", "conv2", true)]
    [InlineData("*_norm_*", "batch_norm_2", true)]
    [InlineData("*_norm_*", "dense_1", false)]
    [InlineData("dense_1", "dense_1", true)]
    [InlineData("dense_1", "dense_12", false)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("*1", "hidden1", true)]
    [InlineData("*1", "hidden12", false)]
    public void Wildcard_selectors_match_layer_names(string pattern, string name, bool matches) =>
        Assert.Equal(matches, LayerOverride.Matches(pattern, name));

    static byte[] Labels(int n, int classes) => Enumerable.Range(0, n).Select(i => (byte)(i * 7 % classes)).ToArray();

    [Theory]
    [InlineData(2, 32)]
    [InlineData(1, 10)]
    [InlineData(3, 7)]
    [InlineData(10, 32)]
    public void The_class_skewed_order_is_a_permutation_whose_batches_hold_few_classes(int k, int batch)
    {
        const int n = 1000;
        var labels = Labels(n, 10);
        var order = new int[n];
        ClassSkewedOrder.Fill(order, labels, 7, 0, batch, k);

        Assert.Equal(Enumerable.Range(0, n), order.OrderBy(i => i));
        var batches = order.Chunk(batch).ToList();
        var skewed = batches.Count(b => b.Select(i => labels[i]).Distinct().Count() <= k);
        // Only the last batches of an epoch, when the chosen classes run dry, may be topped up from others.
        Assert.True(skewed >= batches.Count - 3, $"{batches.Count - skewed} of {batches.Count} batches hold more than {k} classes");
    }

    [Fact]
    public void The_class_skewed_order_is_fixed_by_seed_and_epoch()
    {
        var labels = Labels(500, 10);
        int[] Order(ulong seed, int epoch)
        {
            var o = new int[500];
            ClassSkewedOrder.Fill(o, labels, seed, epoch, 16, 2);
            return o;
        }
        Assert.Equal(Order(3, 1), Order(3, 1));
        Assert.NotEqual(Order(3, 1), Order(3, 2));
        Assert.NotEqual(Order(3, 1), Order(4, 1));
    }

    [Fact]
    public void Every_class_is_drawn_throughout_the_epoch()
    {
        // Weighted class draws drain the classes together: the first half of the epoch already holds every class about
        // half-way, so the last batches are not all one class.
        var labels = Labels(2000, 10);
        var order = new int[2000];
        ClassSkewedOrder.Fill(order, labels, 11, 0, 20, 2);
        var firstHalf = order.Take(1000).GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, firstHalf.Count);
        Assert.All(firstHalf.Values, c => Assert.InRange(c, 40, 160));
    }

    [Fact]
    public void A_sampler_asks_for_a_possible_number_of_classes()
    {
        Assert.Empty(new SamplerSpec(2).Problems("experiments[0].sampler", 32));
        Assert.Equal("experiments[0].sampler.classesPerBatch: must be between 1 and 10 (the datasets' classes; got 11)",
            Assert.Single(new SamplerSpec(11).Problems("experiments[0].sampler", 32)).ToString());
        Assert.Contains("cannot share a batch of 4 images", Assert.Single(new SamplerSpec(5).Problems("s", 4)).Message);
    }
}
