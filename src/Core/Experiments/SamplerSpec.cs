namespace NormLab.Core.Experiments;

/// <summary>
/// How training batches are drawn (YAML <c>sampler:</c>). Without one, every epoch is a uniform shuffle (i.i.d. batches).
/// <c>{classesPerBatch: K}</c> draws every batch from only K classes (Ioffe 2017's non-i.i.d. mini-batches; see
/// <see cref="Data.ClassSkewedOrder"/>); each image is still seen once per epoch.
/// </summary>
public sealed record SamplerSpec(int ClassesPerBatch)
{
    public static Seq<string> Keys => Seq1("classesPerBatch");

    /// <summary>Both sources have ten classes.</summary>
    public const int Classes = 10;

    public Seq<Problem> Problems(string path, int batchSize) =>
        ClassesPerBatch < 1 || ClassesPerBatch > Classes
            ? Seq1(new Problem(ProblemPath.Join(path, "classesPerBatch"), $"must be between 1 and {Classes} (the datasets' classes; got {Format.Number(ClassesPerBatch)})"))
            : ClassesPerBatch > batchSize
                ? Seq1(new Problem(ProblemPath.Join(path, "classesPerBatch"),
                    $"{Format.Number(ClassesPerBatch)} classes cannot share a batch of {Format.Number(batchSize)} images — use at most {Format.Number(batchSize)}"))
                : Seq<Problem>();
}
