using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace OrleansSse.Redis;

/// <summary>
/// One Lua script and its SHA1, run with <c>EVALSHA</c> by that hash: the client library's own
/// script cache would look the script up by its text on every call (hashing several KB of Lua per
/// publish). When the server does not know the script (<c>NOSCRIPT</c>: a restarted or flushed
/// Redis), it runs once by its text, which loads it again; a <c>NOSCRIPT</c> reply means the script
/// did not run, so that is no second run.
/// </summary>
internal sealed class RedisScript(string text)
{
    public string Text { get; } = text;

    public byte[] Hash { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[]? keys = null, RedisValue[]? values = null)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
