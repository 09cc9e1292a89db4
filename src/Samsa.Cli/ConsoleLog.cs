using Microsoft.Extensions.Logging;

namespace Samsa.Cli;

/// <summary>
/// One line per event on standard output ("time level: category message"), exceptions after it. Written here
/// rather than with Microsoft.Extensions.Logging.Console, whose options and DI stack cost a broker's start-up more
/// time than everything else it loads.
/// </summary>
internal sealed class ConsoleLog : ILoggerFactory
{
    private readonly LogLevel _minimum;
    private readonly Lock _write = new();

    public ConsoleLog(LogLevel minimum) => _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the console log has no providers");

    public void Dispose()
    {
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{DateTime.Now:yyyy-MM-dd HH:mm:ss.fff} {Level(level)}: {category} {message}";
        lock (_write)
        {
            Console.Out.WriteLine(line);
            if (exception is not null)
            {
                Console.Out.WriteLine(exception.ToString());
            }
        }
    }

    private sealed class Logger(ConsoleLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
