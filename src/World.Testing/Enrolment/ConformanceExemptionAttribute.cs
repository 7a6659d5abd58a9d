namespace World.Testing.Enrolment;

/// <summary>
/// Declares, on a backend's test assembly, that it deliberately does not enrol in one conformance suite, and why.
/// The enrolment guard (<see cref="ConformanceKit.AssertEnrolled"/>) accepts a missing suite only with one of these.
/// </summary>
/// <remarks>
/// Only for suites that test something the backend genuinely does not offer; behaviour a backend merely fails belongs
/// in the enrolled suite, failing. Example:
/// <c>[assembly: ConformanceExemption(typeof(StreamTests&lt;&gt;), "this backend stores no run output streams")]</c>.
/// </remarks>
/// <param name="suite">The suite's open generic type, e.g. <c>typeof(StreamTests&lt;&gt;)</c>.</param>
/// <param name="reason">Why the backend cannot run the suite; shown by the guard and required.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class ConformanceExemptionAttribute(Type suite, string reason) : Attribute
{
    /// <summary>The exempted suite's open generic type.</summary>
    public Type Suite { get; } = suite;

    /// <summary>Why the backend does not run the suite.</summary>
    public string Reason { get; } = reason;
}
