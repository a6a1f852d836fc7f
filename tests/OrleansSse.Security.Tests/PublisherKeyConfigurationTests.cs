using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansSse.Security.Tests;

/// <summary>
/// Publisher keys are at least 16 printable ASCII characters without whitespace: anything else
/// stops the silo at start, naming the entry (never its value); an empty entry is ignored.
/// </summary>
public sealed class PublisherKeyConfigurationTests
{
    [Theory]
    [InlineData("x")]
    [InlineData("fifteen-chars-k")]
    [InlineData("                    ")]
    [InlineData(" publisher-key-with-a-leading-space")]
    [InlineData("publisher key with spaces 0123")]
    [InlineData("publisher-key-with-a-tab\t0123")]
    [InlineData("publisher-key-with-a-del\u007f0123")]
    [InlineData("publisher-key-caf\u00e9-0123456789")]
    [InlineData("pk-\u2026")]
    public async Task AWeakOrUnsendableKey_StopsTheSiloAtStart_NamingTheEntryNotTheKey(string key)
    {
        var app = TestSilo.Build(new()
        {
            ["OrleansSse:Auth:PublisherKeys:0"] = TestSilo.PublisherKey,
            ["OrleansSse:Auth:PublisherKeys:1"] = key,
        }, new LogCapture());
        await using (app)
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

            var failure = Assert.Single(error.Failures);
            Assert.StartsWith("OrleansSse:Auth:PublisherKeys:1 ", failure, StringComparison.Ordinal);
            if (key.Trim().Length > 3)
            {
                Assert.DoesNotContain(key.Trim(), failure, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ASixteenCharacterKeyWorks_AndAnEmptyEntryIsIgnored()
    {
        const string Sixteen = "0123456789abcdef";
        await using var silo = await TestSilo.StartAsync(new()
        {
            ["OrleansSse:Auth:PublisherKeys:0"] = "",
            ["OrleansSse:Auth:PublisherKeys:1"] = Sixteen,
        });

        using var accepted = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"x"}""", Sixteen));
        using var anonymous = await silo.SendAsync(TestSilo.Request(HttpMethod.Post, "/api/sse/broadcast", """{"data":"x"}""", key: null));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        Assert.Equal(1, await silo.PublishedTotalAsync());
    }
}
