namespace Samsa.ProtocolGen;

/// <summary>Builds C# source with four-space indentation and LF line endings.</summary>
internal sealed class CodeWriter
{
    private readonly List<string> _lines = [];
    private int _indent;
    private bool _pendingBlank;

    public void Line(string line)
    {
        if (_pendingBlank)
        {
            _lines.Add("");
            _pendingBlank = false;
        }

        _lines.Add(new string(' ', _indent * 4) + line);
    }

    /// <summary>A blank line before the next line, unless a block closes first.</summary>
    public void Blank() => _pendingBlank = _lines.Count > 0;

    public void Open(string header)
    {
        Line(header);
        Open();
    }

    public void Open()
    {
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _pendingBlank = false;
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>A position to pass to <see cref="SeparateSince"/>.</summary>
    public int Mark() => _lines.Count;

    /// <summary>Sets what was written since <paramref name="mark"/> apart with blank lines when it spans several lines.</summary>
    public void SeparateSince(int mark)
    {
        var start = mark;
        while (start < _lines.Count && _lines[start].Length == 0)
        {
            start++;
        }

        if (_lines.Count - start <= 1)
        {
            return;
        }

        if (start > 0 && _lines[start - 1].Length > 0 && !_lines[start - 1].EndsWith('{'))
        {
            _lines.Insert(start, "");
        }

        Blank();
    }

    public override string ToString() => string.Concat(_lines.Select(l => l.TrimEnd() + "\n"));
}
