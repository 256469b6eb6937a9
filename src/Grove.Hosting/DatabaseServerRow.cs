using Aspire.Hosting.ApplicationModel;
using Grove.Worktrees;

namespace Grove.Dashboard;

/// <summary>
/// The row of the PostgreSQL server Grove runs for the repository: shown (nested under the
/// repository) while the host reports it running, hidden when it stops.
/// </summary>
internal sealed class DatabaseServerRow(string name, string parentName, ResourceNotificationService notifications)
{
    private readonly GroveDatabaseServerResource _resource = new(name);
    private DatabaseServerInfo? _shown;

    public string Name => _resource.Name;

    public async Task ApplyAsync(DatabaseServerInfo? server)
    {
        if (Equals(server, _shown))
        {
            return;
        }

        var wasShown = _shown is not null;
        _shown = server;
        if (server is not null)
        {
            await notifications.PublishUpdateAsync(_resource, s => s with
            {
                ResourceType = "PostgreSQL",
                State = new(KnownResourceStates.Running, KnownResourceStateStyles.Success),
                IsHidden = false,
                CreationTimeStamp = s.CreationTimeStamp ?? DateTime.UtcNow,
                StartTimeStamp = DateTime.UtcNow,
                StopTimeStamp = null,
                Relationships = [new RelationshipSnapshot(parentName, "Parent")],
                Properties =
                [
                    new(WorktreeProjection.ParentNameProperty, parentName),
                    new("grove.address", server.Address) { DisplayName = "Address", IsHighlighted = true },
                    new("grove.dataDirectory", server.DataDirectory) { DisplayName = "Data directory" },
                ],
            }).ConfigureAwait(false);
        }
        else if (wasShown)
        {
            await notifications.PublishUpdateAsync(_resource, s => s with
            {
                State = new(KnownResourceStates.Exited, KnownResourceStateStyles.Info),
                StopTimeStamp = DateTime.UtcNow,
                IsHidden = true,
            }).ConfigureAwait(false);
        }
    }
}
