using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// Charts side by side on one shared y axis (Ioffe &amp; Szegedy Figure 1(b, c): without BN | with BN). Builders give every
/// panel the same <see cref="Chart.Y"/>; the renderer labels the y axis once, on the left panel.
/// </summary>
public sealed record PanelFigure(string Id, string Title, Seq<Chart> Panels, Option<string> Note)
    : Figure(Id, Title, Note);
