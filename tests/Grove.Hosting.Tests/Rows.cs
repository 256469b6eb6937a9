namespace Grove.Hosting.Tests;

/// <summary>A dashboard row (a published resource snapshot) as the tests read it.</summary>
public sealed record Row(string Name, CustomResourceSnapshot Snapshot)
{
    public string? State => Snapshot.State?.Text;

    public string? Property(string name) => Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString();

    public string? Url(string name) => Snapshot.Urls.FirstOrDefault(u => u.Name == name)?.Url;
}

public static class Rows
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(2);

    /// <summary>Waits (bounded) until the row named <paramref name="name"/> satisfies <paramref name="condition"/>.</summary>
    public static async Task<Row> WaitAsync(DistributedApplication app, string name, Func<Row, bool> condition, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var timeout = new CancellationTokenSource(limit ?? DefaultLimit);
        try
        {
            var found = await app.ResourceNotifications.WaitForResourceAsync(name, e => condition(new Row(e.Resource.Name, e.Snapshot)), timeout.Token);
            return new Row(found.Resource.Name, found.Snapshot);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var now = app.ResourceNotifications.TryGetCurrentState(name, out var current) && current is not null
                ? $"state {current.Snapshot.State?.Text}, hidden {current.Snapshot.IsHidden}, properties {string.Join(", ", current.Snapshot.Properties.Select(p => $"{p.Name}={p.Value}"))}"
                : "never published";
            throw new TimeoutException($"row '{name}' did not reach the expected condition within {limit ?? DefaultLimit}: {now}");
        }
    }
}
