using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using World.Backends;

namespace World.Runtime;

/// <summary>A workflow the runtime can execute: its name, its types, and how to invoke it.</summary>
public sealed class WorkflowRegistration
{
    private static readonly MethodInfo InvokeDefinition =
        typeof(WorkflowRegistration).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private WorkflowRegistration(string name, Type workflowType, Type inputType, Type outputType, WorkflowInvoker invoke)
    {
        Name = name;
        WorkflowType = workflowType;
        InputType = inputType;
        OutputType = outputType;
        Invoke = invoke;
    }

    internal delegate Task<byte[]> WorkflowInvoker(IServiceProvider services, IWorkflowContext context, ReadOnlyMemory<byte> input, IWorkflowSerializer serializer);

    /// <summary>The machine name stored on runs.</summary>
    public string Name { get; }

    /// <summary>The class implementing <see cref="IWorkflow{TInput, TOutput}"/>.</summary>
    public Type WorkflowType { get; }

    /// <summary>The input type.</summary>
    public Type InputType { get; }

    /// <summary>The output type.</summary>
    public Type OutputType { get; }

    internal WorkflowInvoker Invoke { get; }

    /// <summary>Describes <typeparamref name="TWorkflow"/>, which must implement exactly one <see cref="IWorkflow{TInput, TOutput}"/>.</summary>
    /// <exception cref="ArgumentException">The class implements no or several workflow interfaces.</exception>
    public static WorkflowRegistration For<TWorkflow>()
        where TWorkflow : class
    {
        var type = typeof(TWorkflow);
        var contracts = type.GetInterfaces()
            .Where(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IWorkflow<,>))
            .ToList();
        if (contracts.Count != 1)
        {
            throw new ArgumentException($"{type.FullName} must implement IWorkflow<TInput, TOutput> exactly once (found {contracts.Count}).", nameof(TWorkflow));
        }

        var arguments = contracts[0].GetGenericArguments();
        var invoke = InvokeDefinition.MakeGenericMethod(type, arguments[0], arguments[1]).CreateDelegate<WorkflowInvoker>();
        return new WorkflowRegistration(WorkflowNames.Of(type), type, arguments[0], arguments[1], invoke);
    }

    /// <summary>Describes a workflow written as a delegate instead of a class.</summary>
    /// <param name="name">The stable machine name stored on runs.</param>
    /// <param name="body">The workflow body; the same determinism rules apply as to <see cref="IWorkflow{TInput, TOutput}.RunAsync"/>.</param>
    public static WorkflowRegistration For<TInput, TOutput>(string name, Func<IWorkflowContext, TInput, Task<TOutput>> body)
    {
        IdValidation.RequireName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(body);
        return new WorkflowRegistration(name, body.GetType(), typeof(TInput), typeof(TOutput), async (_, context, input, serializer) =>
            serializer.Serialize(await body(context, serializer.Deserialize<TInput>(input))));
    }

    private static async Task<byte[]> InvokeTyped<TWorkflow, TInput, TOutput>(IServiceProvider services, IWorkflowContext context, ReadOnlyMemory<byte> input, IWorkflowSerializer serializer)
        where TWorkflow : IWorkflow<TInput, TOutput>
    {
        var workflow = ActivatorUtilities.GetServiceOrCreateInstance<TWorkflow>(services);
        var output = await workflow.RunAsync(context, serializer.Deserialize<TInput>(input));
        return serializer.Serialize(output);
    }
}
