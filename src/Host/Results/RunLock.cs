using LanguageExt;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace NormLab.Host.Results;

/// <summary>Who holds a run folder: the machine, the process (and its start time, so a reused pid is not mistaken for
/// the owner) and since when.</summary>
public sealed record LockOwner(string Host, int Pid, DateTime ProcessStartedUtc, DateTime SinceUtc)
{
    public override string ToString() =>
        $"{Host} pid {Pid.ToString(CultureInfo.InvariantCulture)} since {SinceUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
}

/// <summary>
/// The lock of one run folder (<c>run.lock</c>): two processes never train the same run, wherever they run, as long as
/// they share the results folder. Taken with an exclusive create; while held, a heartbeat touches the file every
/// <see cref="Heartbeat"/>. A lock is stale — and is taken over, saying so — when its process is gone from this host, or
/// when its heartbeat is older than <see cref="StaleAfter"/> (a process on another machine that died with its node).
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";

    /// <summary>How often the holder touches its lock.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    /// <summary>A lock not touched for this long is stale: 10 heartbeats ($NORMLAB_LOCK_STALE_SECONDS overrides it).</summary>
    public static TimeSpan StaleAfter =>
        double.TryParse(Environment.GetEnvironmentVariable("NORMLAB_LOCK_STALE_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromMinutes(5);

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    readonly string path;
    readonly string content;
    readonly Timer heartbeat;

    RunLock(string path, string content)
    {
        this.path = path;
        this.content = content;
        heartbeat = new Timer(_ => Touch(), null, Heartbeat, Heartbeat);
    }

    public static LockOwner Me { get; } = new(Environment.MachineName, Environment.ProcessId,
        Process.GetCurrentProcess().StartTime.ToUniversalTime(), DateTime.UtcNow);

    /// <summary>Takes the run folder's lock, or returns who holds it. <paramref name="say"/> hears about stale locks taken over.</summary>
    public static Either<LockOwner, RunLock> TryAcquire(string runDir, Action<string> say)
    {
        Directory.CreateDirectory(runDir);
        var path = Path.Combine(runDir, FileName);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var me = Me with { SinceUtc = DateTime.UtcNow };
            var text = JsonSerializer.Serialize(me, Json);
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                using (var writer = new StreamWriter(stream))
                    writer.Write(text);
                return new RunLock(path, text);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
            var (owner, ownerText) = Read(path);
            if (owner is null && ownerText is null) continue; // released meanwhile: try again
            var stale = owner is null ? "unreadable" : StaleReason(owner, File.GetLastWriteTimeUtc(path));
            if (stale is null) return owner!;
            // Take it over by renaming it away (atomic: of two takers only one wins), then check we moved the lock we judged.
            var moved = $"{path}.stale-{Environment.MachineName}-{Environment.ProcessId}";
            try
            {
                File.Move(path, moved, overwrite: true);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (File.ReadAllText(moved) != ownerText)
            {
                // Another process took the stale lock over between our read and our move: give its lock back.
                try
                {
                    File.Move(moved, path, overwrite: false);
                }
                catch (IOException)
                {
                }
                continue;
            }
            File.Delete(moved);
            say($"took over the stale lock of {(owner is null ? "an unknown process" : owner.ToString())} ({stale})");
        }
        var (last, _) = Read(path);
        return last ?? Me;
    }

    /// <summary>The lock's owner as written (null when there is no lock or it cannot be read) and the raw text.</summary>
    public static (LockOwner? Owner, string? Text) Read(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            try
            {
                return (JsonSerializer.Deserialize<LockOwner>(text, Json), text);
            }
            catch (JsonException)
            {
                return (null, text);
            }
        }
        catch (FileNotFoundException)
        {
            return (null, null);
        }
        catch (DirectoryNotFoundException)
        {
            return (null, null);
        }
    }

    /// <summary>Why a lock is stale, or null when its owner may still be working.</summary>
    public static string? StaleReason(LockOwner owner, DateTime touchedUtc)
    {
        if (string.Equals(owner.Host, Environment.MachineName, StringComparison.Ordinal) && !Alive(owner))
            return $"process {owner.Pid.ToString(CultureInfo.InvariantCulture)} is not running on this host";
        var age = DateTime.UtcNow - touchedUtc;
        if (age > StaleAfter)
            return $"not touched for {age.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s, more than {StaleAfter.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
        return null;
    }

    static bool Alive(LockOwner owner)
    {
        try
        {
            using var p = Process.GetProcessById(owner.Pid);
            if (p.HasExited) return false;
            // A pid reused by another process is not the owner.
            return Math.Abs((p.StartTime.ToUniversalTime() - owner.ProcessStartedUtc).TotalSeconds) < 2;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    void Touch()
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Releases the lock — only if it is still ours (a process that judged us stale may have taken it over).</summary>
    public void Dispose()
    {
        heartbeat.Dispose();
        try
        {
            if (File.Exists(path) && File.ReadAllText(path) == content) File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
