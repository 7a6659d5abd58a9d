using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using World.DependencyInjection;

namespace World.Runtime.Tests.Diagnostics;

public sealed partial class LoggingTests
{
    private const string Secret = "s3cr3t-4242-card-number";

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "inside the step")]
    private static partial void LogInsideStep(ILogger logger);

    [Fact]
    public async Task Lifecycle_events_have_stable_ids_and_scopes_and_never_carry_payloads()
    {
        var captured = new CapturingLoggerProvider();
        ILogger? stepLogger = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(captured);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddWorld().UseInMemory()
            .AddWorkflow<string, string>("logging-secrets", async (context, input) =>
            {
                var first = await context.StepAsync("first", step =>
                {
                    LogInsideStep(stepLogger!);
                    return Task.FromResult(input + "!");
                });
                var second = await context.StepAsync("flaky", step => step.Attempt == 1
                    ? throw new RetryStepException("refused card " + input, TimeSpan.FromMilliseconds(100))
                    : Task.FromResult(first + Secret));
                return input == "fail-" + Secret ? throw new InvalidOperationException("cannot ship to " + input) : second;
            })
            .AddWorkflowRuntime(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.QueueName = "logging-secrets";
                o.RecoverOnStart = false;
            });
        using var host = builder.Build();
        stepLogger = host.Services.GetRequiredService<ILogger<LoggingTests>>();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var client = host.Services.GetRequiredService<IWorkflowClient>();

        var ok = await client.StartAsync<string, string>("logging-secrets", Secret, cancellationToken: TestContext.Current.CancellationToken);
        var failing = await client.StartAsync<string, string>("logging-secrets", "fail-" + Secret, cancellationToken: TestContext.Current.CancellationToken);
        await ok.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<WorkflowFailedException>(() => failing.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        await host.StopAsync(TestContext.Current.CancellationToken);

        var entries = captured.Entries.ToArray();
        LogEntry Single(int eventId, string runId) =>
            Assert.Single(entries, e => e.EventId == eventId && Equals(e.Properties.GetValueOrDefault("RunId"), runId));

        // Run lifecycle at Information, with stable ids and the run id as a structured property.
        Assert.Equal(LogLevel.Information, Single(230, ok.RunId).Level);
        Assert.Equal(LogLevel.Information, Single(231, ok.RunId).Level);
        Assert.Equal(LogLevel.Information, Single(232, ok.RunId).Level);
        var failed = Single(233, failing.RunId);
        Assert.Equal(LogLevel.Information, failed.Level);
        Assert.Equal(RunErrorCodes.UserError, failed.Properties["ErrorCode"]);

        // A retried step at Warning, with its name and attempt.
        var retrying = Single(234, ok.RunId);
        Assert.Equal(LogLevel.Warning, retrying.Level);
        Assert.Equal("flaky", retrying.Properties["StepName"]);
        Assert.Equal(1, retrying.Properties["StepAttempt"]);
        Assert.Contains(entries, e => e.EventId == 236 && e.Level == LogLevel.Debug);

        // The application's own log inside a step carries the delivery, run and step scopes.
        var inside = entries.First(e => e.Message == "inside the step" && Equals(e.Scopes.GetValueOrDefault("RunId"), ok.RunId));
        Assert.Equal("logging-secrets", inside.Scopes["QueueName"]);
        Assert.StartsWith(IdPrefixes.Message, (string)inside.Scopes["MessageId"]!, StringComparison.Ordinal);
        Assert.Equal("first", inside.Scopes["StepName"]);
        Assert.Equal(1, inside.Scopes["StepAttempt"]);

        // Nothing logged, in any message, property, scope or exception, carries an input, output or error message.
        Assert.NotEmpty(entries);
        Assert.All(entries, e =>
        {
            Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(e.Properties.Values.Concat(e.Scopes.Values), v => (v?.ToString() ?? "").Contains(Secret, StringComparison.Ordinal));
            Assert.DoesNotContain(Secret, e.Exception ?? "", StringComparison.Ordinal);
        });
    }

    private sealed record LogEntry(
        string Category,
        LogLevel Level,
        int EventId,
        string Message,
        IReadOnlyDictionary<string, object?> Properties,
        IReadOnlyDictionary<string, object?> Scopes,
        string? Exception);

    /// <summary>Records every entry with its structured properties and the values of every scope active around it.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = Flatten(state);
                var scopes = new Dictionary<string, object?>(StringComparer.Ordinal);
                provider._scopes.ForEachScope((scope, into) =>
                {
                    foreach (var (key, value) in Flatten(scope))
                    {
                        into[key] = value;
                    }
                }, scopes);
                provider.Entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), properties, scopes, exception?.ToString()));
            }

            private static Dictionary<string, object?> Flatten(object? state)
            {
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        values[key] = value;
                    }
                }
                else if (state is not null)
                {
                    values["{Scope}"] = state.ToString();
                }

                return values;
            }
        }
    }
}
