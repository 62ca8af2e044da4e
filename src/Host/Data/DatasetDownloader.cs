using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using NormLab.Host.Results;

namespace NormLab.Host.Data;

/// <summary>
/// Downloads a dataset's four files from one mirror (<c>&lt;mirror&gt;&lt;FileName&gt;.gz</c>), checks each file's decompressed
/// length and SHA-256 against the expected table, and only when all four are good writes them, decompressed, into the target
/// folder (atomically, so a later run never finds half a file). A mirror serving raw files instead of .gz is accepted too:
/// the gzip magic decides, as everywhere else.
/// </summary>
public sealed class DatasetDownloader(HttpClient http)
{
    /// <summary>Refuse responses larger than this: the biggest file is 47 MB decompressed, ~10 MB compressed.</summary>
    private const long MaxBytes = 128L << 20;

    /// <summary>Creates an HttpClient whose connection attempts give up after <paramref name="connectTimeout"/>.</summary>
    public static HttpClient CreateHttpClient(TimeSpan connectTimeout, TimeSpan requestTimeout) =>
        new(new SocketsHttpHandler { ConnectTimeout = connectTimeout, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = requestTimeout,
        };

    /// <summary>Null on success, else why this mirror failed (one line).</summary>
    public async Task<string?> TryDownloadAsync(Uri mirror, IReadOnlyList<KnownFile> expected, string targetDir, CancellationToken ct)
    {
        var contents = new List<(KnownFile File, byte[] Content)>(expected.Count);
        foreach (var file in expected)
        {
            var url = new Uri(mirror, file.FileName + ".gz");
            byte[] body;
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    return $"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                if (response.Content.Headers.ContentLength > MaxBytes)
                    return $"{url}: {response.Content.Headers.ContentLength} bytes is far more than the file can be";
                body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                return $"{url}: {e.Message}";
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return $"{url}: timed out after {http.Timeout.TotalSeconds:0} s";
            }

            byte[] content;
            try
            {
                content = Decompress(body);
            }
            catch (InvalidDataException e)
            {
                return $"{url}: corrupt gzip data ({e.Message})";
            }

            if (content.LongLength != file.Length)
                return $"{url}: decompressed content is {content.LongLength} bytes, expected {file.Length}";
            var sha = Convert.ToHexStringLower(SHA256.HashData(content));
            if (!string.Equals(sha, file.ContentSha256, StringComparison.OrdinalIgnoreCase))
                return $"{url}: SHA-256 of the decompressed content is {sha}, expected {file.ContentSha256} (corrupt or tampered download)";
            contents.Add((file, content));
        }

        Directory.CreateDirectory(targetDir);
        foreach (var (file, content) in contents)
            AtomicFile.WriteAllBytes(Path.Combine(targetDir, file.FileName), content);
        return null;
    }

    private static byte[] Decompress(byte[] body)
    {
        if (body.Length < 2 || body[0] != 0x1f || body[1] != 0x8b) return body;
        using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream(body.Length * 4);
        var buffer = new byte[1 << 16];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
            if (output.Length > MaxBytes) throw new InvalidDataException($"decompresses to more than {MaxBytes} bytes");
        }
        return output.ToArray();
    }
}
