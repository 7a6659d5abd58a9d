using System.Reflection;

namespace World.Testing.Enrolment;

/// <summary>
/// Finds the kit's suites and checks that a backend's test assembly enrols in every one of them, so that a suite
/// added to the kit later fails each backend's build of tests until the backend adds its one enrolling line (or
/// exempts the suite with a reason).
/// </summary>
public static class ConformanceKit
{
    /// <summary>
    /// Every conformance suite in the kit: the public abstract generic classes derived from
    /// <see cref="WorldTestBase{TFactory}"/>, as open generic types, ordered by full name.
    /// </summary>
    /// <remarks>Found by reflection rather than listed, so a new suite cannot be forgotten here.</remarks>
    public static IReadOnlyList<Type> Suites { get; } = typeof(WorldTestBase<>).Assembly.GetExportedTypes()
        .Where(type => type.IsClass && type.IsAbstract && type.IsGenericTypeDefinition && type != typeof(WorldTestBase<>)
            && BaseDefinitions(type).Contains(typeof(WorldTestBase<>)))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// The suites that no runnable class among <paramref name="types"/> enrols in and that no exemption covers, in
    /// the order of <see cref="Suites"/>.
    /// </summary>
    /// <param name="types">The types of the enrolling test assembly.</param>
    /// <param name="exemptions">The assembly's <see cref="ConformanceExemptionAttribute"/>s.</param>
    public static IReadOnlyList<Type> FindMissingSuites(IEnumerable<Type> types, IEnumerable<ConformanceExemptionAttribute> exemptions)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(exemptions);
        var enrolled = EnrolledSuites(types);
        var exempted = exemptions.Select(exemption => exemption.Suite).ToHashSet();
        return Suites.Where(suite => !enrolled.Contains(suite) && !exempted.Contains(suite)).ToArray();
    }

    /// <summary>
    /// Everything wrong with an assembly's enrolment, one sentence each: a suite neither enrolled nor exempted, an
    /// exemption without a reason, an exemption naming something that is not a suite, and an exemption for a suite
    /// the assembly enrols anyway (a stale exemption hides nothing but misleads).
    /// </summary>
    /// <param name="types">The types of the enrolling test assembly.</param>
    /// <param name="exemptions">The assembly's <see cref="ConformanceExemptionAttribute"/>s.</param>
    public static IReadOnlyList<string> FindProblems(IEnumerable<Type> types, IEnumerable<ConformanceExemptionAttribute> exemptions)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(exemptions);
        var typeList = types.ToArray();
        var exemptionList = exemptions.ToArray();
        var enrolled = EnrolledSuites(typeList);
        var problems = new List<string>();
        foreach (var suite in FindMissingSuites(typeList, exemptionList))
        {
            problems.Add(
                $"{DisplayName(suite)} ({suite.Namespace}) is not enrolled: add `public sealed class My{SimpleName(suite)} : "
                + $"{SimpleName(suite)}<MyWorldFactory>;`, or exempt it with "
                + $"`[assembly: ConformanceExemption(typeof({SimpleName(suite)}<>), \"why this backend cannot run it\")]`.");
        }

        foreach (var exemption in exemptionList)
        {
            var suite = exemption.Suite;
            if (suite is null || !Suites.Contains(suite))
            {
                problems.Add($"The exemption of {suite?.FullName ?? "null"} names no conformance suite; exempt an open generic suite type such as typeof(StreamTests<>).");
            }
            else if (string.IsNullOrWhiteSpace(exemption.Reason))
            {
                problems.Add($"The exemption of {DisplayName(suite)} gives no reason.");
            }
            else if (enrolled.Contains(suite))
            {
                problems.Add($"{DisplayName(suite)} is both enrolled and exempted; remove the exemption.");
            }
        }

        return problems;
    }

    /// <summary>
    /// Fails, naming each problem of <see cref="FindProblems"/>, unless <paramref name="assembly"/> enrols in every
    /// suite of the kit or exempts it with a reason.
    /// </summary>
    /// <param name="assembly">The backend's test assembly.</param>
    public static void AssertEnrolled(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var problems = FindProblems(LoadableTypes(assembly), assembly.GetCustomAttributes<ConformanceExemptionAttribute>());
        if (problems.Count > 0)
        {
            Assert.Fail(
                $"{assembly.GetName().Name} does not enrol in the whole conformance kit ({problems.Count} problem(s)):"
                + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(problem => "- " + problem)));
        }
    }

    /// <summary>The suite's name as C# writes it, e.g. <c>RunLifecycleTests&lt;TFactory&gt;</c>.</summary>
    public static string DisplayName(Type suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        return suite.IsGenericType
            ? $"{SimpleName(suite)}<{string.Join(", ", suite.GetGenericArguments().Select(argument => argument.Name))}>"
            : suite.Name;
    }

    private static string SimpleName(Type type) => type.Name.Split('`')[0];

    // A suite counts as enrolled when a class xUnit would run (concrete and closed) derives from it.
    private static HashSet<Type> EnrolledSuites(IEnumerable<Type> types) => types
        .Where(type => type.IsClass && !type.IsAbstract && !type.ContainsGenericParameters)
        .SelectMany(BaseDefinitions)
        .ToHashSet();

    private static IEnumerable<Type> BaseDefinitions(Type type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            yield return current.IsGenericType ? current.GetGenericTypeDefinition() : current;
        }
    }

    // A test assembly whose optional dependencies are missing still reports the types it could load.
    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException error)
        {
            return error.Types.OfType<Type>();
        }
    }
}
