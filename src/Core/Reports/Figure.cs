using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// A figure is data, not drawing: the shell renders it (SVG, PNG). The family is closed: <see cref="Chart"/> (lines over a
/// numeric x axis), <see cref="CategoryChart"/> (one mark per variant), <see cref="PanelFigure"/> (charts side by side
/// sharing one y axis). <paramref name="Id"/> names the file: <c>&lt;experiment&gt;-&lt;Id&gt;.svg</c>.
/// </summary>
public abstract record Figure(string Id, string Title, Option<string> Note);
