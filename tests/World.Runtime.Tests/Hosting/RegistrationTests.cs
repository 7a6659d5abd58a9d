using World.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace World.Runtime.Tests.Hosting;

public sealed class RegistrationTests
{
    [Workflow("greet")]
    public sealed class GreetWorkflow : IWorkflow<string, string>
    {
        public Task<string> RunAsync(IWorkflowContext context, string input) =>
            context.StepAsync("greet", _ => Task.FromResult($"hello {input}"));
    }

    public sealed class Unnamed : IWorkflow<int, int>
    {
        public Task<int> RunAsync(IWorkflowContext context, int input) => Task.FromResult(input);
    }

    public sealed class NotAWorkflow;

    public sealed class TwoWorkflows : IWorkflow<int, int>, IWorkflow<string, string>
    {
        public Task<int> RunAsync(IWorkflowContext context, int input) => Task.FromResult(input);

        public Task<string> RunAsync(IWorkflowContext context, string input) => Task.FromResult(input);
    }

    [Fact]
    public void A_workflow_is_named_by_its_attribute_or_its_class()
    {
        Assert.Equal("greet", WorkflowRegistration.For<GreetWorkflow>().Name);
        Assert.Equal(nameof(Unnamed), WorkflowRegistration.For<Unnamed>().Name);
        Assert.Equal((typeof(string), typeof(string)), (WorkflowRegistration.For<GreetWorkflow>().InputType, WorkflowRegistration.For<GreetWorkflow>().OutputType));
    }

    [Fact]
    public void A_class_must_implement_exactly_one_workflow_interface()
    {
        Assert.Throws<ArgumentException>(() => WorkflowRegistration.For<NotAWorkflow>());
        Assert.Throws<ArgumentException>(() => WorkflowRegistration.For<TwoWorkflows>());
    }

    [Fact]
    public async Task Invalid_runtime_options_fail_when_the_runtime_is_built()
    {
        var services = new ServiceCollection();
        services.AddWorld().UseInMemory().AddWorkflow<GreetWorkflow>().AddWorkflowRuntime(o => o.HeartbeatInterval = o.LeaseDuration);
        await using var provider = services.BuildServiceProvider();

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IWorkflowClient>());
    }

    [Fact]
    public async Task A_host_runs_a_workflow_end_to_end_and_stops_gracefully()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorld().UseInMemory().AddWorkflow<GreetWorkflow>().AddWorkflowRuntime(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var client = host.Services.GetRequiredService<IWorkflowClient>();
        var run = await client.StartAsync<GreetWorkflow, string, string>("world", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("hello world", await run.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<WorkflowWorker>());
        Assert.Equal("default", host.Services.GetRequiredService<IOptions<WorkflowRuntimeOptions>>().Value.DeploymentId);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_delegate_workflow_runs_by_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorld().UseInMemory()
            .AddWorkflow<int, int>("double", (context, input) => context.StepAsync("double", _ => Task.FromResult(input * 2)))
            .AddWorkflowRuntime(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var run = await host.Services.GetRequiredService<IWorkflowClient>().StartAsync<int, int>("double", 21, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(42, await run.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    public sealed class UnitOfWork
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    public sealed class ScopedWorkflow(UnitOfWork unitOfWork) : IWorkflow<int, string>
    {
        public Task<string> RunAsync(IWorkflowContext context, int input) =>
            context.StepAsync("use-scope", _ => Task.FromResult(unitOfWork.Id.ToString()));
    }

    [Fact]
    public async Task Each_invocation_gets_its_own_scope_for_scoped_services()
    {
        var services = new ServiceCollection();
        services.AddScoped<UnitOfWork>();
        services.AddWorld().UseInMemory().AddWorkflow<ScopedWorkflow>().AddWorkflowRuntime(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await provider.GetRequiredService<IWorld>().StartAsync(TestContext.Current.CancellationToken);
        var worker = provider.GetRequiredService<WorkflowWorker>();
        await worker.StartAsync(TestContext.Current.CancellationToken);
        var client = provider.GetRequiredService<IWorkflowClient>();

        var first = await client.StartAsync<ScopedWorkflow, int, string>(1, cancellationToken: TestContext.Current.CancellationToken);
        var second = await client.StartAsync<ScopedWorkflow, int, string>(2, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(
            await first.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken),
            await second.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        await worker.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Two_workflows_with_one_name_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new WorkflowRegistry(
        [
            WorkflowRegistration.For<int, int>("same", (_, i) => Task.FromResult(i)),
            WorkflowRegistration.For<int, int>("same", (_, i) => Task.FromResult(i + 1)),
        ]));
    }

    [Fact]
    public async Task Workflow_operations_outside_the_workflow_context_are_refused_with_a_clear_error()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorld().UseInMemory().AddWorkflow<EscapingWorkflow>().AddWorkflowRuntime(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var run = await host.Services.GetRequiredService<IWorkflowClient>().StartAsync<EscapingWorkflow, int, int>(1, cancellationToken: TestContext.Current.CancellationToken);

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => run.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal(RunErrorCodes.UserError, failure.Error.Code);
        Assert.Contains("ConfigureAwait(false)", failure.Error.Message, StringComparison.Ordinal);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    public sealed class EscapingWorkflow : IWorkflow<int, int>
    {
        public async Task<int> RunAsync(IWorkflowContext context, int input)
        {
            // A delay, not an empty Task.Run: that one may have finished by the await, and ConfigureAwait(false) on a
            // finished task continues on the workflow's own context, so the code would not escape and the test would
            // see the run complete (it did, once, in a full run).
            await Task.Delay(10).ConfigureAwait(false);
            return await context.StepAsync("too-late", _ => Task.FromResult(input));
        }
    }
}
