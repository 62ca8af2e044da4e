using NormLab.Core.Experiments;
using NormLab.Core.Reports;

namespace NormLab.Core.Studies;

/// <summary>Whether our runs bear the paper's claim out, by the analysis's rule (docs/studies.md states each rule).</summary>
public enum Agreement { Agrees, Disagrees, Inconclusive }

/// <summary>The one-sentence verdict of a study, computed from its runs: the agreement and our numbers behind it.</summary>
public sealed record StudyVerdict(Agreement Agreement, string Sentence)
{
    /// <summary>"Agrees with the paper: …" — the sentence with its agreement in front, as the report and the console print it.</summary>
    public string Text => Agreement switch
    {
        Agreement.Agrees => "Agrees with the paper: ",
        Agreement.Disagrees => "Does not agree with the paper: ",
        _ => "Not enough finished runs to judge: ",
    } + Sentence;

    public static StudyVerdict NotYet(string what) => new(Agreement.Inconclusive, what);
}

/// <summary>A small table of a study (rows of already formatted cells), e.g. trainable parameters per width and mode.</summary>
public sealed record StudyTable(string Title, Seq<string> Header, Seq<Seq<string>> Rows);

/// <summary>What the report shows for a study: the paper and claim, our verdict, the paper-style figures and tables.</summary>
public sealed record StudyReport(StudySpec Spec, StudyVerdict Verdict, Seq<Figure> Figures, Seq<StudyTable> Tables);
