namespace NormLab.Core.Networks;

/// <summary>
/// Everything that can be wrong with a <see cref="Network"/>, reported at once: its name, its input shape, every layer's
/// fields, the shapes (<see cref="ShapeInference"/>) and clashing layer names (a probe must find exactly one layer).
/// Never throws.
/// </summary>
public static class NetworkValidation
{
    public static Validation<Problem, Network> Validate(Network network, string pathPrefix = "") =>
        ValidateShape(network, pathPrefix).Map(shape => shape.Network);

    /// <summary>As <see cref="Validate"/>, keeping the inferred shapes for a caller that needs them (summary, interpreter).</summary>
    public static Validation<Problem, NetworkShape> ValidateShape(Network network, string pathPrefix = "")
    {
        var own = NameProblems(network, pathPrefix);
        var inferred = ShapeInference.Infer(network, pathPrefix);
        var names = DuplicateNameProblems(network, pathPrefix);
        var problems = own + inferred.Match(_ => Seq<Problem>(), fails => fails) + names;
        return problems.IsEmpty ? inferred : Validation<Problem, NetworkShape>.Fail(problems);
    }

    static Seq<Problem> NameProblems(Network network, string prefix) =>
        string.IsNullOrWhiteSpace(network.Name)
            ? Seq1(new Problem(ProblemPath.Join(prefix, "name"), "must not be empty"))
            : Seq<Problem>();

    /// <summary>
    /// Two layers answering to the same name: reported at the later one, naming the earlier, whether the clash is
    /// between user names or a user name and a generated one.
    /// </summary>
    static Seq<Problem> DuplicateNameProblems(Network network, string prefix)
    {
        // A missing layer is already reported by shape inference and has no name to clash with.
        if (network.Layers.Exists(l => l is null)) return Seq<Problem>();
        var layersPath = ProblemPath.Join(prefix, "layers");
        var names = LayerNames.All(network);
        var problems = Seq<Problem>();
        for (var i = 0; i < names.Count; i++)
        {
            var earlier = names.Take(i).ToSeq().Map((j, n) => (j, n)).Find(p => p.n == names[i]);
            var at = ProblemPath.Index(layersPath, i);
            earlier.IfSome(p => problems = problems.Add(new Problem(
                ProblemPath.Join(at, "name"),
                $"\"{names[i]}\" is already the name of {ProblemPath.Index(layersPath, p.j)}" +
                (network.Layers[i].Name is null || network.Layers[p.j].Name is null ? " (a generated name)" : "") +
                " — give one of them another name")));
        }
        return problems;
    }
}
