namespace World.Runtime;

/// <summary>
/// A durable workflow: an async method that is replayed from the run's event log on every invocation, so it must be
/// deterministic. Side effects belong in steps (<see cref="IWorkflowContext.StepAsync{TResult}(string, Func{StepContext, Task{TResult}}, StepOptions?)"/>);
/// time, randomness and I/O outside steps break replay. The name defaults to the class name; see <see cref="WorkflowAttribute"/>.
/// </summary>
/// <typeparam name="TInput">The workflow's argument, serialized into the run's input.</typeparam>
/// <typeparam name="TOutput">The workflow's result, serialized into the run's output.</typeparam>
public interface IWorkflow<in TInput, TOutput>
{
    /// <summary>The workflow body. Await only the context's operations (and combinators such as <see cref="Task.WhenAll(Task[])"/>).</summary>
    Task<TOutput> RunAsync(IWorkflowContext context, TInput input);
}
