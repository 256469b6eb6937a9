using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grove.GitHub;

/// <summary>
/// The last poll of a repository's pull requests, kept in the state folder
/// (<c>github/pull-requests.json</c>) so every grove process of the repository shares one poll a
/// minute: each worktree branch's pull request, when it was read, and why it is old (rate limited
/// until a time, no token, GitHub unreachable).
/// </summary>
internal sealed record PullRequestBoard(string Repository, DateTimeOffset PolledAt, IReadOnlyDictionary<string, PullRequestStatus> ByBranch)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>Until when GitHub's rate limit is spent; no poll before then.</summary>
    public DateTimeOffset? RateLimitedUntil { get; init; }

    /// <summary>What went wrong in the last poll, with its fix; null when it went well.</summary>
    public string? Notice { get; init; }

    public PullRequestStatus? For(string? branch) => branch is not null && ByBranch.TryGetValue(branch, out var status) ? status : null;

    public static string PathIn(string stateFolder) => Path.Combine(stateFolder, "github", "pull-requests.json");

    /// <summary>The board last saved; null when there is none or it cannot be read.</summary>
    public static PullRequestBoard? Load(string stateFolder)
    {
        try
        {
            return JsonSerializer.Deserialize<PullRequestBoard>(File.ReadAllText(PathIn(stateFolder)), Json);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    public void Save(string stateFolder)
    {
        var path = PathIn(stateFolder);
        Files.OwnerOnly.CreateFolder(Path.GetDirectoryName(path)!);
        Files.OwnerOnly.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
