using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Samsa.Cli.Common;

/// <summary>Prints <see cref="Table"/>s in the chosen <see cref="OutputFormat"/>.</summary>
internal static class Printer
{
    private const string Gap = "  ";

    public static void Print(OutputFormat format, params Table[] tables)
    {
        if (format == OutputFormat.Json)
        {
            Console.Out.WriteLine(ToJson(tables));
            return;
        }

        for (var i = 0; i < tables.Length; i++)
        {
            if (i > 0)
            {
                Console.Out.WriteLine();
            }

            Console.Out.Write(ToText(tables[i]));
        }
    }

    /// <summary>One table is a JSON array of objects; several are an object with one array per table name.</summary>
    public static string ToJson(IReadOnlyList<Table> tables)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            if (tables.Count == 1)
            {
                WriteRows(writer, tables[0]);
            }
            else
            {
                writer.WriteStartObject();
                foreach (var table in tables)
                {
                    writer.WritePropertyName(table.Name);
                    WriteRows(writer, table);
                }

                writer.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string ToText(Table table)
    {
        var widths = table.Columns.Select(c => c.Length).ToArray();
        var cells = table.Rows.Select(r => r.Select(Text).ToArray()).ToList();
        foreach (var row in cells)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        AppendLine(text, table.Columns, widths);
        foreach (var row in cells)
        {
            AppendLine(text, row, widths);
        }

        return text.ToString();
    }

    public static string Text(object? cell) => cell switch
    {
        null => "-",
        bool b => b ? "true" : "false",
        IEnumerable<int> list => string.Join(',', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "-",
    };

    private static void AppendLine(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            text.Append(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i]) + Gap);
        }

        text.Append('\n');
    }

    private static void WriteRows(Utf8JsonWriter writer, Table table)
    {
        writer.WriteStartArray();
        foreach (var row in table.Rows)
        {
            writer.WriteStartObject();
            for (var i = 0; i < row.Length; i++)
            {
                writer.WritePropertyName(JsonName(table.Columns[i]));
                WriteValue(writer, row[i]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case IEnumerable<int> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteNumberValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Text(value));
                break;
        }
    }

    /// <summary>"LOG-END-OFFSET" becomes "logEndOffset".</summary>
    private static string JsonName(string column)
    {
        var parts = column.Split(['-', ' ', '_'], StringSplitOptions.RemoveEmptyEntries);
        var name = new StringBuilder();
        foreach (var part in parts)
        {
            var lower = part.ToLowerInvariant();
            name.Append(name.Length == 0 ? lower : char.ToUpperInvariant(lower[0]) + lower[1..]);
        }

        return name.ToString();
    }
}
