namespace Grove.Gateway.Pages;

/// <summary>
/// <c>http://localhost:&lt;port&gt;/</c>: every worktree with state, health, links, branch and
/// database and pull request, kept live by the <c>/_grove/events</c> stream (no reload needed).
/// </summary>
internal static class LandingPage
{
    public static string Render() => StatusPages.Page("Worktrees", """
        <p id="summary">Loading…</p>
        <table id="worktrees" style="border-collapse:collapse;width:100%">
          <thead><tr><th align="left">Worktree</th><th align="left">Branch</th><th align="left">State</th><th align="left">Health</th>
          <th align="left">Gateway URL</th><th align="left">Direct URL</th><th align="left">Database</th><th align="left">Pull request</th></tr></thead>
          <tbody></tbody>
        </table>
        <p style="color:#666">Live: this page follows <code>/_grove/events</code>. Agents: <code>GET /_grove/worktrees</code>.</p>
        <script>
        const body = document.querySelector('#worktrees tbody');
        const summary = document.getElementById('summary');
        function cell(row, text, href) {
          const td = row.insertCell();
          if (href) { const a = document.createElement('a'); a.href = href; a.textContent = text; td.appendChild(a); }
          else { td.textContent = text; }
          return td;
        }
        function render(worktrees) {
          body.replaceChildren();
          for (const w of worktrees) {
            const row = body.insertRow();
            row.dataset.slug = w.slug;
            row.className = 'worktree';
            cell(row, w.slug + (w.primary ? ' (primary)' : ''));
            cell(row, w.branch ?? '(detached)');
            const state = cell(row, w.state + (w.stateReason ? ': ' + w.stateReason : ''));
            state.className = 'state';
            if (w.warning) { const warning = document.createElement('div'); warning.className = 'warning'; warning.style.color = '#b45309'; warning.textContent = '⚠ ' + w.warning; state.appendChild(warning); }
            cell(row, w.health).className = 'health';
            const gateway = 'http://' + w.slug + '.localhost:' + location.port + '/';
            cell(row, gateway, gateway).className = 'gateway';
            cell(row, w.url, w.url);
            cell(row, w.database ? w.database.provider + ' ' + w.database.name : '—');
            const pr = w.pullRequest;
            cell(row, pr ? '#' + pr.number + ' ' + pr.state + (pr.checks === 'none' ? '' : ', checks ' + pr.checks) : '—', pr ? pr.url : null).className = 'pull-request';
          }
          const running = worktrees.filter(w => w.state === 'running').length;
          summary.textContent = worktrees.length + ' worktree(s), ' + running + ' running';
        }
        const events = new EventSource('/_grove/events');
        events.onmessage = e => render(JSON.parse(e.data));
        events.onerror = () => { summary.textContent = 'Lost contact with grove up; retrying…'; };
        </script>
        """);
}
