using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace NormLab.Host.Bench;

/// <summary>
/// A benchmark worker in its own process, driven over a line protocol: one command per line on stdin, one JSON object
/// per line on stdout (lines that are not JSON objects are ignored: a library may log). Both sides — NormLab's
/// <c>bench-worker</c> verb and <c>bench/pytorch_reference.py</c> — speak it, so they are measured the same way:
/// start-up and data loading happen before the first command, and each side's peak RSS is its own process's.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder stderr = new();

    private WorkerProcess(Process process, string label)
    {
        this.process = process;
        Label = label;
    }

    /// <summary>"NormLab" or "PyTorch", for messages.</summary>
    public string Label { get; }

    public int ProcessId => process.Id;

    /// <summary>Starts <paramref name="program"/> with <paramref name="args"/>; both sides get the same thread environment.</summary>
    public static WorkerProcess Start(string label, string program, IEnumerable<string> args, int threads, string workingDirectory)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        // OpenBLAS at one thread on both sides (its pool fights libtorch's OpenMP pool); OpenMP at the benchmark's count.
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var worker = new WorkerProcess(p, label);
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (worker.stderr) worker.stderr.AppendLine(e.Data);
        };
        p.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits for the next JSON object on stdout; an <c>error</c> member or an early exit becomes an exception.</summary>
    public async Task<JsonElement> ReadReplyAsync(CancellationToken ct)
    {
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null)
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
                throw new BenchException($"{Label} worker exited (code {process.ExitCode}) without answering. Its stderr:\n{StderrTail()}");
            }
            if (!line.StartsWith('{')) continue;
            JsonElement reply;
            try
            {
                reply = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }
            if (reply.TryGetProperty("error", out var error))
                throw new BenchException($"{Label} worker: {error.GetString()}");
            return reply;
        }
    }

    /// <summary>Sends one command and returns its reply.</summary>
    public async Task<JsonElement> AskAsync(string command, CancellationToken ct)
    {
        await process.StandardInput.WriteLineAsync(command.AsMemory(), ct).ConfigureAwait(false);
        await process.StandardInput.FlushAsync(ct).ConfigureAwait(false);
        return await ReadReplyAsync(ct).ConfigureAwait(false);
    }

    public string StderrTail(int lines = 20)
    {
        lock (stderr)
        {
            var all = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', all.TakeLast(lines));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                process.StandardInput.Close();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // A worker that does not leave when its stdin closes is ended: it is our own child.
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
    }
}

/// <summary>A benchmark failure the user can act on (a missing python, dataset or worker error): shown without a stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);
