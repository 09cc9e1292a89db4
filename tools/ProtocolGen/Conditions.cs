namespace Samsa.ProtocolGen;

/// <summary>
/// C# boolean expressions over the <c>version</c> variable, simplified against the versions the code
/// can run at: a check that always holds there becomes "true", one that never holds "false".
/// </summary>
internal static class Conditions
{
    public const string True = "true";
    public const string False = "false";

    /// <summary>An expression that holds when <c>version</c> is in <paramref name="set"/>, given it is in <paramref name="domain"/>.</summary>
    public static string In(Versions set, Versions domain)
    {
        var inside = set.Intersect(domain);
        if (inside.IsEmpty)
        {
            return False;
        }

        if (inside == domain)
        {
            return True;
        }

        if (inside.Lowest == inside.Highest && inside.Lowest > domain.Lowest && inside.Highest < domain.Highest)
        {
            return $"version == {inside.Lowest}";
        }

        var parts = new List<string>(2);
        if (inside.Lowest > domain.Lowest)
        {
            parts.Add($"version >= {inside.Lowest}");
        }

        if (inside.Highest < domain.Highest)
        {
            parts.Add($"version <= {inside.Highest}");
        }

        return string.Join(" && ", parts);
    }

    /// <summary>An expression that holds when <c>version</c> is not in <paramref name="set"/>, given it is in <paramref name="domain"/>.</summary>
    public static string NotIn(Versions set, Versions domain)
    {
        var inside = set.Intersect(domain);
        if (inside.IsEmpty)
        {
            return True;
        }

        if (inside == domain)
        {
            return False;
        }

        var parts = new List<string>(2);
        if (inside.Lowest > domain.Lowest)
        {
            parts.Add($"version < {inside.Lowest}");
        }

        if (inside.Highest < domain.Highest)
        {
            parts.Add($"version > {inside.Highest}");
        }

        return string.Join(" || ", parts);
    }

    public static string And(string a, string b)
    {
        if (a == False || b == False)
        {
            return False;
        }

        if (a == True)
        {
            return b;
        }

        if (b == True)
        {
            return a;
        }

        return $"{Group(a)} && {Group(b)}";
    }

    public static string Not(string a)
    {
        switch (a)
        {
            case True:
                return False;
            case False:
                return True;
        }

        // A single comparison flips to its opposite rather than being wrapped in !(...).
        var parts = a.Split(' ');
        if (parts.Length == 3 && parts[0] == "version")
        {
            var opposite = parts[1] switch
            {
                ">=" => "<",
                "<=" => ">",
                "==" => "!=",
                "<" => ">=",
                ">" => "<=",
                _ => null,
            };
            if (opposite is not null)
            {
                return $"version {opposite} {parts[2]}";
            }
        }

        return $"!({a})";
    }

    /// <summary><c>cond ? a : b</c>, or just the branch that applies when the condition is constant.</summary>
    public static string Choose(string condition, string whenTrue, string whenFalse)
    {
        if (condition == True || whenTrue == whenFalse)
        {
            return whenTrue;
        }

        if (condition == False)
        {
            return whenFalse;
        }

        return $"{condition} ? {Wrap(whenTrue)} : {Wrap(whenFalse)}";
    }

    /// <summary>An int expression with the value <paramref name="valueAt"/> gives for each version of <paramref name="domain"/>.</summary>
    public static string Piecewise(Versions domain, Func<short, int> valueAt)
    {
        var runs = new List<(short Last, int Value)>();
        for (var v = domain.Lowest; v <= domain.Highest; v++)
        {
            var value = valueAt(v);
            if (runs.Count > 0 && runs[^1].Value == value)
            {
                runs[^1] = (v, value);
            }
            else
            {
                runs.Add((v, value));
            }

            if (v == short.MaxValue)
            {
                break;
            }
        }

        if (runs.Count == 1)
        {
            return runs[0].Value.ToString();
        }

        var arms = runs.Take(runs.Count - 1).Select(r => $"<= {r.Last} => {r.Value}").Append($"_ => {runs[^1].Value}");
        return $"version switch {{ {string.Join(", ", arms)} }}";
    }

    private static string Wrap(string expression) => expression.Contains(" ? ", StringComparison.Ordinal) ? $"({expression})" : expression;

    private static string Group(string expression) => expression.Contains("||", StringComparison.Ordinal) ? $"({expression})" : expression;
}
