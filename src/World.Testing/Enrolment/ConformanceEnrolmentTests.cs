namespace World.Testing.Enrolment;

/// <summary>
/// The enrolment guard: a backend's test assembly derives one empty class from this
/// (<c>public sealed class MyKitEnrolmentTests : ConformanceEnrolmentTests;</c>), and the test fails, naming each
/// suite, when the assembly does not enrol in every suite of the kit. Upgrading the kit then tells every backend
/// which new suites it misses instead of silently running none of them.
/// </summary>
public abstract class ConformanceEnrolmentTests
{
    [Fact]
    public void The_test_assembly_enrols_in_every_suite_of_the_conformance_kit() => ConformanceKit.AssertEnrolled(GetType().Assembly);
}
