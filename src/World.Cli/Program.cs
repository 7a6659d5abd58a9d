namespace World.Cli;

/// <summary>The entry point of the <c>world</c> tool.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        WorldCommandLine.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
}
