using Grove.Supervision;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Grove.Contracts;
using Grove.State;
using Grove.Worktrees;

namespace Grove.Cli;

/// <summary>
/// The repository's running <c>grove up</c>, reached through the agent API on its gateway
/// (found by the port it recorded in the state store): the CLI verbs that act on it use this.
/// </summary>
internal sealed class RunningUp : IDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly SupervisorRecord _supervisor;

    private RunningUp(SupervisorRecord supervisor, int port)
    {
        _supervisor = supervisor;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/_grove/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The running <c>grove up</c>, or null when none runs.</summary>
    public static RunningUp? TryFind(WorktreeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var supervisor = new Supervision.RunStore(catalog.Store).LiveSupervisor();
        if (supervisor is null)
        {
            return null;
        }

        return supervisor.GatewayPort is { } port
            ? new RunningUp(supervisor, port)
            : throw new GroveException(
                $"the running 'grove up' (process {supervisor.Process.Pid}) recorded no gateway port, so it cannot be reached",
                "stop it and start 'grove up' again with this version of grove");
    }

    /// <summary>The running <c>grove up</c>; a clear error when none runs.</summary>
    public static RunningUp Find(WorktreeCatalog catalog) => TryFind(catalog) ?? throw new GroveException(
        "no 'grove up' runs for this repository",
        "start it with 'grove up' (in another terminal or in the background)");

    /// <summary>Asks for <paramref name="verb"/> (restart, stop, …) on a worktree's app; returns grove up's answer.</summary>
    public async Task<string> PostAsync(string slug, string verb, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(AnswerTimeout);
        try
        {
            // Should grove up read it only after this command has given up (it was frozen), it does nothing.
            var request = new HttpRequestMessage(HttpMethod.Post, $"worktrees/{Uri.EscapeDataString(slug)}/{verb}");
            request.Headers.Add(Gateway.Api.ApiHeaders.Expires, (DateTimeOffset.UtcNow + AnswerTimeout).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            using var response = await SendAsync(request, limit.Token).ConfigureAwait(false);
            var (text, fix) = await MessageAsync(response, limit.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? text : throw new GroveException(text, fix);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"no answer within {AnswerTimeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>Waits (up to <paramref name="timeout"/>) until the worktree's app runs, or has settled otherwise; returns it as grove up sees it.</summary>
    public async Task<WorktreeJson> WaitAsync(string slug, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout + AnswerTimeout);
        var seconds = timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        try
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"worktrees/{Uri.EscapeDataString(slug)}/wait?timeout={seconds}"), limit.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)
            {
                await using var body = await response.Content.ReadAsStreamAsync(limit.Token).ConfigureAwait(false);
                return await JsonSerializer.DeserializeAsync(body, ContractJson.Default.WorktreeJson, limit.Token).ConfigureAwait(false)
                    ?? throw new GroveException("'grove up' answered the wait with an empty body", "try again; if it persists, restart 'grove up'");
            }

            var (text, fix) = await MessageAsync(response, limit.Token).ConfigureAwait(false);
            throw new GroveException(text, fix);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"no answer within {(timeout + AnswerTimeout).TotalSeconds:0} s", ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw Unreachable(ex.Message, ex);
            }
        }
    }

    private GroveException Unreachable(string why, Exception inner) => new(
        $"'grove up' (process {_supervisor.Process.Pid}) does not answer on its gateway {_http.BaseAddress}: {why}",
        "check that 'grove up' still runs and is not stuck (its terminal shows what it does); restart it if needed", inner);

    /// <summary>The agent API's answer: <c>{ "text": …, "fix": … }</c>.</summary>
    private static async Task<(string Text, string? Fix)> MessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var text = root.TryGetProperty("text", out var t) ? t.GetString() : null;
            var fix = root.TryGetProperty("fix", out var f) ? f.GetString() : null;
            return (text ?? $"'grove up' answered {(int)response.StatusCode}", fix);
        }
        catch (JsonException)
        {
            return ($"'grove up' answered {(int)response.StatusCode} {response.ReasonPhrase}: {body.Trim()}", "check 'grove up' is this version of grove");
        }
    }
}
