namespace Samsa.Cli.Common;

/// <summary>
/// A command's result: named columns and rows of cells (strings, numbers, booleans or null). Printed as aligned
/// columns, or as a JSON array of objects keyed by column name, so both formats always carry the same facts.
/// </summary>
internal sealed class Table
{
    private readonly List<object?[]> _rows = [];

    public Table(string name, params string[] columns)
    {
        Name = name;
        Columns = columns;
    }

    /// <summary>The JSON property this table becomes when a command prints several.</summary>
    public string Name { get; }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<object?[]> Rows => _rows;

    public Table Add(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
        {
            throw new ArgumentException($"table {Name} has {Columns.Count} columns, got {cells.Length} cells", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }
}
