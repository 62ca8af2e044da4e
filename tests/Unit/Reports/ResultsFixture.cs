using System.Globalization;
using System.Text;

namespace NormLab.Tests.Unit.Reports;

/// <summary>
/// Writes a small results folder following the contract in HELPERS.md: two experiments × two variants × two seeds.
/// "fashion-mlp" has train/val/test rows and reported values; "ioffe-mnist" has test accuracy every 250 steps and
/// sigmoid-input percentiles (hidden1 and hidden3) in probes.csv. Curves are smooth functions plus seeded noise, so
/// figures look like training curves; exact-value tests build their data in memory instead.
/// </summary>
public static class ResultsFixture
{
    public static string Create(string? root = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "normlab-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        WriteFashion(root);
        WriteIoffe(root);
        return root;
    }

    private static void WriteFashion(string root)
    {
        var exp = Path.Combine(root, "fashion-mlp");
        Directory.CreateDirectory(exp);
        File.WriteAllText(Path.Combine(exp, "experiment.json"), """
            {"name":"fashion-mlp","description":"Fashion-MNIST MLP 300-100 LeakyReLU, he_normal, SGD, 10 epochs, 5,000 validation images, without vs with BN <& \"quoted\">.",
             "dataset":"fashion-mnist","kind":"classification",
             "reported":{"no_bn":{"testAccuracy":0.8732,"wallSeconds":82.0},"bn":{"testAccuracy":0.8920,"wallSeconds":82.7}},
             "variants":["no_bn","bn"],"seeds":[0,1],"figures":["curves"]}
            """);
        foreach (var (variant, bn, final) in new[] { ("no_bn", "none", 0.873), ("bn", "torch", 0.892) })
        foreach (var seed in new[] { 0, 1 })
        {
            var rng = new Random(seed * 31 + variant.Length);
            var dir = Path.Combine(exp, variant, $"seed-{seed}");
            Directory.CreateDirectory(dir);
            var m = new StringBuilder("step,epoch,split,loss,accuracy,time\n");
            const int stepsPerEpoch = 430; // 55,000 images / batch 128
            double Acc(double epoch) => final - (final - 0.35) * Math.Exp(-epoch * (bn == "none" ? 0.55 : 0.9)) + (rng.NextDouble() - 0.5) * 0.004;
            for (var half = 1; half <= 20; half++)
            {
                var step = half * stepsPerEpoch / 2;
                var epoch = step / (double)stepsPerEpoch;
                var acc = Acc(epoch) + 0.01;
                m.Append(Row(step, epoch, "train", 1.8 * (1 - acc) + 0.05, acc, epoch * 8.2));
                if (half % 2 == 0) { var v = Acc(epoch); m.Append(Row(step, epoch, "val", 1.9 * (1 - v) + 0.08, v, epoch * 8.2 + 0.3)); }
            }
            var test = final + (seed == 0 ? -0.001 : 0.001);
            m.Append(Row(4300, 10, "test", 0.33, test, 82.5));
            File.WriteAllText(Path.Combine(dir, "metrics.csv"), m.ToString());
            File.WriteAllText(Path.Combine(dir, "config.yaml"), $"name: fashion-mlp\nvariant: {variant}\nseed: {seed}\nbatchSize: 128\nepochs: 10\nbn: {bn}\n");
            var secs = bn == "none" ? 8.20 : 8.27;
            File.WriteAllText(Path.Combine(dir, "summary.json"), Summary("fashion-mlp", variant, seed, 4300, 10, test, 0.33, test + 0.002, test + 0.01, secs * 10, secs, 55000 / secs, bn));
        }
    }

    private static void WriteIoffe(string root)
    {
        var exp = Path.Combine(root, "ioffe-mnist");
        Directory.CreateDirectory(exp);
        File.WriteAllText(Path.Combine(exp, "experiment.json"), """
            {"name":"ioffe-mnist","description":"Ioffe & Szegedy 2015, experiment 1: MNIST, 3 x 100 sigmoid, batch 60, without vs with BN.",
             "dataset":"mnist","kind":"classification","reported":{},"variants":["sigmoid","sigmoid_bn"],"seeds":[0,1],"figures":["ioffe-1a","ioffe-1bc"]}
            """);
        foreach (var (variant, bn) in new[] { ("sigmoid", "none"), ("sigmoid_bn", "torch") })
        foreach (var seed in new[] { 0, 1 })
        {
            var rng = new Random(seed * 7 + variant.Length);
            var dir = Path.Combine(exp, variant, $"seed-{seed}");
            Directory.CreateDirectory(dir);
            var m = new StringBuilder("step,epoch,split,loss,accuracy,time\n");
            var p = new StringBuilder("step,probe,layer,stat,value\n");
            for (var step = 250; step <= 5000; step += 250)
            {
                var epoch = step * 60 / 60000.0;
                var t = step / 5000.0;
                var acc = bn == "none" ? 0.97 - 0.8 * Math.Exp(-t * 3) : 0.985 - 0.5 * Math.Exp(-t * 9);
                acc += (rng.NextDouble() - 0.5) * 0.003;
                m.Append(Row(step, epoch, "train", 2 * (1 - acc), acc, step * 0.002));
                m.Append(Row(step, epoch, "test", 2.1 * (1 - acc), acc - 0.002, step * 0.002 + 0.1));
                foreach (var layer in new[] { "hidden1", "hidden3" })
                {
                    // Without BN the distribution drifts and widens; with BN it stays put (the paper's Fig. 1b, c).
                    var (centre, spread) = bn == "none" ? (-0.5 - 1.2 * t, 0.6 + 0.9 * t) : (0.05 * Math.Sin(t * 6), 0.9);
                    foreach (var (stat, z) in new[] { ("p15", -1.04), ("p50", 0.0), ("p85", 1.04) })
                        p.Append(FormattableString.Invariant($"{step},percentiles,{layer},{stat},{centre + z * spread + (rng.NextDouble() - 0.5) * 0.05:R}\n"));
                }
                p.Append(FormattableString.Invariant($"{step},grad_norm,dense1,l2,{0.5 / (1 + t):R}\n"));
            }
            File.WriteAllText(Path.Combine(dir, "metrics.csv"), m.ToString());
            File.WriteAllText(Path.Combine(dir, "probes.csv"), p.ToString());
            File.WriteAllText(Path.Combine(dir, "config.yaml"), $"name: ioffe-mnist\nvariant: {variant}\nseed: {seed}\nbatchSize: 60\nsteps: 5000\n");
            var test = bn == "none" ? 0.955 + seed * 0.002 : 0.978 + seed * 0.001;
            File.WriteAllText(Path.Combine(dir, "summary.json"), Summary("ioffe-mnist", variant, seed, 5000, 5, test, 0.15, test, test, 10.0 + (bn == "none" ? 0 : 1.2), (10.0 + (bn == "none" ? 0 : 1.2)) / 5, 30000, bn));
        }
    }

    private static string Row(long step, double epoch, string split, double loss, double acc, double time) =>
        FormattableString.Invariant($"{step},{epoch:R},{split},{loss:R},{acc:R},{time:R}\n");

    private static string Summary(string exp, string variant, int seed, long steps, double epochs, double test, double testLoss, double bestVal,
        double train, double wall, double perEpoch, double imagesPerSecond, string bn) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"experiment":"{{exp}}","variant":"{{variant}}","seed":{{seed}},"status":"complete","divergedAtStep":null,"message":null,"steps":{{steps}},"epochs":{{epochs}},"testAccuracy":{{test}},"testLoss":{{testLoss}},"bestValAccuracy":{{bestVal}},"finalTrainAccuracy":{{train}},"wallSeconds":{{wall}},"secondsPerEpoch":{{perEpoch}},"imagesPerSecond":{{imagesPerSecond}},"params":{"total":266610,"trainable":266610,"nonTrainable":0},"bnConvention":"{{bn}}"}""");
}
