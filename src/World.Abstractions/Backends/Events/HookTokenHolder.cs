using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>The live hook that currently holds a token.</summary>
/// <param name="RunId">The holder's run.</param>
/// <param name="HookId">The holder's hook id.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record HookTokenHolder(string RunId, string HookId);
