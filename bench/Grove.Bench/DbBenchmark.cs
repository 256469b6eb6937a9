using System.Diagnostics;
using System.Globalization;
using Grove.Databases;
using Grove.State;
using Grove.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grove.Bench;

/// <summary>
/// Issue 3: branching a PostgreSQL template of ~20 MB, ~200 MB and ~1 GB (pgbench data) with
/// CREATE DATABASE … STRATEGY WAL_LOG and FILE_COPY, through Grove's own clone (temporary
/// name, ownership record, rename: "grove (no spare)") and by claiming a ready spare ("grove
/// (spare ready)": a rename and a record update; the refill that made the spare is timed apart),
/// against <c>pg_dump -Fc | pg_restore</c> into a new database, interleaved in the same run.
/// Goal: at ~200 MB Grove's branch (spare ready) is at least 8x faster than dump/restore. SQLite: a consistent branch (backup API) of a ~200 MB file within 3x a plain
/// copy of it. Runs on a Grove-managed server in a temp folder.
/// </summary>
internal static class DbBenchmark
{
    private const double PostgresGoal = 8;
    private const double SqliteGoal = 3;
    private const double MegabytesPerScale = 15.5; // pgbench: one scale step is 100,000 accounts

    public static async Task<bool> RunAsync(int runs, IReadOnlyList<int> sizes)
    {
        using var folder = new TempFolder("grove-bench-db");
        var local = new LocalPostgresServer(new StateStore(folder.Path));
        var (server, _) = await local.EnsureRunningAsync(null, Limit(5));
        var binaries = await PostgresBinaries.FindAsync(Limit(1));
        var met = true;
        try
        {
            Console.WriteLine($"PostgreSQL branch vs pg_dump -Fc | pg_restore, {runs} runs each, interleaved (medians)");
            Console.WriteLine($"  {"template",10} {"WAL_LOG",10} {"FILE_COPY",10} {"grove (no spare)",16} {"grove (spare ready)",19} {"dump|restore",13} {"ratio",9} {"ratio",9}   s/GB: WAL_LOG FILE_COPY grove(no spare) grove(spare ready) dump|restore");
            Console.WriteLine($"  {string.Empty,10} {string.Empty,10} {string.Empty,10} {string.Empty,16} {string.Empty,19} {string.Empty,13} {"no spare",9} {"spare",9}   (ratio: dump|restore time / grove time)");
            foreach (var megabytes in sizes)
            {
                met &= await MeasurePostgresAsync(server, binaries, megabytes, runs, folder.Path);
            }

            met &= MeasureSqlite(folder.Path, runs);
        }
        finally
        {
            await local.StopAsync(Limit(2));
        }

        Console.WriteLine(met ? "goals met" : "goal NOT met");
        return met;
    }

    private static async Task<bool> MeasurePostgresAsync(PostgresServer server, string binaries, int megabytes, int runs, string stateFolder)
    {
        var scale = Math.Max(1, (int)Math.Round(megabytes / MegabytesPerScale));
        var name = $"bench{megabytes}";
        var template = DatabaseNames.Template(name);
        await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {template} WITH (FORCE); CREATE DATABASE {template};");
        await RunAsync(binaries, server, "pgbench", ["-i", "-q", "-s", scale.ToString(CultureInfo.InvariantCulture), template]);
        await ExecuteAsync(server, "CHECKPOINT;");
        var bytes = await ScalarAsync<long>(server, $"SELECT pg_database_size('{template}');");
        var ownership = new OwnershipStore(new StateStore(stateFolder));
        // Recorded as Grove's template, as 'grove db template' would: spares are copies of a template Grove owns.
        var oid = await ScalarAsync<long>(server, $"SELECT oid::bigint FROM pg_database WHERE datname = '{template}';");
        ownership.Begin(new OwnedDatabase("postgres", server.Key, template, OwnedKind.Template, template, oid, null, null, "pgbench", true, DateTimeOffset.UtcNow));
        await using var brancher = new PostgresBrancher(server, ownership, TimeProvider.System);
        var pool = new SparePool(brancher, TimeProvider.System);
        var samples = new Dictionary<string, List<TimeSpan>> { ["wal"] = [], ["file"] = [], ["grove"] = [], ["spare"] = [], ["dump"] = [], ["refill"] = [] };
        var contenders = new (string Key, Func<Task> Work)[]
        {
            ("wal", () => ExecuteAsync(server, $"CREATE DATABASE b_wal TEMPLATE {template} STRATEGY WAL_LOG;")),
            ("file", () => ExecuteAsync(server, $"CREATE DATABASE b_file TEMPLATE {template} STRATEGY FILE_COPY;")),
            ("grove", () => brancher.CloneAsync(name, template, "b_grove", "/bench", "bench", null, Limit(10))),
            ("spare", () => ClaimAsync(pool, name, "b_spare")),
            ("dump", () => DumpRestoreAsync(server, binaries, template, "b_dump")),
        };
        for (var run = 0; run < runs; run++)
        {
            // Each run starts from a checkpoint, in a rotated order, so no contender always pays
            // for the WAL the one before it wrote.
            for (var i = 0; i < contenders.Length; i++)
            {
                var (key, work) = contenders[(i + run) % contenders.Length];
                if (key == "spare")
                {
                    // What grove up (or the previous grove command) did in the background; timed apart.
                    samples["refill"].Add(await TimeAsync(() => RefillAsync(pool, brancher, name, template)));
                }

                await ExecuteAsync(server, "CHECKPOINT;");
                samples[key].Add(await TimeAsync(work));
            }

            await brancher.DropOwnedAsync("b_grove", Limit(2));
            await brancher.DropOwnedAsync("b_spare", Limit(2));
            await ExecuteAsync(server, "DROP DATABASE b_wal WITH (FORCE); DROP DATABASE b_file WITH (FORCE); DROP DATABASE b_dump WITH (FORCE);");
        }

        await ExecuteAsync(server, $"DROP DATABASE {template} WITH (FORCE);");
        ownership.Remove("postgres", server.Key, template);
        var median = samples.ToDictionary(s => s.Key, s => Measure.Median(s.Value) / 1000);
        var ratio = median["dump"] / median["spare"];
        var direct = median["dump"] / median["grove"];
        var gigabytes = bytes / 1073741824.0;
        string PerGb(string key) => (median[key] / gigabytes) is var perGb && perGb < 1 ? perGb.ToString("0.000", CultureInfo.InvariantCulture) : perGb.ToString("0.00", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {bytes / 1048576.0,7:0} MB {median["wal"],9:0.000}s {median["file"],9:0.000}s {median["grove"],15:0.000}s {median["spare"],18:0.0000}s {median["dump"],12:0.000}s {Measure.Ratio(direct),9} {Measure.Ratio(ratio),9}   {PerGb("wal")} {PerGb("file")} {PerGb("grove")} {PerGb("spare")} {PerGb("dump")}"));
        string Spread(string key) => string.Create(CultureInfo.InvariantCulture, $"{samples[key].Min().TotalSeconds:0.0000}-{samples[key].Max().TotalSeconds:0.0000}s");
        Console.WriteLine($"             min-max: WAL_LOG {Spread("wal")}, FILE_COPY {Spread("file")}, grove (no spare) {Spread("grove")}, grove (spare ready) {Spread("spare")}, dump|restore {Spread("dump")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"             refill (making the next spare, in the background): median {median["refill"]:0.000}s, {Spread("refill")}, {median["refill"] / gigabytes:0.00} s/GB"));
        var goalApplies = megabytes is >= 100 and <= 400;
        if (goalApplies)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ~200 MB: grove branch with a spare ready is {ratio:0.0}x faster than dump/restore (goal >= {PostgresGoal:0}x: {(ratio >= PostgresGoal ? "met" : "NOT met")}); without a ready spare (direct copy) it is {direct:0.0}x"));
        }

        return !goalApplies || ratio >= PostgresGoal;
    }

    /// <summary>Makes sure exactly one spare of the current template is ready (what the claim then takes).</summary>
    private static async Task RefillAsync(SparePool pool, PostgresBrancher brancher, string name, string template)
    {
        while (await pool.RefillOneAsync(name, 1, null, Limit(10)))
        {
        }

        var current = SparePool.Tag((await brancher.FindOwnedAsync(template, Limit(1)))!);
        var spare = brancher.RecordedSpares(name).SingleOrDefault();
        if (spare is null || spare.SeedHash != current || await brancher.FindOwnedAsync(spare.Name, Limit(1)) is null)
        {
            throw new InvalidOperationException($"no spare of the current template {template} is ready");
        }
    }

    private static async Task ClaimAsync(SparePool pool, string name, string target)
    {
        if (!await pool.ClaimAsync(name, target, "/bench", "bench-spare", null, Limit(2)))
        {
            throw new InvalidOperationException("the ready spare was not claimed");
        }
    }

    private static bool MeasureSqlite(string folder, int runs)
    {
        var source = Path.Combine(folder, "bench.db");
        using (var connection = new SqliteConnection($"Data Source={source};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
                INSERT INTO rows (payload) SELECT randomblob(1000) FROM n;
                PRAGMA wal_checkpoint(TRUNCATE);
                """;
            command.ExecuteNonQuery();
        }

        var size = new FileInfo(source).Length;
        var copy = new List<TimeSpan>();
        var live = new List<TimeSpan>();
        var fromTemplate = new List<TimeSpan>();
        var stateFolder = Path.Combine(folder, "state");
        var brancher = new SqliteBrancher(stateFolder, "bench", new OwnershipStore(new StateStore(stateFolder)), TimeProvider.System);
        Directory.CreateDirectory(brancher.Folder);
        File.Copy(source, brancher.TemplatePath);
        for (var run = 0; run < runs; run++)
        {
            var copied = Path.Combine(folder, "copy.db");
            var branched = Path.Combine(folder, "branch.db");
            copy.Add(Time(() => File.Copy(source, copied, overwrite: true)));
            live.Add(Time(() => SqliteBrancher.Copy(source, branched)));
            fromTemplate.Add(Time(() => brancher.Branch(brancher.TemplatePath, "bench", "/bench", null, CancellationToken.None)));
            File.Delete(copied);
            File.Delete(branched);
            brancher.Drop("bench");
        }

        var plain = Measure.Median(copy);
        var liveRatio = Measure.Median(live) / plain;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SQLite {size / 1048576.0:0} MB, {runs} runs (medians): plain file copy {plain / 1000:0.000}s; branch of a live WAL file (backup API) {Measure.Median(live) / 1000:0.000}s = {Measure.Ratio(liveRatio)}; branch from the template (grove db reset/new) {Measure.Median(fromTemplate) / 1000:0.000}s = {Measure.Ratio(Measure.Median(fromTemplate) / plain)} (goal <= {SqliteGoal:0}x)"));
        return liveRatio <= SqliteGoal;
    }

    /// <summary><c>pg_dump -Fc source | pg_restore -d target</c>, piped here rather than through a shell; target created first.</summary>
    private static async Task DumpRestoreAsync(PostgresServer server, string binaries, string source, string target)
    {
        await ExecuteAsync(server, $"CREATE DATABASE {target};");
        using var dump = Start(binaries, server, "pg_dump", ["-Fc", source], redirectInput: false);
        using var restore = Start(binaries, server, "pg_restore", ["-d", target], redirectInput: true);
        var errors = Task.WhenAll(dump.StandardError.ReadToEndAsync(), restore.StandardError.ReadToEndAsync(), restore.StandardOutput.ReadToEndAsync());
        await dump.StandardOutput.BaseStream.CopyToAsync(restore.StandardInput.BaseStream);
        restore.StandardInput.Close();
        var timeout = Limit(20);
        await dump.WaitForExitAsync(timeout);
        await restore.WaitForExitAsync(timeout);
        var output = await errors;
        if (dump.ExitCode != 0 || restore.ExitCode != 0)
        {
            throw new InvalidOperationException($"dump/restore failed: {output[0]} {output[1]}");
        }
    }

    private static Process Start(string binaries, PostgresServer server, string program, IReadOnlyList<string> arguments, bool redirectInput)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.Base);
        var info = new ProcessStartInfo(Path.Combine(binaries, program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PGPASSWORD"] = builder.Password;
        return Process.Start(info)!;
    }

    private static async Task RunAsync(string binaries, PostgresServer server, string program, IReadOnlyList<string> arguments)
    {
        using var process = Start(binaries, server, program, arguments, redirectInput: false);
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync(Limit(10));
        var text = await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {text[1]}");
        }
    }

    private static async Task ExecuteAsync(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.Admin());
        await connection.OpenAsync();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<T> ScalarAsync<T>(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.Admin());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed;
    }

    private static TimeSpan Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed;
    }

    private static CancellationToken Limit(int minutes) => Bounded.Token(TimeSpan.FromMinutes(minutes));
}
