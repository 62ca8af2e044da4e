using System.CommandLine;

namespace NormLab.Host.Cli;

/// <summary>
/// The command line: a root command with every registered verb. Parse errors (a missing argument, an unknown option)
/// are user mistakes: they are printed with a pointer to <c>--help</c> and give exit code 2.
/// </summary>
public static class CliApp
{
    public const string Description =
        "NormLab — a laboratory for Batch Normalization experiments (experiments.yaml → runs → results/ → report).";

    /// <summary><c>-v</c> / <c>--verbose</c> on any verb: the host's log lines on the console (stderr), not only warnings.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "show the log lines (information and up) on stderr; the full log is in normlab.log either way",
        Recursive = true,
    };

    public static RootCommand Root(IEnumerable<ICliVerb> verbs)
    {
        var root = new RootCommand(Description) { Verbose };
        foreach (var verb in verbs) root.Subcommands.Add(verb.Command);
        return root;
    }

    /// <summary>Parses and runs; output and errors go to the given writers (the console in Program.cs, strings in tests).</summary>
    public static async Task<int> RunAsync(IEnumerable<ICliVerb> verbs, string[] args, TextWriter output, TextWriter error,
        CancellationToken cancellation = default)
    {
        var parsed = Root(verbs).Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not null && !IsHelp(args))
        {
            foreach (var e in parsed.Errors) await error.WriteLineAsync(e.Message);
            var verb = parsed.CommandResult.Command.Name;
            await error.WriteLineAsync(parsed.CommandResult.Command is RootCommand
                ? "see: normlab --help"
                : $"see: normlab {verb} --help");
            return ExitCodes.UserError;
        }
        ConsoleLog.Verbose = parsed.GetValue(Verbose);
        // On SIGTERM / SIGINT System.CommandLine cancels the verb and, by default, gives up waiting after 2 s — too short for
        // a run that writes its checkpoint, its final weights and summary.json on a loaded machine (Slurm's
        // --signal=TERM@120 leaves two minutes). Wait as long as the run host's own shutdown timeout.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = ShutdownTimeout };
        return await parsed.InvokeAsync(configuration, cancellation);
    }

    /// <summary>How long a verb may take to stop after SIGTERM / SIGINT (the run host uses the same bound).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(2);

    static bool IsHelp(string[] args) => args.Any(a => a is "-h" or "--help" or "-?");
}
