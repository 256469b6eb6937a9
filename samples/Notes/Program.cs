using System.Text.Encodings.Web;
using Notes;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // not a line per health check
builder.Services.AddSingleton<NotesDatabase>();
var app = builder.Build();
var database = app.Services.GetRequiredService<NotesDatabase>();
await database.EnsureCreatedAsync(CancellationToken.None);

var branch = app.Configuration["GROVE_BRANCH"] ?? "(not run by Grove)";
var slug = app.Configuration["GROVE_SLUG"] ?? "local";

app.MapDefaultEndpoints();
app.MapGet("/api/info", () => new { branch, slug, database = database.Provider });
app.MapGet("/api/notes", (CancellationToken ct) => database.ListAsync(ct));
app.MapPost("/api/notes", async (NoteInput input, CancellationToken ct) =>
    string.IsNullOrWhiteSpace(input.Text)
        ? Results.BadRequest(new { error = "text is required" })
        : Results.Created("/api/notes", await database.AddAsync(input.Text.Trim(), ct)));
app.MapPost("/notes", async (HttpRequest request, CancellationToken ct) =>
{
    var form = await request.ReadFormAsync(ct);
    var text = form["text"].ToString();
    if (!string.IsNullOrWhiteSpace(text))
    {
        await database.AddAsync(text.Trim(), ct);
    }

    return Results.Redirect("/");
}).DisableAntiforgery();
app.MapGet("/", async (CancellationToken ct) =>
{
    var html = HtmlEncoder.Default;
    var items = string.Concat((await database.ListAsync(ct)).Select(n => $"<li>{html.Encode(n.Text)}</li>"));
    return Results.Content($"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Notes · {html.Encode(branch)}</title></head>
        <body>
          <h1>Notes</h1>
          <p>Served from branch <strong id="branch">{html.Encode(branch)}</strong> (worktree <code>{html.Encode(slug)}</code>, {database.Provider} database).</p>
          <ul id="notes">{items}</ul>
          <form method="post" action="/notes"><input name="text" aria-label="note"> <button>Add</button></form>
        </body></html>
        """, "text/html");
});

app.Run();

internal sealed record NoteInput(string? Text);
