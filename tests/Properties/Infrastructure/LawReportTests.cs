using Microsoft.FSharp.Core;

namespace NormLab.Tests.Properties.Infrastructure;

/// <summary>
/// What a failing <see cref="LawAttribute"/> property reports: FsCheck.Xunit fails the test with FsCheck's own
/// message, so these run a false law through FsCheck with the attribute's settings and read that message.
/// </summary>
public class LawReportTests
{
    private static string FailureOf(string replay)
    {
        var law = new LawAttribute();
        var parts = replay.Trim('(', ')').Split(',');
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(law.MaxTest)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(ulong.Parse(parts[0]), ulong.Parse(parts[1])), FSharpOption<int>.None)));
        // False for every integer ≥ 10: FsCheck shrinks any counterexample to 10.
        var error = Assert.ThrowsAny<Exception>(() =>
            FsCheck.Check.One(config, Prop.ForAll(ArbMap.Default.ArbFor<int>(), (int x) => Assert.True(x < 10, $"{x} is not below 10"))));
        return error.Message;
    }

    [Fact]
    public void A_failing_law_prints_the_shrunk_counterexample_and_the_seed_that_replays_it()
    {
        var replay = new LawAttribute().Replay;
        Assert.Equal(LawAttribute.ReplayString(PropertyRunner.Seed), replay);
        var message = FailureOf(replay);
        Assert.Contains("Falsifiable", message);
        Assert.Contains("Shrunk", message);
        Assert.Matches(@"Shrunk:\s+10\b", message);
        Assert.Contains($"({PropertyRunner.Seed},{LawAttribute.Gamma})", message); // the seed pair the run started from
        Assert.Equal(message, FailureOf(replay)); // same seed, same cases, same report
    }
}
