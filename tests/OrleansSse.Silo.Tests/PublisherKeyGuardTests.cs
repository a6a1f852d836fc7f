using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Silo.Security;

namespace OrleansSse.Silo.Tests;

public sealed class PublisherKeyGuardTests
{
    [Fact]
    public void ChecksUnderWayCannotOutnumberTheWrongKeysLeft()
    {
        var guard = new PublisherKeyGuard(TimeProvider.System, NullLogger<PublisherKeyGuard>.Instance);

        // 200 keys from one address being checked at once (none finished yet): only as many as it
        // may still get wrong (the burst, plus at most one refill if a second passes meanwhile).
        var begun = Enumerable.Range(0, 200).Count(_ => guard.TryBeginCheck("10.0.0.1"));

        Assert.InRange(begun, PublisherKeyGuard.Burst, PublisherKeyGuard.Burst + PublisherKeyGuard.PerSecond);
        Assert.True(guard.TryBeginCheck("10.0.0.2"), "another address has its own allowance");
    }

    [Fact]
    public void ARightKeyGivesItsReservationBack()
    {
        var guard = new PublisherKeyGuard(TimeProvider.System, NullLogger<PublisherKeyGuard>.Instance);
        for (var i = 0; i < 3 * PublisherKeyGuard.Burst; i++)
        {
            Assert.True(guard.TryBeginCheck("10.0.0.1"));
            Assert.True(guard.EndCheck("10.0.0.1", wrong: false));
        }
    }
}
