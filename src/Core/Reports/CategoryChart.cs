using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// How a category's value is marked. Bars start at zero and suit quantities whose zero means something (seconds per
/// epoch); points with whiskers suit values compared on a zoomed axis (accuracy 0.87 vs 0.89), where a bar from zero
/// would hide the difference.
/// </summary>
public enum CategoryMark { Bar, Point }

/// <summary>One mark per category (variant) with error bars: final test accuracy per variant, time per epoch per variant.</summary>
public sealed record CategoryChart(string Id, string Title, string CategoryLabel, Axis Y, Seq<Bar> Bars, CategoryMark Mark, Option<string> Note)
    : Figure(Id, Title, Note);
