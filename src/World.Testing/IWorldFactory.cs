namespace World.Testing;

/// <summary>
/// Builds the Worlds a backend's conformance suites run against. A backend writes one factory and enrols in each
/// suite with one line: <c>public sealed class MyRunLifecycleTests : RunLifecycleTests&lt;MyWorldFactory&gt;;</c>.
/// </summary>
/// <remarks>
/// <para>
/// The factory is an xUnit class fixture: xUnit creates one per enrolled suite class, before its first test, and
/// disposes it after the last (implement <see cref="IAsyncLifetime"/> or <see cref="IAsyncDisposable"/> for set-up
/// and clean-up). Its constructor may take xUnit assembly or collection fixtures, which is how a factory shares an
/// expensive resource, such as a database server, across every suite while still handing out fresh state per test.
/// </para>
/// <para>
/// <see cref="CreateWorldAsync"/> is called once per test; tests of one class may run at the same time as tests of
/// other classes, so a factory shared across classes must be thread-safe.
/// </para>
/// </remarks>
public interface IWorldFactory
{
    /// <summary>
    /// Builds a World with isolated (empty) state that reads time only from <paramref name="timeProvider"/>. The kit
    /// starts it with <see cref="IWorld.StartAsync"/> and disposes it at the end of the test.
    /// </summary>
    ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken);
}
