using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using World.DependencyInjection;

namespace World.InMemory.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task Use_in_memory_registers_one_world_on_the_registered_clock_and_disposes_it_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddWorld().UseInMemory();

        await using (var provider = services.BuildServiceProvider())
        {
            var world = provider.GetRequiredService<IWorld>();
            Assert.Same(provider.GetRequiredService<InMemoryWorld>(), world);
            var created = await world.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl", "wf", new byte[] { 1 })), cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(clock.GetUtcNow(), created.Run!.CreatedAt);

            // The hosted service starts the World with the host.
            var starter = Assert.Single(provider.GetServices<IHostedService>());
            await starter.StartAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Add_world_without_a_backend_fails_at_start_with_the_fix_named()
    {
        var services = new ServiceCollection();
        services.AddWorld();
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetServices<IHostedService>().Single().StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("UseInMemory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choosing_a_backend_twice_keeps_the_last_choice()
    {
        var services = new ServiceCollection();
        services.AddWorld().UseInMemory().UseInMemory();
        Assert.Single(services, d => d.ServiceType == typeof(IWorld));
    }
}
