using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Booking.LoadTest;
using Booking.LoadTest.Data;
using Booking.LoadTest.Measure;
using Booking.LoadTest.Scenarios;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    if (ex.Message.Length > 0)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine();
    }

    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

Console.WriteLine($"Load average at start: {ProcessSampler.LoadAverage()} (a 2-core machine shared with other work shows it here)");
Console.WriteLine($"Booking.LoadTest {options.Scenario}{(options.Smoke ? " (smoke)" : "")}: ingress {options.Ingress}, realtime {options.Realtime?.ToString() ?? "none"}, " +
                  $"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");

using var api = new BookingApi(options.Ingress, options.Connections, TimeSpan.FromSeconds(options.RequestTimeoutSeconds));
var run = new RunContext(options, api, new BookingDatabase(options.Postgres), new ProcessSampler(options.Processes));
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

var scenarios = options.Scenario == "all" ? ["herd", "many-sales", "mixed"] : new[] { options.Scenario };
var ok = true;
try
{
    using (var setup = CancellationTokenSource.CreateLinkedTokenSource(interrupted.Token))
    {
        setup.CancelAfter(TimeSpan.FromSeconds(30) + options.Settle);
        await run.InitializeAsync(setup.Token);
        if (!options.Cold)
        {
            await run.WarmUpAsync(setup.Token);
        }
    }

    foreach (var scenario in scenarios)
    {
        // Nothing of a scenario runs past its hard deadline: every request and wait takes this token.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(interrupted.Token);
        deadline.CancelAfter(options.Deadline);
        var (json, passed) = scenario switch
        {
            "herd" => await HerdScenario.RunAsync(run, deadline.Token),
            "many-sales" => await ManySalesScenario.RunAsync(run, deadline.Token),
            "mixed" => await MixedScenario.RunAsync(run, deadline.Token),
            "gate" => await GateOnlyAsync(run, deadline.Token),
            _ => await BaselineOnlyAsync(run, deadline.Token),
        };
        json["machine"] = new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["startedUtc"] = DateTime.UtcNow,
            ["smoke"] = options.Smoke,
            ["deadlineReached"] = deadline.IsCancellationRequested,
        };
        if (deadline.IsCancellationRequested)
        {
            Console.WriteLine($"  the hard deadline ({options.DeadlineSeconds:0} s) or an interrupt cut '{scenario}' short");
            passed = false;
        }

        var path = options.JsonPath is { } given
            ? (scenarios.Length > 1 ? Path.Combine(Path.GetDirectoryName(given) ?? "", $"{Path.GetFileNameWithoutExtension(given)}-{scenario}{Path.GetExtension(given)}") : given)
            : Path.Combine("bench", "results", $"{scenario}{(options.Smoke ? "-smoke" : "")}.json");
        Report.Write(path, json);
        Console.WriteLine(passed ? $"  {scenario}: OK" : $"  {scenario}: FAILED (see above)");
        ok &= passed;
    }
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted.");
    return 1;
}
catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or Npgsql.NpgsqlException or OperationCanceledException)
{
    Console.Error.WriteLine($"Load test failed: {ex.Message}");
    return 1;
}

return ok ? 0 : 1;

static async Task<(JsonObject, bool)> GateOnlyAsync(RunContext run, CancellationToken deadline)
{
    var (_, auths) = await run.CustomersAsync("gate", Math.Min(1000, run.Options.BaselineRequests), deadline);
    var baseline = await run.BaselineAsync(run.Options.BaselineRequests, run.Concurrency, deadline);
    var gate = await HerdScenario.GatePathAsync(run, baseline, auths, deadline);
    var (violations, stored) = await run.Database.CheckInvariantsAsync(gate.Showtimes, gate.Accepted, deadline);
    HerdScenario.PrintInvariants(violations, gate.Accepted.Count, stored);
    return (new JsonObject
    {
        ["scenario"] = "gate",
        ["baseline"] = baseline.ToJson(),
        ["gatePath"] = gate.Json,
        ["invariantViolations"] = new JsonArray([.. violations.Select(v => (JsonNode?)v)]),
    }, gate.Ok && violations.Count == 0);
}

static async Task<(JsonObject, bool)> BaselineOnlyAsync(RunContext run, CancellationToken deadline)
{
    var baseline = await run.BaselineAsync(run.Options.BaselineRequests, run.Concurrency, deadline);
    return (new JsonObject { ["scenario"] = "baseline", ["baseline"] = baseline.ToJson() }, baseline.Outcomes.Of(200) > 0);
}
