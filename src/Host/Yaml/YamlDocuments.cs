using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static LanguageExt.Prelude;

namespace NormLab.Host.Yaml;

/// <summary>An experiments file as read: the records and where each path was written.</summary>
public sealed record ParsedFile(ExperimentFile File, SourceMap Map)
{
    /// <summary>Core's problems with their lines and columns.</summary>
    public Seq<LocatedProblem> Locate(Seq<Problem> problems) => problems.Map(Map.Locate).Strict();
}

/// <summary>
/// Text ↔ records for the three kinds of YAML document NormLab reads and writes: experiments files, networks, and run
/// configurations (config.yaml). Reading never throws: YAML syntax errors and every mistake come back as
/// <see cref="LocatedProblem"/>s. <c>Read(Write(x)) == x</c> for each.
/// </summary>
public static class YamlDocuments
{
    /// <summary>The root node of a one-document text, or the syntax error with its line and column.</summary>
    public static Either<Seq<LocatedProblem>, YamlNode> Root(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 1)
                return Left(Seq1(new LocatedProblem("", "expected one YAML document, found " + stream.Documents.Count + " (remove the extra '---')",
                    Some(YamlReader.Position(stream.Documents[1].RootNode.Start)))));
            return Right<Seq<LocatedProblem>, YamlNode>(stream.Documents.Count == 0 ? new YamlScalarNode("") : stream.Documents[0].RootNode);
        }
        catch (YamlException e)
        {
            var first = FirstLine(e.Message);
            var message = first.StartsWith("Duplicate key", StringComparison.OrdinalIgnoreCase) || e.InnerException is ArgumentException
                ? "duplicate key — a key may appear only once in a mapping"
                : "YAML syntax error: " + first;
            return Left(Seq1(new LocatedProblem("", message, Some(YamlReader.Position(e.Start)))));
        }
    }

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: …) - (…): "; the position is reported separately.</summary>
    static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        var marker = line.LastIndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 && line.StartsWith("(Line:", StringComparison.Ordinal) ? line[(marker + 3)..] : line;
    }

    static Either<Seq<LocatedProblem>, T> Read<T>(string text, Func<YamlReader, YamlNode, T?> read) where T : class =>
        Root(text).Bind(root =>
        {
            var reader = new YamlReader();
            var result = read(reader, root);
            return result is not null && !reader.HasProblems
                ? Right<Seq<LocatedProblem>, T>(result)
                : Left<Seq<LocatedProblem>, T>(reader.Problems.Select(reader.Map.Locate).ToSeq().Strict());
        });

    /// <summary>Parses an experiments file (syntax, keys, types); its meaning is checked by <see cref="ExperimentValidation"/>.</summary>
    public static Either<Seq<LocatedProblem>, ParsedFile> ReadExperiments(string text) =>
        Root(text).Bind(root =>
        {
            var reader = new YamlReader();
            var file = new ExperimentReader(reader).File(root);
            return file is not null && !reader.HasProblems
                ? Right<Seq<LocatedProblem>, ParsedFile>(new ParsedFile(file, reader.Map))
                : Left<Seq<LocatedProblem>, ParsedFile>(reader.Problems.Select(reader.Map.Locate).ToSeq().Strict());
        });

    /// <summary>Parses a file and expands its runs: every problem, located, or the plans.</summary>
    public static Either<Seq<LocatedProblem>, (ParsedFile File, Seq<RunPlan> Plans)> ReadPlans(string text, PlanFilter filter) =>
        ReadExperiments(text).Bind(parsed => Plans.Expand(parsed.File, filter).Match(
            Succ: plans => Right<Seq<LocatedProblem>, (ParsedFile, Seq<RunPlan>)>((parsed, plans)),
            Fail: problems => Left<Seq<LocatedProblem>, (ParsedFile, Seq<RunPlan>)>(parsed.Locate(problems))));

    public static string WriteExperiments(ExperimentFile file) => SpecWriter.Emit(SpecWriter.File(file));

    public static Either<Seq<LocatedProblem>, Network> ReadNetwork(string text) =>
        Read(text, (r, root) => new SpecReader(r).Network(root, ""));

    public static string WriteNetwork(Network network) => SpecWriter.Emit(SpecWriter.Network(network));

    public static string WriteRunPlan(RunPlan plan) => SpecWriter.Emit(SpecWriter.RunPlan(plan));

    static readonly Seq<string> RunPlanKeys = Seq("experiment", "variant", "seed", "description", "dataset", "model", "optimizer",
        "loss", "batchSize", "epochs", "steps", "evalEvery", "probes", "threads", "device", "reported", "trainOnly", "preciseBn", "checkpointEvery");

    /// <summary>Reads a run's config.yaml back (the inverse of <see cref="WriteRunPlan"/>).</summary>
    public static Either<Seq<LocatedProblem>, RunPlan> ReadRunPlan(string text) =>
        Read(text, (r, root) =>
        {
            var spec = new SpecReader(r);
            var m = r.Mapping(root, "", "a run configuration", RunPlanKeys);
            if (m is null) return null;
            foreach (var key in Seq("experiment", "variant", "seed", "dataset", "model", "optimizer", "batchSize")) m.Required(key);
            if (m.Has("epochs") == m.Has("steps")) r.Error("", "give either epochs or steps");
            var datasetNode = m["dataset"] as YamlMappingNode;
            string? datasetName = null;
            DatasetSpec? dataset = null;
            if (datasetNode is not null)
            {
                datasetName = (datasetNode.Children.TryGetValue(new YamlScalarNode("name"), out var n) ? (n as YamlScalarNode)?.Value : null);
                var rest = new YamlMappingNode(datasetNode.Children.Where(c => (c.Key as YamlScalarNode)?.Value != "name"));
                dataset = spec.Dataset(rest, m.PathOf("dataset"));
            }
            var network = m["model"] is { } mn ? spec.Network(mn, m.PathOf("model")) : null;
            var optimizer = m["optimizer"] is { } on ? spec.Optimizer(on, m.PathOf("optimizer")) : null;
            var probes = m["probes"] is { } pn ? spec.Probes(pn, m.PathOf("probes")) : Seq<ProbeSpec>();
            var seed = m.Int("seed");
            var batch = m.Int("batchSize");
            Budget? budget = m.Has("epochs") ? (m.Int("epochs") is int e ? new Budget.Epochs(e) : null)
                : m.Int("steps") is int s ? new Budget.Steps(s) : null;
            var evalEvery = m.Int("evalEvery");
            var threads = m.Int("threads");
            var checkpointEvery = m.Int("checkpointEvery");
            // config.yaml written before devices were recorded ran on the CPU.
            var device = ExperimentReader.Device(r, m) ?? DeviceKinds.Default;
            ReportedResult? reported = null;
            if (m["reported"] is { } rn && r.Mapping(rn, m.PathOf("reported"), "a reported result", Seq("testAccuracy", "wallSeconds")) is { } rm)
            {
                var a = rm.Double("testAccuracy");
                var w = rm.Double("wallSeconds");
                reported = new ReportedResult(a is double av ? Some(av) : None, w is double wv ? Some(wv) : None);
            }
            var trainOnly = m["trainOnly"] is { } tn ? ExperimentReader.TrainOnly(r, tn, m.PathOf("trainOnly")) : Seq<string>();
            var precise = m["preciseBn"] is { } pb ? ExperimentReader.PreciseBn(r, pb, m.PathOf("preciseBn")) : null;
            if (r.HasProblems || dataset is null || datasetName is null || network is null || optimizer is null || probes is null
                || seed is null || batch is null || budget is null || trainOnly is null) return null;
            return new RunPlan(m.Text("experiment") ?? "", m.Text("description") ?? "", m.Text("variant") ?? "", seed.Value, network,
                datasetName, dataset, optimizer, m.Text("loss") ?? ExperimentSpec.CrossEntropy, batch.Value, budget,
                evalEvery is int ev ? Some(ev) : None, probes.Value, threads is int t ? Some(t) : None,
                reported is null ? None : Some(reported), device, trainOnly.Value, precise is null ? None : Some(precise),
                CheckpointEvery: checkpointEvery is int ce ? Some(ce) : None);
        });
}
