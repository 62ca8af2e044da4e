namespace NormLab.Core.Experiments;

/// <summary>How long a run trains: whole epochs, or a number of optimizer steps (YAML <c>epochs:</c> or <c>steps:</c>).</summary>
public abstract record Budget
{
    public sealed record Epochs(int Count) : Budget;

    public sealed record Steps(int Count) : Budget;

    /// <summary>The YAML key of this budget: <c>epochs</c> or <c>steps</c>.</summary>
    public string Key => this is Epochs ? "epochs" : "steps";

    public int Value => this switch { Epochs e => e.Count, Steps s => s.Count, _ => 0 };

    /// <summary>Total optimizer steps for a dataset and batch size (epochs × ⌈train / batch⌉).</summary>
    public long TotalSteps(DatasetSpec dataset, int batchSize) => this switch
    {
        Epochs e => (long)e.Count * dataset.StepsPerEpoch(batchSize),
        Steps s => s.Count,
        _ => 0,
    };
}
