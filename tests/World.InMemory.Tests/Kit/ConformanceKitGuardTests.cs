using World.Testing.Enrolment;
using World.Testing.Storage;
using World.Testing.Streams;
using World.Testing.Workflows;
using Xunit.Sdk;

namespace World.InMemory.Tests.Kit;

/// <summary>
/// The enrolment guard itself: fed this assembly's types with one enrolling line taken away, it must name exactly that
/// suite; exemptions count only with a reason and only for real, unenrolled suites.
/// </summary>
public sealed class ConformanceKitGuardTests
{
    private static readonly Type[] EnrollingTypes = typeof(ConformanceKitGuardTests).Assembly.GetTypes();

    public static TheoryData<string> SuiteNames() => [.. ConformanceKit.Suites.Select(suite => suite.FullName!)];

    [Fact]
    public void The_kit_finds_its_suites_by_reflection()
    {
        Assert.Contains(typeof(RunLifecycleTests<>), ConformanceKit.Suites);
        Assert.Contains(typeof(WorkflowTests<>), ConformanceKit.Suites);
        Assert.DoesNotContain(typeof(World.Testing.WorldTestBase<>), ConformanceKit.Suites);
        Assert.True(ConformanceKit.Suites.Count >= 17, $"found only {ConformanceKit.Suites.Count} suites");
        Assert.All(ConformanceKit.Suites, suite => Assert.True(suite.IsGenericTypeDefinition && suite.IsAbstract));
    }

    [Fact]
    public void This_assembly_enrols_in_every_suite() =>
        Assert.Empty(ConformanceKit.FindProblems(EnrollingTypes, []));

    [Theory]
    [MemberData(nameof(SuiteNames))]
    public void Removing_the_one_line_that_enrols_a_suite_makes_the_guard_name_that_suite(string suiteName)
    {
        var suite = ConformanceKit.Suites.Single(s => s.FullName == suiteName);
        var withoutIt = EnrollingTypes.Where(type => !Enrols(type, suite));

        Assert.Equal([suite], ConformanceKit.FindMissingSuites(withoutIt, []));
        var problem = Assert.Single(ConformanceKit.FindProblems(withoutIt, []));
        Assert.Contains(ConformanceKit.DisplayName(suite), problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guard_fails_naming_every_suite_an_assembly_lacks()
    {
        // The production assembly enrols in nothing.
        var failure = Assert.Throws<FailException>(() => ConformanceKit.AssertEnrolled(typeof(InMemoryWorld).Assembly));

        Assert.All(ConformanceKit.Suites, suite => Assert.Contains(ConformanceKit.DisplayName(suite) + " (", failure.Message, StringComparison.Ordinal));
        Assert.Contains("RunLifecycleTests<TFactory>", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exemption_with_a_reason_excuses_a_missing_suite()
    {
        var withoutStreams = EnrollingTypes.Where(type => !Enrols(type, typeof(StreamTests<>)));

        Assert.Empty(ConformanceKit.FindProblems(withoutStreams, [new ConformanceExemptionAttribute(typeof(StreamTests<>), "no output streams")]));
    }

    [Fact]
    public void An_exemption_without_a_reason_is_reported()
    {
        var withoutStreams = EnrollingTypes.Where(type => !Enrols(type, typeof(StreamTests<>)));

        var problem = Assert.Single(ConformanceKit.FindProblems(withoutStreams, [new ConformanceExemptionAttribute(typeof(StreamTests<>), " ")]));
        Assert.Contains("gives no reason", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exemption_of_something_that_is_not_a_suite_or_of_an_enrolled_suite_is_reported()
    {
        var problems = ConformanceKit.FindProblems(
            EnrollingTypes,
            [
                new ConformanceExemptionAttribute(typeof(InMemoryRunLifecycleTests), "closed type, not the suite"),
                new ConformanceExemptionAttribute(typeof(HookTests<>), "enrolled anyway"),
            ]);

        Assert.Equal(2, problems.Count);
        Assert.Contains("names no conformance suite", problems[0], StringComparison.Ordinal);
        Assert.Contains("both enrolled and exempted", problems[1], StringComparison.Ordinal);
    }

    private static bool Enrols(Type type, Type suite)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.GetGenericTypeDefinition() == suite)
            {
                return true;
            }
        }

        return false;
    }
}
