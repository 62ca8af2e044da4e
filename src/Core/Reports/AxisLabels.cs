namespace NormLab.Core.Reports;

/// <summary>Axis labels with their units, one wording everywhere.</summary>
public static class AxisLabels
{
    public const string Steps = "training steps (optimizer updates)";
    public const string Epochs = "epochs (passes over the training set)";
    public const string Accuracy = "accuracy (fraction correct)";
    public const string TestAccuracy = "test accuracy (fraction correct)";
    public const string Loss = "loss (mean per example)";
    public const string SecondsPerEpoch = "wall time per epoch (s)";
    public const string SigmoidInput = "sigmoid input (pre-activation value)";
    public const string Variant = "variant";

    public static string For(XScale scale) => scale == XScale.Steps ? Steps : Epochs;
}
