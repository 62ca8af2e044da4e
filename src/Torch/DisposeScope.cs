namespace NormLab.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope, and disposes them all at the end —
/// the cure for TorchSharp users' most common complaint, leaks from undisposed temporaries. The training loop opens one
/// per step; persistent state (parameters, optimizer buffers, BN running statistics) is created outside any scope or
/// detached from it with <see cref="Tensor.DetachFromDisposeScope"/>. A result meant to outlive the step is moved out
/// with <see cref="MoveToOuter"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly List<Tensor> tracked = new(64);
    private bool disposed;

    internal DisposeScope()
    {
        outer = current;
        current = this;
    }

    /// <summary>The innermost open scope on this thread, or null.</summary>
    public static DisposeScope? Current => current;

    /// <summary>How many tensors this scope will dispose (tensors moved out or detached since are not counted).</summary>
    public int Count => tracked.Count(t => ReferenceEquals(t.Scope, this));

    internal static void Register(Tensor t)
    {
        var scope = current;
        if (scope is null) return;
        t.Scope = scope;
        scope.tracked.Add(t);
    }

    /// <summary>Hands <paramref name="t"/> to the enclosing scope (or to nobody, at the outermost scope) and returns it.</summary>
    public Tensor MoveToOuter(Tensor t)
    {
        if (!ReferenceEquals(t.Scope, this)) return t;
        t.Scope = outer;
        outer?.tracked.Add(t);
        return t;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // Scopes nest strictly: closing this one makes its outer the innermost again.
        if (ReferenceEquals(current, this)) current = outer;
        foreach (var t in tracked)
        {
            if (ReferenceEquals(t.Scope, this))
            {
                t.Scope = null;
                t.Dispose();
            }
        }
        tracked.Clear();
    }
}
