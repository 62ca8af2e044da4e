using System.Globalization;
using System.Text;

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
    /// Reads a whole CSV file with an exact header and hands each data line's fields (with its 1-based line number) to
    /// <paramref name="parse"/>. A missing trailing newline is fine; a blank line, a wrong header or a wrong field count is an error.
    /// </summary>
    public static List<T> ReadFile<T>(string path, string header, Func<IReadOnlyList<string>, int, T> parse)
    {
        var rows = new List<T>();
        var expectedFields = header.Split(',').Length;
        using var reader = new StreamReader(path, Encoding.UTF8);
        var first = reader.ReadLine();
        if (first is null) throw new ResultsFormatException(path, 1, $"empty file; expected the header '{header}'");
        if (first != header) throw new ResultsFormatException(path, 1, $"header is '{first}', expected '{header}'");
        var lineNo = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var fields = SplitLine(line) ?? throw new ResultsFormatException(path, lineNo, "unterminated quoted field");
            if (fields.Count != expectedFields)
                throw new ResultsFormatException(path, lineNo, $"{fields.Count} fields, expected {expectedFields} ({header})");
            rows.Add(parse(fields, lineNo));
        }
        return rows;
    }
}
