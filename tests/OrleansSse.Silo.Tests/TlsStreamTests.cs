using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansSse.Silo.Tests;

/// <summary>
/// Streams over HTTPS (HTTP/1.1 and HTTP/2) stay in Kestrel (only plaintext HTTP/1.1 streams
/// detach): they deliver events and end cleanly on drain.
/// </summary>
public sealed class TlsStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task HttpsStreamDeliversEventsAndEndsOnDrain(int major)
    {
        using var certificate = SelfSignedCertificate();
        var app = SiloApplication.Build(["--urls", "https://127.0.0.1:0"], builder =>
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate)));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            })
            {
                BaseAddress = new Uri(address),
                DefaultRequestVersion = new Version(major, major == 1 ? 1 : 0),
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Timeout = Timeout.InfiniteTimeSpan,
            };
            using var response = await http.GetAsync("/api/sse?client_id=tls", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(major, response.Version.Major);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            await ReadLineAsync(reader, "event: connected");

            var (id, online) = await new SiloApi(http).SendAsync("tls", "over-tls");
            Assert.True(online);
            await ReadLineAsync(reader, $"id: {id}");
            await ReadLineAsync(reader, "data: over-tls");

            using var stopping = new CancellationTokenSource(Wait.Timeout);
            await app.StopAsync(stopping.Token);
            await ReadLineAsync(reader, "retry: 500");
            Assert.Equal("", (await reader.ReadToEndAsync().WaitAsync(Wait.Timeout)).Trim());
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task ReadLineAsync(StreamReader reader, string expected)
    {
        using var cts = new CancellationTokenSource(Wait.Timeout);
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line == expected)
            {
                return;
            }
        }

        throw new Xunit.Sdk.XunitException($"The stream ended before '{expected}'.");
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }
}
