using NormLab.Host.Results;
using NormLab.Tests.Unit.Data;
using Xunit;

namespace NormLab.Tests.Unit.Results;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Writes_and_replaces_whole_files_creating_folders()
    {
        var path = _dir["a/b/summary.json"];
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second, longer");
        Assert.Equal("second, longer", File.ReadAllText(path));
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir["a/b"]));
    }

    [Fact]
    public void A_failure_mid_write_leaves_the_old_file_intact_and_no_temp_file()
    {
        var path = _dir["metrics.csv"];
        AtomicFile.WriteAllText(path, "old complete content\n");
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new half"u8);
            stream.Flush();
            // While the new content is being written, readers still see the old file in full.
            Assert.Equal("old complete content\n", File.ReadAllText(path));
            Assert.True(File.Exists(AtomicFile.TempPathFor(path)));
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal("disk full (simulated)", e.Message);
        Assert.Equal("old complete content\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Temp_name_follows_the_contract()
    {
        Assert.Equal($"/r/x.csv.tmp-{Environment.ProcessId}", AtomicFile.TempPathFor("/r/x.csv"));
    }
}
