using Microsoft.Extensions.Logging;
using NormLab.Host.Cli;
using Xunit;

namespace NormLab.Tests.Unit.Running;

/// <summary>The console shows warnings and errors as plain lines; the log lines only with -v.</summary>
[Collection(nameof(ConsoleLogTests))] // ConsoleLog.Verbose is process-wide
public sealed class ConsoleLogTests : IDisposable
{
    public void Dispose() => ConsoleLog.Verbose = false;

    private static string Log(bool verbose, Action<ILogger> write)
    {
        ConsoleLog.Verbose = verbose;
        var error = new StringWriter();
        write(new ConsoleLog(error).CreateLogger("NormLab.Host.Running.ExperimentRunService"));
        return error.ToString();
    }

    [Fact]
    public void Quiet_by_default_warnings_and_errors_as_plain_lines()
    {
        var text = Log(verbose: false, log =>
        {
            log.LogInformation("3 runs planned");
            log.LogWarning("mnist: download from {Mirror} failed", "mirror-1");
            log.LogError(new InvalidOperationException("boom"), "run x failed");
        });
        Assert.Equal($"warning: mnist: download from mirror-1 failed{Environment.NewLine}error: run x failed{Environment.NewLine}", text);
        Assert.DoesNotContain("NormLab.Host", text); // no host log format, no stack trace
    }

    [Fact]
    public void Verbose_shows_information_lines_with_time_level_and_class()
    {
        var text = Log(verbose: true, log => log.LogInformation("3 runs planned"));
        Assert.Matches(@"^\d\d:\d\d:\d\d info  ExperimentRunService: 3 runs planned\r?\n$", text);
    }

    [Fact]
    public void Dash_v_sets_verbose_for_every_verb()
    {
        var root = CliApp.Root([]);
        Assert.True(root.Parse(["-v"]).GetValue(CliApp.Verbose));
        Assert.False(root.Parse([]).GetValue(CliApp.Verbose));
    }
}
