using NormLab.Host.Data;
using Xunit;

namespace NormLab.Tests.Unit.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, byte[] content)
    {
        var path = _dir[name];
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public void Reads_raw_images_with_header_dimensions_and_pixels()
    {
        var path = Write("imgs", IdxFiles.Images(3, 2, 4));
        var images = IdxReader.ReadImages(path);
        Assert.Equal((3, 2, 4), (images.Count, images.Rows, images.Columns));
        Assert.Equal(24, images.Pixels.Length);
        Assert.Equal(IdxFiles.PixelOf(2, 5), images.Pixels[2 * 8 + 5]);
        Assert.Equal(IdxFiles.PixelOf(0, 0), images.Pixels[0]);
    }

    [Fact]
    public void Gzip_is_detected_by_magic_bytes_not_by_name()
    {
        // Compressed but named without .gz, and raw but named .gz: both must read.
        var gz = Write("train-images-idx3-ubyte", IdxFiles.Gzip(IdxFiles.Images(5, 3, 3)));
        var raw = Write("labels.gz", IdxFiles.Labels(1, 2, 3));
        Assert.True(IdxReader.IsGzip(gz));
        Assert.False(IdxReader.IsGzip(raw));
        var images = IdxReader.ReadImages(gz);
        Assert.Equal(5, images.Count);
        Assert.Equal(IdxFiles.PixelOf(4, 8), images.Pixels[4 * 9 + 8]);
        Assert.Equal(new byte[] { 1, 2, 3 }, IdxReader.ReadLabels(raw));
    }

    [Fact]
    public void Truncated_raw_file_names_file_counts_and_fix()
    {
        var bytes = IdxFiles.Images(3, 2, 2);
        var path = Write("cut-images", bytes[..^5]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(
            $"{path}: truncated: the header promises 3 images of 2×2 (28 bytes with the header) but the file has 23 bytes. " +
            "Delete the file and run ./normlab setup to fetch a fresh copy, or point dataDir at a good one",
            e.Message);
    }

    [Fact]
    public void Trailing_bytes_are_an_error()
    {
        var path = Write("long-labels", [.. IdxFiles.Labels(1, 2), 9, 9, 9]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("has 3 trailing bytes: the header promises 2 labels (10 bytes with the header) but the file has 13 bytes", e.Message);
    }

    [Fact]
    public void Truncated_gzip_content_is_an_error()
    {
        var bytes = IdxFiles.Images(4, 2, 2);
        var path = Write("short.gz", IdxFiles.Gzip(bytes[..^3]));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains($"{path}: truncated: the header promises 4 images of 2×2 (32 bytes decompressed) but the content ends after 29 bytes", e.Message);
    }

    [Fact]
    public void Gzip_content_with_trailing_bytes_is_an_error()
    {
        var path = Write("long.gz", IdxFiles.Gzip([.. IdxFiles.Labels(1, 2), 7]));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("has 1 trailing bytes: the header promises 2 labels (10 bytes decompressed) but the content is 11 bytes", e.Message);
    }

    [Fact]
    public void Cut_gzip_stream_is_reported_not_thrown_raw()
    {
        var gz = IdxFiles.Gzip(IdxFiles.Images(50, 10, 10));
        var path = Write("cut.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Matches("truncated|corrupt", e.Message);
        Assert.Contains("./normlab setup", e.Message);
    }

    [Fact]
    public void Labels_file_read_as_images_says_files_are_swapped()
    {
        var path = Write("swapped", IdxFiles.Labels(IdxFiles.CyclicLabels(10)));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains(
            $"{path}: magic number 0x00000801 is not an image file (idx3: count, rows, columns): expected 0x00000803 " +
            "(that is a label file: did you swap the images and labels files?)",
            e.Message);
    }

    [Fact]
    public void Non_idx_file_has_a_clear_magic_error()
    {
        var path = Write("readme", "<html>not found</html>"u8.ToArray());
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("magic number 0x3c68746d is not a label file (idx1: count): expected 0x00000801 (not an IDX file at all", e.Message);
    }

    [Fact]
    public void Wrong_element_type_and_dimension_count_are_named()
    {
        var floats = Write("floats", IdxFiles.Images(1, 1, 1, magic: 0x00000D03));
        Assert.Contains("IDX element type 0x0d; only 0x08, unsigned bytes, is supported",
            Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(floats)).Message);
        var dims = Write("dims", IdxFiles.Images(1, 1, 1, magic: 0x00000804));
        Assert.Contains("(4 dimensions; expected 3)", Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dims)).Message);
    }

    [Fact]
    public void Header_shorter_than_its_size_is_an_error()
    {
        var path = Write("tiny", [0, 0, 8]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("only 3 bytes, too short for the 16-byte header of an IDX image file", e.Message);
    }

    [Fact]
    public void Label_out_of_range_names_index_and_value()
    {
        var path = Write("labels", IdxFiles.Labels(3, 9, 10, 0));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains($"{path}: label at index 2 is 10, outside the class range 0..9", e.Message);
        // The class count is configurable: with 11 classes the same file is fine.
        Assert.Equal(new byte[] { 3, 9, 10, 0 }, IdxReader.ReadLabels(path, numClasses: 11));
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        var images = Write("i", IdxFiles.Images(4, 2, 2));
        var labels = Write("l", IdxFiles.Labels(1, 2, 3));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadPair(images, labels));
        Assert.Equal(
            $"{images}: holds 4 images but its label file {labels} holds 3 labels. The two files come from different datasets or splits; use the matching train/t10k pair",
            e.Message);
    }

    [Fact]
    public void Missing_file_is_file_not_found_with_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(_dir["absent"]));
        Assert.Contains(_dir["absent"], e.Message);
    }
}
