namespace World.Testing;

/// <summary>
/// The base of every generic conformance suite: the World under test comes from <typeparamref name="TFactory"/>, an
/// xUnit class fixture, so a backend enrols without overriding anything.
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds.</typeparam>
public abstract class WorldTestBase<TFactory> : WorldTestBase, IClassFixture<TFactory>
    where TFactory : class, IWorldFactory
{
    /// <summary>The factory xUnit created for this suite class; available while a test runs.</summary>
    /// <remarks>
    /// Read from the test context rather than taken in a constructor: a constructor parameter would force every
    /// enrolling class to declare and forward it, and enrolment would no longer be one line.
    /// </remarks>
    protected static async ValueTask<TFactory> GetFactoryAsync() =>
        await TestContext.Current.GetFixture<TFactory>()
        ?? throw new InvalidOperationException($"xUnit did not provide the class fixture {typeof(TFactory).Name}; the factory is only available while a test runs.");

    /// <inheritdoc />
    protected sealed override async ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) =>
        await (await GetFactoryAsync()).CreateWorldAsync(timeProvider, Cancellation);
}
