namespace NormLab.Core.Experiments;

/// <summary>
/// "Did you mean" hints for names a user mistyped (YAML keys, model and dataset references, layer names, CLI filters):
/// the closest candidate by Levenshtein distance when it is at most 2 edits away, else one that the given text is a prefix
/// of (or that is a prefix of it) — <c>epoch</c> → <c>epochs</c>, <c>batch</c> → <c>batchSize</c>.
/// </summary>
public static class Suggestions
{
    public const int MaxDistance = 2;

    /// <summary>Edit distance (insertions, deletions, substitutions), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1),
                                      previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    /// <summary>The best candidate for <paramref name="given"/>, if any is close enough.</summary>
    public static Option<string> Closest(string given, IEnumerable<string> candidates)
    {
        var list = candidates.Distinct().ToList();
        var near = list.Select(c => (c, d: Distance(given, c))).Where(p => p.d <= MaxDistance && p.d < Math.Max(given.Length, 1))
            .OrderBy(p => p.d).ThenByDescending(p => CommonPrefix(given, p.c)).ThenBy(p => Math.Abs(p.c.Length - given.Length))
            .ThenBy(p => p.c, StringComparer.Ordinal).Select(p => p.c).FirstOrDefault();
        if (near is not null) return Some(near);
        var prefix = given.Length == 0 ? null : list
            .Where(c => c.StartsWith(given, StringComparison.OrdinalIgnoreCase) || given.StartsWith(c, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => Math.Abs(c.Length - given.Length)).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault();
        return prefix is null ? None : Some(prefix);
    }

    static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && char.ToLowerInvariant(a[n]) == char.ToLowerInvariant(b[n])) n++;
        return n;
    }

    /// <summary><c> — did you mean "x"?</c>, or the empty string when nothing is close.</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates) =>
        Closest(given, candidates).Match(c => $" — did you mean \"{c}\"?", () => "");

    /// <summary>
    /// The message for a name that is not one of <paramref name="known"/>: <c>unknown model "lenet6" — did you mean "lenet5"?
    /// (known: a, b, c)</c>.
    /// </summary>
    public static string Unknown(string what, string given, IEnumerable<string> known)
    {
        var list = known.ToList();
        var listed = list.Count == 0 ? " (there are none)" : $" (known: {string.Join(", ", list)})";
        return $"unknown {what} \"{given}\"{DidYouMean(given, list)}{listed}";
    }
}
