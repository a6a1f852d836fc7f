using Microsoft.Extensions.Logging.Abstractions;
using OrleansSse.Backplane;
using OrleansSse.Connections;
using OrleansSse.Metrics;

namespace OrleansSse.Tests.Connections;

/// <summary>
/// A stream reads its client's memberships, then follows each group. Joins and leaves that land
/// between the read and the follows must still count.
/// </summary>
public sealed class MembershipChangeWhileOpeningTests
{
    [Fact]
    public async Task LeaveAfterTheMembershipReadIsNotUndoneByTheFollowThatComesAfterIt()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("team", "ann");
        backplane.AfterMembershipRead = () => backplane.RemoveFromGroupAsync("team", "ann");
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("ann", cursor: null, CancellationToken.None);

        Assert.DoesNotContain(SseTarget.Group("team"), opened.Connection.Targets);
    }

    [Fact]
    public async Task LeaveAndJoinAgainAfterTheReadKeepsTheGroup()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        await backplane.AddToGroupAsync("team", "bob");
        backplane.AfterMembershipRead = async () =>
        {
            await backplane.RemoveFromGroupAsync("team", "bob");
            await backplane.AddToGroupAsync("team", "bob");
        };
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("bob", cursor: null, CancellationToken.None);

        Assert.Contains(SseTarget.Group("team"), opened.Connection.Targets);
    }

    [Fact]
    public async Task JoinAfterTheReadIsFollowed()
    {
        var backplane = new HookedBackplane(new InMemoryBackplane());
        backplane.AfterMembershipRead = () => backplane.AddToGroupAsync("late", "cy");
        using var registry = NewRegistry(backplane);

        var opened = await registry.OpenAsync("cy", cursor: null, CancellationToken.None);

        Assert.Contains(SseTarget.Group("late"), opened.Connection.Targets);
    }

    private static ConnectionRegistry NewRegistry(ISseBackplane backplane) => new(
        backplane, Microsoft.Extensions.Options.Options.Create(new StreamOptions()), new SseMetrics(), NullLogger<ConnectionRegistry>.Instance);
}
