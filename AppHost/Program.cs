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
    grove.WithGatewayPort(int.TryParse(gatewayPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
        ? port
        : throw new ArgumentException($"--gateway-port {gatewayPort} is not a port: pass a number from 1 to 65535"));
}

builder.Build().Run();
