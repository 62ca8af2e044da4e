namespace NormLab.Core.Experiments;

/// <summary>How pixel values (0..255) reach the network.</summary>
public enum Preprocess
{
    /// <summary>x / 255, into [0, 1] (every Keras notebook of the studies).</summary>
    Scale01,
    /// <summary>
    /// x / 255, then per-pixel (x − mean) / std with mean and std fitted on the training split only (seed 002:
    /// <c>X_train.mean(axis=0)</c>, <c>X_train.std(axis=0)</c>), applied unchanged to validation and test.
    /// </summary>
    Standardize,
}
