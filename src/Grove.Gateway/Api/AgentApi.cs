using Grove.Hosting;
using System.Text.Json;
using Grove.Contracts;
using Grove.Worktrees;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Grove.Gateway.Api;

/// <summary>
/// The agent API under <c>/_grove/</c> on the gateway's own host: list and get worktrees (the
/// fields of <c>grove ls --json</c>), wait until one is healthy, restart/stop/start/reinstall,
/// reset its database, tail logs, and a server-sent event stream of snapshots for the landing
/// page. The CLI's verbs that act on a running <c>grove up</c> call it.
/// </summary>
internal static class AgentApi
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder routes, IGroveHost host)
    {
        var api = routes.MapGroup("/_grove");
        api.MapGet("/worktrees", () => Results.Json(List(host), ContractJson.Default.ListWorktreeJson));
        api.MapGet("/worktrees/{name}", (string name) => Found(host, name) is { } w
            ? Results.Json(WorktreeJson.From(w), ContractJson.Default.WorktreeJson)
            : NotFound(host, name));
        api.MapPost("/worktrees/{name}/{verb}", async (string name, string verb, HttpContext context) =>
        {
            if (!WorktreeCommands.TryParse(verb, out var command))
            {
                return Results.Json(new Message($"'{verb}' is not something a worktree's app can be asked to do", $"POST one of: {string.Join(", ", WorktreeCommands.Verbs)}"), GatewayJson.Default.Message, statusCode: StatusCodes.Status404NotFound);
            }

            if (Expired(context))
            {
                return Results.Json(new Message($"the {verb} request arrived after its sender gave up; nothing was done", "send it again"), GatewayJson.Default.Message, statusCode: StatusCodes.Status408RequestTimeout);
            }

            var result = await host.ExecuteAsync(Decoded(name), command, waitForEffect: false, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new Message(result.Message, result.Fix), GatewayJson.Default.Message, statusCode: result.Outcome switch
            {
                CommandOutcome.Done => StatusCodes.Status202Accepted,
                CommandOutcome.Refused when result.Worktree is null => StatusCodes.Status404NotFound,
                CommandOutcome.Refused => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status500InternalServerError,
            });
        });
        api.MapGet("/worktrees/{name}/logs", (string name, string? tail) =>
        {
            var worktree = Found(host, name);
            if (worktree is null)
            {
                return NotFound(host, name);
            }

            if (!TryNumber(tail, 100, 0, 10_000, out var count) || count != Math.Floor(count))
            {
                return BadNumber("tail", tail, "a whole number of lines from 0 to 10000");
            }

            var lines = host.ReadLog(worktree.Slug, (int)count);
            return Results.Text(string.Concat(lines.Select(line => line + "\n")), "text/plain; charset=utf-8");
        });
        api.MapGet("/worktrees/{name}/wait", async (string name, string? timeout, CancellationToken cancellationToken) =>
        {
            if (Found(host, name) is null)
            {
                return NotFound(host, name);
            }

            if (!TryNumber(timeout, 60, 0, 3600, out var seconds))
            {
                return BadNumber("timeout", timeout, "a number of seconds from 0 to 3600");
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            try
            {
                await host.WaitForAsync(s => s.TryFind(name) is not { } w || w.IsSettled, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Timed out: answer with the state it is in.
            }

            var worktree = Found(host, name);
            return worktree is null
                ? NotFound(host, name)
                : Results.Json(WorktreeJson.From(worktree), ContractJson.Default.WorktreeJson,
                    statusCode: worktree.State == WorktreeState.Running ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        api.MapGet("/events", (HttpContext context) => StreamAsync(context, host));
    }

    private static List<WorktreeJson> List(IGroveHost host) => List(host.Current);

    private static List<WorktreeJson> List(RepositorySnapshot? snapshot) => [.. (snapshot?.Worktrees ?? []).Select(WorktreeJson.From)];

    private static WorktreeSnapshot? Found(IGroveHost host, string name) => host.Current?.TryFind(Decoded(name));

    /// <summary>A query number: absent gives <paramref name="fallback"/>; it must parse and lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    private static bool TryNumber(string? text, double fallback, double min, double max, out double value)
    {
        value = fallback;
        return text is null
            || (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value)
                && double.IsFinite(value) && value >= min && value <= max);
    }

    private static IResult BadNumber(string parameter, string? text, string wanted) =>
        Results.Json(new Message($"{parameter}={text} is not valid", $"pass {wanted}"), GatewayJson.Default.Message, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Routing leaves an escaped slash in a path segment as it came: a branch like <c>feature%2Fx</c> means <c>feature/x</c>.</summary>
    private static string Decoded(string name) => name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the sender gave up on this request before it was read (or has gone).</summary>
    private static bool Expired(HttpContext context)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var expires = context.Request.Headers[ApiHeaders.Expires].ToString();
        return expires.Length > 0
            && long.TryParse(expires, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds)
            && DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > milliseconds;
    }

    private static IResult NotFound(IGroveHost host, string name) => Results.Json(
        new Message($"no worktree is called '{Decoded(name)}' (or the name fits more than one)", $"name it by slug; known slugs: {string.Join(", ", (host.Current?.Worktrees ?? []).Select(w => w.Slug))}"),
        GatewayJson.Default.Message, statusCode: StatusCodes.Status404NotFound);

    /// <summary>Server-sent events: the whole list now, then again on every change, until the page or grove up goes.</summary>
    private static async Task StreamAsync(HttpContext context, IGroveHost host)
    {
        var stopping = context.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = both.Token;
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var snapshots = host.WatchAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        Task<bool>? next = null;
        try
        {
            var written = host.Current;
            await WriteAsync(context, List(written), cancellationToken).ConfigureAwait(false);
            next = snapshots.MoveNextAsync().AsTask();
            while (!cancellationToken.IsCancellationRequested)
            {
                // Nothing new for a while: the list again, as a keep-alive.
                if (await Task.WhenAny(next, Task.Delay(KeepAlive, cancellationToken)).ConfigureAwait(false) == next)
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        break; // the host stopped
                    }

                    next = snapshots.MoveNextAsync().AsTask();
                    if (host.Current is { } current && current.Version == written?.Version)
                    {
                        continue; // already sent (the subscription begins with the current snapshot)
                    }
                }

                written = host.Current;
                await WriteAsync(context, List(written), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
        finally
        {
            await both.CancelAsync().ConfigureAwait(false);
            if (next is not null)
            {
                await next.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false); // ends on the cancellation
            }

            await snapshots.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(HttpContext context, List<WorktreeJson> list, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(list, ContractJson.Compact.ListWorktreeJson);
        await context.Response.WriteAsync($"data: {json}\n\n", cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
