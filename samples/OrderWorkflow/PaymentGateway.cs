namespace World.Samples.OrderWorkflow;

/// <summary>A stand-in payment gateway that times out on the first call, to show a retry.</summary>
public sealed class PaymentGateway
{
    private int _calls;

    public Task<string> ChargeAsync(Order order, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Interlocked.Increment(ref _calls) == 1
            ? throw new TimeoutException("payment gateway timed out")
            : Task.FromResult($"ch_{order.OrderId}_{order.Total:0.00}");
    }
}
