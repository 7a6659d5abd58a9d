using World.Backends;

namespace World.Abstractions.Tests.Errors;

public sealed class StructuredErrorTests
{
    [Fact]
    public void An_exception_whose_text_has_an_unpaired_surrogate_is_described_with_well_formed_text()
    {
        var error = StructuredError.FromException(new InvalidOperationException("bad \ud800 half"), "CODE");

        Assert.Equal("bad \ufffd half", error.Message);
        Assert.True(TextRules.IsWellFormed(error.Stack));
        Assert.Contains("InvalidOperationException", error.Stack, StringComparison.Ordinal);
        Assert.Equal("CODE", error.Code);
    }

    [Fact]
    public void Well_formed_exception_text_is_kept_exactly()
    {
        var error = StructuredError.FromException(new InvalidOperationException("emoji 😀 and NUL \0 stay"), null, fullText: false);

        Assert.Equal("emoji 😀 and NUL \0 stay", error.Message);
        Assert.Null(error.Stack);
    }
}
