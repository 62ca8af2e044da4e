using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace NormLab.Host.Cli;

/// <summary>
/// One verb of <c>normlab</c> (validate, summary, run, …): its command line — arguments, options, help — and its action.
/// Actions write to <c>parseResult.InvocationConfiguration.Output</c>/<c>Error</c>, never to <see cref="Console"/>
/// directly, so tests can run them in-process and read what they print. Adding a verb: one class implementing this,
/// one <c>services.AddVerb&lt;T&gt;()</c> line in Program.cs.
/// </summary>
public interface ICliVerb
{
    Command Command { get; }
}

public static class VerbRegistration
{
    /// <summary>Registers a verb (a singleton resolved with its dependencies) for <see cref="CliApp"/>.</summary>
    public static IServiceCollection AddVerb<TVerb>(this IServiceCollection services) where TVerb : class, ICliVerb =>
        services.AddSingleton<ICliVerb, TVerb>();
}

/// <summary>Exit codes of every verb.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The run itself failed (a verb's own failure, not a user mistake).</summary>
    public const int Failed = 1;
    /// <summary>A user mistake: a bad file, an unknown name, a wrong argument. Reported without a stack trace.</summary>
    public const int UserError = 2;
}
