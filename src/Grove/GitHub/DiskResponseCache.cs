using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Octokit.Caching;
using Octokit.Internal;

namespace Grove.GitHub;

/// <summary>
/// Octokit's response cache, kept in the state folder so every grove process of the repository
/// shares it: Octokit sends the cached ETag as <c>If-None-Match</c>, and a 304 (which GitHub does
/// not count against the rate limit) returns the cached body. Only successful responses with an
/// ETag are kept; the request's headers (the token) are never part of what is stored.
/// </summary>
internal sealed class DiskResponseCache(string folder) : IResponseCache
{
    public async Task<CachedResponse.V1> GetAsync(IRequest request)
    {
        var path = PathFor(request);
        if (!File.Exists(path))
        {
            return null!;
        }

        var stored = JsonSerializer.Deserialize<Stored>(await File.ReadAllTextAsync(path).ConfigureAwait(false));
        return stored is null ? null! : new CachedResponse.V1(stored.Body, stored.Headers, null, (HttpStatusCode)stored.Status, stored.ContentType);
    }

    public Task SetAsync(IRequest request, CachedResponse.V1 cachedResponse)
    {
        ArgumentNullException.ThrowIfNull(cachedResponse);
        if (cachedResponse.StatusCode != HttpStatusCode.OK || cachedResponse.Body is not string body
            || !cachedResponse.Headers.Keys.Any(k => k.Equals("ETag", StringComparison.OrdinalIgnoreCase)))
        {
            return Task.CompletedTask;
        }

        Files.OwnerOnly.CreateFolder(folder);
        var headers = cachedResponse.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        Files.OwnerOnly.WriteAllText(PathFor(request), JsonSerializer.Serialize(new Stored((int)cachedResponse.StatusCode, cachedResponse.ContentType, body, headers)));
        return Task.CompletedTask;
    }

    private string PathFor(IRequest request)
    {
        var key = new StringBuilder().Append(request.BaseAddress).Append('|').Append(request.Endpoint);
        foreach (var (name, value) in request.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            key.Append('|').Append(name).Append('=').Append(value);
        }

        if (request.Headers.TryGetValue("Accept", out var accept))
        {
            key.Append("|accept=").Append(accept);
        }

        return Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..32] + ".json");
    }

    private sealed record Stored(int Status, string ContentType, string Body, Dictionary<string, string> Headers);
}
