namespace NormLab.Core.Experiments;

static class IndexedSeq
{
    /// <summary>Each item with its index, computed once and strictly (an index counter inside a lazy map would count again
    /// on every enumeration).</summary>
    public static Seq<(int Index, T Item)> Indexed<T>(this Seq<T> items) =>
        items.Select((item, index) => (index, item)).ToSeq().Strict();
}
