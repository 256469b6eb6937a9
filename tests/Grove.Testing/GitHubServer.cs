using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grove.Testing;

/// <summary>
/// A small GitHub-shaped REST server on loopback (Kestrel), for the endpoints Grove calls through
/// Octokit: issues and their comments (create, update), pull requests, check runs and combined
/// statuses. Like GitHub it pages lists (<c>Link</c> headers, <see cref="PageSize"/> items a page
/// whatever <c>per_page</c> asks), answers <c>If-None-Match</c> with 304, 401 for a wrong token,
/// 404 for what it lacks, and 403 "rate limit exceeded" with <c>X-RateLimit-Reset</c> while
/// <see cref="RateLimitedUntil"/> is set. Serves under <see cref="BasePath"/> ("" like
/// api.github.com, "/api/v3" like GitHub Enterprise).
/// </summary>
public sealed class GitHubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _authorizations = new();
    private int _notModified;
    private long _nextId = 1000;

    private GitHubServer(WebApplication app, string basePath, string? token)
    {
        _app = app;
        BasePath = basePath;
        Token = token;
    }

    public string BasePath { get; }

    /// <summary>The one token accepted (null: any request is anonymous and allowed).</summary>
    public string? Token { get; }

    /// <summary>The API's address, for <c>github.apiUrl</c>.</summary>
    public string ApiUrl { get; private set; } = string.Empty;

    /// <summary>Items per page of every list.</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>Whether a request without a token is refused with 401 (a private repository).</summary>
    public bool RequireToken { get; set; }

    /// <summary>While set, every request gets 403 "API rate limit exceeded" resetting at this time.</summary>
    public DateTimeOffset? RateLimitedUntil { get; set; }

    /// <summary>Issues by number: title, body, labels, comments.</summary>
    public ConcurrentDictionary<long, Issue> Issues { get; } = new();

    /// <summary>The pull requests, newest first.</summary>
    public List<Pull> Pulls { get; } = [];

    /// <summary>Check run conclusions ("success", "failure", null while running) by head commit.</summary>
    public ConcurrentDictionary<string, string?[]> CheckRuns { get; } = new();

    /// <summary>Combined commit status ("success", "failure", "pending") by head commit.</summary>
    public ConcurrentDictionary<string, string> Statuses { get; } = new();

    /// <summary>Every request's method and path (with query), in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Every Authorization header received (to check which token was sent).</summary>
    public IReadOnlyList<string> Authorizations => [.. _authorizations];

    /// <summary>How many conditional requests were answered 304.</summary>
    public int NotModified => Volatile.Read(ref _notModified);

    public static async Task<GitHubServer> StartAsync(string basePath = "", string? token = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new GitHubServer(app, basePath.TrimEnd('/'), token);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.ApiUrl = $"{address.TrimEnd('/')}{server.BasePath}";
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    public Issue AddIssue(long number, string title, string body = "", string[]? labels = null, int comments = 0)
    {
        var issue = new Issue(number, title, body, labels ?? []);
        for (var i = 1; i <= comments; i++)
        {
            issue.Comments.Add(new Comment(Interlocked.Increment(ref _nextId), $"comment {i} on #{number}", "reviewer"));
        }

        Issues[number] = issue;
        return issue;
    }

    public Pull AddPull(int number, string branch, string sha, string state = "open", bool draft = false, bool merged = false)
    {
        var pull = new Pull(number, branch, sha) { State = state, Draft = draft, Merged = merged };
        lock (Pulls)
        {
            Pulls.Insert(0, pull);
        }

        Issues.TryAdd(number, new Issue(number, $"PR {number}", string.Empty, []) { IsPull = true });
        return pull;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            _authorizations.Enqueue(authorization);
        }

        var path = request.Path.Value ?? string.Empty;
        if (BasePath.Length > 0)
        {
            if (!path.StartsWith(BasePath + "/", StringComparison.Ordinal))
            {
                await WriteAsync(context, 404, Message("Not Found"));
                return;
            }

            path = path[BasePath.Length..];
        }

        if (RateLimitedUntil is { } reset)
        {
            context.Response.Headers["X-RateLimit-Limit"] = "60";
            context.Response.Headers["X-RateLimit-Remaining"] = "0";
            context.Response.Headers["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            await WriteAsync(context, 403, Message("API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)"));
            return;
        }

        var given = request.Headers.Authorization.ToString();
        if ((given.Length > 0 && (Token is null || !given.EndsWith(" " + Token, StringComparison.Ordinal))) || (given.Length == 0 && RequireToken))
        {
            await WriteAsync(context, 401, Message(given.Length > 0 ? "Bad credentials" : "Requires authentication"));
            return;
        }

        var parts = path.Trim('/').Split('/');
        if (parts.Length < 3 || parts[0] != "repos")
        {
            await WriteAsync(context, 404, Message("Not Found"));
            return;
        }

        var rest = parts[3..];
        var method = request.Method;
        JsonNode? answer = (method, rest) switch
        {
            ("GET", ["issues", var n]) when Find(n) is { } issue => IssueJson(issue),
            ("GET", ["issues", var n, "comments"]) when Find(n) is { } issue => Page(context, issue.Comments.Select(CommentJson)),
            ("POST", ["issues", var n, "comments"]) when Find(n) is { } issue => await AddCommentAsync(context, issue),
            ("PATCH", ["issues", "comments", var id]) when FindComment(id) is { } comment => await EditCommentAsync(context, comment),
            ("GET", ["pulls"]) => Page(context, PullsFor(request.Query["head"].ToString(), request.Query["state"].ToString()).Select(PullJson)),
            ("GET", ["commits", var sha, "check-runs"]) => CheckRunsJson(sha),
            ("GET", ["commits", var sha, "status"]) => StatusJson(sha),
            _ => null,
        };
        if (answer is null)
        {
            await WriteAsync(context, 404, Message("Not Found"));
            return;
        }

        if (context.Response.StatusCode == 201)
        {
            await WriteAsync(context, 201, answer);
            return;
        }

        var text = answer.ToJsonString();
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20]}\"";
        if (method == "GET" && request.Headers.IfNoneMatch.ToString() == etag)
        {
            Interlocked.Increment(ref _notModified);
            context.Response.StatusCode = 304;
            context.Response.Headers.ETag = etag;
            return;
        }

        context.Response.Headers.ETag = etag;
        await WriteAsync(context, 200, answer);
    }

    private Issue? Find(string number) =>
        long.TryParse(number, CultureInfo.InvariantCulture, out var n) && Issues.TryGetValue(n, out var issue) ? issue : null;

    private Comment? FindComment(string id) =>
        long.TryParse(id, CultureInfo.InvariantCulture, out var n) ? Issues.Values.SelectMany(i => i.Comments).FirstOrDefault(c => c.Id == n) : null;

    private List<Pull> PullsFor(string head, string state)
    {
        lock (Pulls)
        {
            return [.. Pulls.Where(p => (head.Length == 0 || head.EndsWith(":" + p.Branch, StringComparison.Ordinal))
                && (state == "all" || (state is "" or "open" ? p.State == "open" : p.State == "closed")))];
        }
    }

    private JsonArray Page(HttpContext context, IEnumerable<JsonNode> all)
    {
        var items = all.ToList();
        var page = int.TryParse(context.Request.Query["page"], CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        var last = Math.Max(1, (items.Count + PageSize - 1) / PageSize);
        if (page < last)
        {
            var query = context.Request.Query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={page + 1}");
            var next = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}?{string.Join('&', query)}";
            context.Response.Headers["Link"] = $"<{next}>; rel=\"next\"";
        }

        return [.. items.Skip((page - 1) * PageSize).Take(PageSize)];
    }

    private async Task<JsonNode> AddCommentAsync(HttpContext context, Issue issue)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!["body"]!.GetValue<string>();
        var comment = new Comment(Interlocked.Increment(ref _nextId), body, "grove-bot");
        issue.Comments.Add(comment);
        context.Response.StatusCode = 201;
        return CommentJson(comment);
    }

    private static async Task<JsonNode> EditCommentAsync(HttpContext context, Comment comment)
    {
        comment.Body = (await JsonNode.ParseAsync(context.Request.Body))!["body"]!.GetValue<string>();
        return CommentJson(comment);
    }

    private static JsonObject User(string login) => new() { ["login"] = login, ["id"] = 1, ["type"] = "User" };

    private static JsonObject IssueJson(Issue issue) => new()
    {
        ["id"] = issue.Number + 500,
        ["number"] = issue.Number,
        ["title"] = issue.Title,
        ["body"] = issue.Body,
        ["state"] = "open",
        ["html_url"] = $"https://github.example/octo/repo/issues/{issue.Number}",
        ["user"] = User("author"),
        ["labels"] = new JsonArray([.. issue.Labels.Select((l, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["name"] = l, ["color"] = "ededed" })]),
        ["comments"] = issue.Comments.Count,
        ["created_at"] = "2026-11-30T10:00:00Z",
        ["updated_at"] = "2026-11-30T10:00:00Z",
        ["pull_request"] = issue.IsPull ? new JsonObject { ["url"] = "x" } : null,
    };

    private static JsonObject CommentJson(Comment comment) => new()
    {
        ["id"] = comment.Id,
        ["body"] = comment.Body,
        ["user"] = User(comment.Author),
        ["html_url"] = $"https://github.example/octo/repo/issues/1#issuecomment-{comment.Id}",
        ["created_at"] = "2026-11-30T11:00:00Z",
        ["updated_at"] = "2026-11-30T11:00:00Z",
    };

    private static JsonObject PullJson(Pull pull) => new()
    {
        ["id"] = pull.Number + 900,
        ["number"] = pull.Number,
        ["state"] = pull.State,
        ["draft"] = pull.Draft,
        ["merged_at"] = pull.Merged ? "2026-11-30T12:00:00Z" : null,
        ["title"] = $"PR {pull.Number}",
        ["html_url"] = $"https://github.example/octo/repo/pull/{pull.Number}",
        ["head"] = new JsonObject { ["ref"] = pull.Branch, ["sha"] = pull.Sha, ["label"] = $"octo:{pull.Branch}" },
        ["base"] = new JsonObject { ["ref"] = "main", ["sha"] = "0000000000000000000000000000000000000000", ["label"] = "octo:main" },
        ["user"] = User("author"),
        ["created_at"] = "2026-11-30T10:00:00Z",
        ["updated_at"] = "2026-11-30T10:00:00Z",
    };

    private JsonObject CheckRunsJson(string sha)
    {
        var runs = CheckRuns.TryGetValue(sha, out var found) ? found : [];
        return new JsonObject
        {
            ["total_count"] = runs.Length,
            ["check_runs"] = new JsonArray([.. runs.Select((conclusion, i) => (JsonNode)new JsonObject
            {
                ["id"] = i + 1,
                ["name"] = $"check {i + 1}",
                ["head_sha"] = sha,
                ["status"] = conclusion is null ? "in_progress" : "completed",
                ["conclusion"] = conclusion,
            })]),
        };
    }

    private JsonObject StatusJson(string sha)
    {
        var state = Statuses.TryGetValue(sha, out var found) ? found : null;
        return new JsonObject
        {
            ["state"] = state ?? "pending",
            ["sha"] = sha,
            ["total_count"] = state is null ? 0 : 1,
            ["statuses"] = new JsonArray(state is null ? [] : [new JsonObject { ["state"] = state, ["context"] = "ci" }]),
        };
    }

    private static JsonObject Message(string message) => new() { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" };

    private static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public sealed record Issue(long Number, string Title, string Body, string[] Labels)
    {
        public List<Comment> Comments { get; } = [];

        public bool IsPull { get; init; }
    }

    public sealed class Comment(long id, string body, string author)
    {
        public long Id { get; } = id;

        public string Body { get; set; } = body;

        public string Author { get; } = author;
    }

    public sealed class Pull(int number, string branch, string sha)
    {
        public int Number { get; } = number;

        public string Branch { get; } = branch;

        public string Sha { get; set; } = sha;

        public string State { get; set; } = "open";

        public bool Draft { get; set; }

        public bool Merged { get; set; }
    }
}
