// `dotnet run --project AppHost`: the Aspire dashboard with every worktree of this repository as
// a live resource (its state, URLs, logs and commands), each app run by Grove on its own port
// with its own database. `dotnet run --project AppHost -- --repo <path>` runs another repository;
// `-- --gateway-port <port>` overrides grove.json's gateway.port.
using System.Globalization;

var builder = DistributedApplication.CreateBuilder(args);

var repository = builder.Configuration["repo"] is { Length: > 0 } repo ? Path.GetFullPath(repo) : builder.AppHostDirectory;
var grove = builder.AddGrove("grove", repository);
if (builder.Configuration["gateway-port"] is { Length: > 0 } gatewayPort)
{
    grove.WithGatewayPort(int.Parse(gatewayPort, CultureInfo.InvariantCulture));
}

builder.Build().Run();
