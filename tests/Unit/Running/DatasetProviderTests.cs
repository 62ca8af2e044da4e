using NormLab.Core.Experiments;
using NormLab.Host.Running;
using NormLab.Tests.Unit.Yaml;
using Xunit;

namespace NormLab.Tests.Unit.Running;

/// <summary>How an experiment's dataset record becomes the data layer's options.</summary>
public sealed class DatasetProviderTests
{
    [Fact]
    public void A_relative_data_dir_is_resolved_against_the_given_project_root()
    {
        var root = Path.Combine(Path.GetTempPath(), "normlab-root");
        var options = DatasetProvider.OptionsFor(new DatasetSpec(DatasetSpec.Mnist, DataDir: "data/mnist"), root);
        Assert.Equal(Path.Combine(root, "data", "mnist"), options.DataDir);
        Assert.Equal(root, options.ProjectRoot);
    }

    [Fact]
    public void Without_a_root_the_data_layer_finds_the_repository_not_the_current_folder()
    {
        // The test host's current folder is tests/Unit/bin/…: the data layer's rule ($NORMLAB_ROOT, else the folder
        // holding NormLab.slnx) must win over "wherever the process happens to run".
        var options = DatasetProvider.OptionsFor(new DatasetSpec(DatasetSpec.Mnist, DataDir: "data/mnist"), null);
        Assert.Null(options.ProjectRoot);
        Assert.Equal(Path.Combine(Path.GetFullPath(YamlTestKit.RepoRoot()), "data", "mnist"), options.DataDir);
    }
}
