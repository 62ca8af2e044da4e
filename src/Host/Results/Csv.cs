using System.Globalization;
using System.Text;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Host.Results;

/// <summary>
/// The little CSV our results use: comma-separated, RFC 4180 quoting for fields holding a comma or a quote, one record per line
/// (fields never hold line breaks), numbers in the invariant culture with the shortest text that round-trips.
/// Non-finite numbers are written as NaN, Infinity, -Infinity (which Python's float() and pandas also read).
/// </summary>
public static class Csv
{
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(double? value) => value is double v ? Number(v) : "";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Field(string value)
    {
        if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
            throw new ArgumentException($"a CSV field cannot hold a line break: '{value.ReplaceLineEndings("\\n")}'", nameof(value));
        if (value.AsSpan().IndexOfAny(',', '"') < 0) return value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>Splits one line into fields, honouring quotes; null when a quoted field is not closed.</summary>
    public static List<string>? SplitLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length) return null;
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',') return null;
            }
            else
            {
                while (i < line.Length && line[i] != ',') field.Append(line[i++]);
            }
            fields.Add(field.ToString());
            if (i >= line.Length) return fields;
            i++; // the comma
        }
    }

    public static bool TryParseDouble(string text, out double value)
    {
        switch (text)
        {
            case "inf" or "+inf" or "Infinity" or "+Infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-Infinity":
                value = double.NegativeInfinity;
                return true;
            case "nan" or "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>
    /// Reads a CSV file with an exact header, one result per line: each data line's row as <paramref name="parse"/> made it,
    /// or the problem with that line (path and 1-based line number attached here, so parsers need not know them). A tolerant
    /// reader (the report) keeps the good rows and warns about the rest; <see cref="ReadFile{T}"/> is the strict wrapper.
    /// A wrong or missing header is one problem at line 1 and nothing else, since no column can then be trusted.
    /// A missing trailing newline is fine; a blank line or a wrong field count is a problem of that line.
    /// </summary>
    public static List<Either<ResultsFormatException, T>> ReadRows<T>(string path, string header, Func<IReadOnlyList<string>, Either<string, T>> parse)
    {
        var rows = new List<Either<ResultsFormatException, T>>();
        var expectedFields = header.Split(',').Length;
        using var reader = new StreamReader(path, Encoding.UTF8);
        var first = reader.ReadLine();
        if (first != header)
        {
            rows.Add(new ResultsFormatException(path, 1,
                first is null ? $"empty file; expected the header '{header}'" : $"header is '{first}', expected '{header}'"));
            return rows;
        }
        var lineNo = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var at = lineNo; // the lambda below must not see later lines' numbers
            var fields = SplitLine(line);
            rows.Add(fields is null ? new ResultsFormatException(path, at, "unterminated quoted field")
                : fields.Count != expectedFields ? new ResultsFormatException(path, at, $"{fields.Count} fields, expected {expectedFields} ({header})")
                : parse(fields).MapLeft(problem => new ResultsFormatException(path, at, problem)));
        }
        return rows;
    }

    /// <summary>Reads a whole CSV file as <see cref="ReadRows{T}"/> does, but the first problem throws: for readers that must not guess.</summary>
    public static List<T> ReadFile<T>(string path, string header, Func<IReadOnlyList<string>, Either<string, T>> parse) =>
        ReadRows(path, header, parse).Select(row => row.Match(Right: r => r, Left: problem => throw problem)).ToList();

    /// <summary>A required integer field; the problem names the column.</summary>
    public static Either<string, long> Long(string column, string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : $"{column} '{text}' is not an integer";

    /// <summary>A number field that may be empty (a metric not measured); non-finite spellings as <see cref="TryParseDouble"/>.</summary>
    public static Either<string, Option<double>> OptionalDouble(string column, string text) =>
        text.Length == 0 ? Right<string, Option<double>>(None)
        : TryParseDouble(text, out var v) ? Right<string, Option<double>>(v)
        : Left<string, Option<double>>($"{column} '{text}' is not a number");

    /// <summary>A number field that must be present.</summary>
    public static Either<string, double> Double(string column, string text) =>
        OptionalDouble(column, text).Bind(v => v.Match(Some: Right<string, double>, None: () => Left<string, double>($"{column} is empty")));
}
