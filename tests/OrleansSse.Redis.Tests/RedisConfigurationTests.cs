namespace OrleansSse.Redis.Tests;

/// <summary>What the configuration string sets wins; the backplane fills in only the rest.</summary>
public sealed class RedisConfigurationTests
{
    [Fact]
    public void TimeoutsInTheConfigurationStringAreKeptAndBoundOperationsWhenLonger()
    {
        var options = new RedisBackplaneOptions
        {
            Configuration = "127.0.0.1:6379,syncTimeout=12000,connectTimeout=15000,abortConnect=true,connectRetry=7",
            OperationTimeout = TimeSpan.FromSeconds(5),
        };

        var configuration = RedisClientConfiguration.Build(options);

        Assert.Equal((12000, 15000, true, 7), (configuration.SyncTimeout, configuration.ConnectTimeout, configuration.AbortOnConnectFail, configuration.ConnectRetry));
        Assert.Equal(TimeSpan.FromSeconds(12), RedisClientConfiguration.EffectiveTimeout(options.OperationTimeout, configuration));
    }

    [Fact]
    public void WithoutTimeoutsTheOperationTimeoutAppliesEverywhere()
    {
        var options = new RedisBackplaneOptions { Configuration = "127.0.0.1:6379,password=secret", OperationTimeout = TimeSpan.FromSeconds(2) };

        var configuration = RedisClientConfiguration.Build(options);

        Assert.Equal((2000, 2000, 2000, false), (configuration.SyncTimeout, configuration.ConnectTimeout, configuration.ResponseTimeout, configuration.AbortOnConnectFail));
        Assert.Equal("secret", configuration.Password);
        Assert.Equal(TimeSpan.FromSeconds(2), RedisClientConfiguration.EffectiveTimeout(options.OperationTimeout, configuration));
    }
}
