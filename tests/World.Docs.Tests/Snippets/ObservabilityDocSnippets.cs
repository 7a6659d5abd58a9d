using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace World.Docs.Tests.Snippets;

/// <summary>The C# block of docs/observability.md, with the packages its comments name referenced by this project.</summary>
public static class ObservabilityDocSnippets
{
    public static void Wiring(HostApplicationBuilder builder)
    {
        // dotnet add package OpenTelemetry.Extensions.Hosting            (1.21.0)
        // dotnet add package OpenTelemetry.Exporter.OpenTelemetryProtocol (1.21.0)
        // dotnet add package Npgsql.OpenTelemetry                         (10.0.3, optional: the SQL commands themselves)
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("order-worker"))
            .WithTracing(t => t.AddWorldInstrumentation().AddNpgsql().AddOtlpExporter())
            .WithMetrics(m => m.AddWorldInstrumentation().AddOtlpExporter());
    }
}
