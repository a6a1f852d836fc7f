using Microsoft.Extensions.DependencyInjection;
using OrleansSse.Backplane;

namespace OrleansSse.Redis.Tests;

public sealed class RedisBackplaneRegistrationTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task AddRedisBackplaneReplacesAnEarlierBackplane()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISseBackplane>(new InMemoryBackplane());
        services.AddRedisBackplane(redis.Configuration, o => o.KeyPrefix = "di-" + Guid.NewGuid().ToString("N")[..8]);

        await using var provider = services.BuildServiceProvider();
        var backplane = provider.GetRequiredService<ISseBackplane>();

        var redisBackplane = Assert.IsType<RedisBackplane>(backplane);
        Assert.Same(provider.GetRequiredService<RedisBackplane>(), redisBackplane);
        Assert.Single(services, d => d.ServiceType == typeof(ISseBackplane));
        var receipt = await backplane.PublishAsync(SseTarget.All, "n", "1");
        Assert.Equal(1, receipt.Cursor.Position);
    }
}
