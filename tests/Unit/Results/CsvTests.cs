using LanguageExt;
using NormLab.Host.Results;
using NormLab.Tests.Unit.Data;
using Xunit;

namespace NormLab.Tests.Unit.Results;

public sealed class CsvTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Metrics_round_trip_with_empty_and_non_finite_values()
    {
        var path = _dir["metrics.csv"];
        MetricsRow[] rows =
        [
            new(100, 0.10666666666666667, MetricsSplit.Train, 0.6931471805599453, 0.8125, 1.25),
            new(100, 0.10666666666666667, MetricsSplit.Val, 0.5, 0.85, 1.5),
            new(200, 0.21333333333333335, MetricsSplit.Test, null, 0.9, 2.0),
            new(250, 0.26666666666666666, MetricsSplit.Train, double.NaN, null, 2.5),
        ];
        using (var w = new MetricsCsvWriter(path, TimeSpan.FromHours(1)))
            foreach (var r in rows) w.Append(r);

        Assert.Equal(
            "step,epoch,split,loss,accuracy,time\n" +
            "100,0.10666666666666667,train,0.6931471805599453,0.8125,1.25\n" +
            "100,0.10666666666666667,val,0.5,0.85,1.5\n" +
            "200,0.21333333333333335,test,,0.9,2\n" +
            "250,0.26666666666666666,train,NaN,,2.5\n",
            File.ReadAllText(path));
        var back = MetricsCsv.Read(path);
        Assert.Equal(rows[..3], back.Take(3));
        Assert.True(double.IsNaN(back[3].Loss!.Value));
        Assert.Null(back[3].Accuracy);
    }

    [Fact]
    public void Rows_reach_the_file_only_as_whole_rewrites()
    {
        var path = _dir["metrics.csv"];
        using var w = new MetricsCsvWriter(path, TimeSpan.FromHours(1));
        // Created at once with the header, so a reader can tell a started run from a missing one.
        Assert.Equal(MetricsCsv.Header + "\n", File.ReadAllText(path));
        w.Append(1, 0.01, MetricsSplit.Train, 2.3, 0.1, 0.1);
        Assert.Empty(MetricsCsv.Read(path)); // not due yet
        w.Flush();
        Assert.Single(MetricsCsv.Read(path));
        w.Append(2, 0.02, MetricsSplit.Train, 2.2, 0.2, 0.2);
        w.Dispose(); // flushes what is pending
        Assert.Equal(2, MetricsCsv.Read(path).Count);
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Zero_interval_writes_on_every_append()
    {
        var path = _dir["probes.csv"];
        using var w = new ProbesCsvWriter(path, TimeSpan.Zero);
        w.Append(1000, "percentiles", "hidden3", "p15", -1.234);
        Assert.Equal("step,probe,layer,stat,value\n1000,percentiles,hidden3,p15,-1.234\n", File.ReadAllText(path));
    }

    [Fact]
    public void Probes_round_trip_and_quote_awkward_names()
    {
        var path = _dir["probes.csv"];
        ProbeRow[] rows =
        [
            new(1000, "percentiles", "hidden3", "p50", 0.25),
            new(1000, "batch_stats", "bn2", "mean", 1e-9),
            new(1000, "grad_norm", "dense,1 \"x\"", "l2", double.PositiveInfinity),
        ];
        using (var w = new ProbesCsvWriter(path))
            foreach (var r in rows) w.Append(r);
        Assert.Contains("1000,grad_norm,\"dense,1 \"\"x\"\"\",l2,Infinity\n", File.ReadAllText(path));
        Assert.Equal(rows, ProbesCsv.Read(path));
    }

    [Fact]
    public void Malformed_files_name_file_line_and_problem()
    {
        var path = _dir["metrics.csv"];
        File.WriteAllText(path, "step,epoch,split,loss,acc,time\n");
        Assert.Equal($"{path}:1: header is 'step,epoch,split,loss,acc,time', expected 'step,epoch,split,loss,accuracy,time'",
            Assert.Throws<ResultsFormatException>(() => MetricsCsv.Read(path)).Message);

        File.WriteAllText(path, "step,epoch,split,loss,accuracy,time\n1,0.1,train,0.5,0.5,1\n2,0.2,valid,0.5,0.5,2\n");
        Assert.Equal($"{path}:3: split 'valid' is not train, val or test",
            Assert.Throws<ResultsFormatException>(() => MetricsCsv.Read(path)).Message);

        File.WriteAllText(path, "step,epoch,split,loss,accuracy,time\n1,0.1,train,0,5,0.5,1\n");
        Assert.Equal($"{path}:2: 7 fields, expected 6 (step,epoch,split,loss,accuracy,time)",
            Assert.Throws<ResultsFormatException>(() => MetricsCsv.Read(path)).Message);

        File.WriteAllText(path, "step,epoch,split,loss,accuracy,time\n1,0.1,train,0.5,high,1\n");
        Assert.Equal($"{path}:2: accuracy 'high' is not a number",
            Assert.Throws<ResultsFormatException>(() => MetricsCsv.Read(path)).Message);
    }

    [Fact]
    public void Row_reader_keeps_good_rows_and_names_each_bad_line()
    {
        var path = _dir["metrics.csv"];
        File.WriteAllText(path,
            "step,epoch,split,loss,accuracy,time\n" +
            "1,0.1,train,0.5,0.5,1\n" +
            "2,0.2,train,0.5,high,2\n" + // line 3: not a number
            "3,0.3,val,,0.6,3\n" +
            "4,0.4,\"val,5\n" + // line 5: quote never closed
            "5,0.5,test,0.4,0.7\n" + // line 6: a field short
            "\n" + // line 7: blank
            "6,0.6,test,0.3,0.8,6"); // no trailing newline: still a row

        var rows = MetricsCsv.ReadRows(path);

        Assert.Equal(
            [new(1, 0.1, MetricsSplit.Train, 0.5, 0.5, 1), new(3, 0.3, MetricsSplit.Val, null, 0.6, 3), new MetricsRow(6, 0.6, MetricsSplit.Test, 0.3, 0.8, 6)],
            rows.Rights());
        Assert.Equal(
            [(3, $"{path}:3: accuracy 'high' is not a number"),
             (5, $"{path}:5: unterminated quoted field"),
             (6, $"{path}:6: 5 fields, expected 6 (step,epoch,split,loss,accuracy,time)"),
             (7, $"{path}:7: 1 fields, expected 6 (step,epoch,split,loss,accuracy,time)")],
            rows.Lefts().Select(e => (e.Line ?? 0, e.Message)));
        // The strict reader parses the same way and stops at the first problem.
        Assert.Equal($"{path}:3: accuracy 'high' is not a number", Assert.Throws<ResultsFormatException>(() => MetricsCsv.Read(path)).Message);
    }

    [Fact]
    public void Row_reader_reports_a_wrong_header_once_and_reads_nothing_under_it()
    {
        var path = _dir["probes.csv"];
        File.WriteAllText(path, "step,layer,probe,stat,value\n1000,hidden1,percentiles,p15,-1\n");
        var problem = Assert.Single(ProbesCsv.ReadRows(path)).Match(r => throw new Xunit.Sdk.XunitException($"read {r}"), e => e);
        Assert.Equal($"{path}:1: header is 'step,layer,probe,stat,value', expected 'step,probe,layer,stat,value'", problem.Message);

        File.WriteAllText(path, "");
        Assert.Equal($"{path}:1: empty file; expected the header 'step,probe,layer,stat,value'",
            Assert.Single(ProbesCsv.ReadRows(path)).Match(r => "", e => e.Message));
    }

    [Fact]
    public void Line_breaks_in_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ProbesCsv.Format(new ProbeRow(1, "p", "bad\nlayer", "s", 0)));
    }
}
