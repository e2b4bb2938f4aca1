using System.Globalization;
using System.Net;
using Npgsql;

namespace Booking.LoadTest;

/// <summary>The command line of the load generator; defaults match <c>scripts/run-distributed.sh</c>.</summary>
public sealed class LoadOptions
{
    public const string Usage = """
        Booking.LoadTest: plays a sale against a RUNNING Booking system (ingress, worker, realtime) on loopback.

          dotnet run -c Release --project bench/Booking.LoadTest -- SCENARIO [options]

        Scenarios (each runs the /health/live baseline first, in the same run):
          herd        N buyers released at once on one showtime, then the gate path (taken seats -> 409)
          many-sales  buyers spread over many showtimes: commit throughput
          mixed       open-loop holds, confirms, cancels and seat-map reads at a fixed rate
          gate        the gate path alone
          baseline    GET /health/live alone
          all         herd, many-sales and mixed, one after another

        Targets (loopback only; anything else is refused):
          --ingress URL            http://127.0.0.1:5080
          --realtime URL|none      http://127.0.0.1:5081 (outcomes are observed on the hub; none: from the database)
          --worker URL             http://127.0.0.1:5082 (mixed reads its /metrics, with the others', for where a hold waits)
          --postgres CONNSTR       $ConnectionStrings__Postgres, else Host=127.0.0.1;Port=5432;Username=booking;...
        Sizes:
          --buyers N               herd 10000; many-sales 0.9 * showtimes * seats / 2.5
          --seats S                seats per showtime, 500 (rows of --row-size 25 seats)
          --attempts N             herd: tries per buyer, a fresh random block after each 409, 3
          --prime-layout           herd: one request for an unknown seat first, so the ingress has cached the layout
          --cold                   skip the warm-up walk of every path, so the first requests meet services that have
                                   served none yet, as a sale opening on freshly started services does
          --showtimes N            many-sales 200; mixed: enough for the run
          --connections N          HTTP connections to the ingress (MaxConnectionsPerServer), 512
          --concurrency N          requests in flight in closed loops (baseline, gate, many-sales), 512
          --rate N                 mixed: hold requests per second, 1000
          --confirm-share X        mixed: confirms per hold, 0.4 (of held bookings, by the clock)
          --cancel-share X         mixed: cancels per hold, 0.2
          --read-rate N            mixed: seat-map reads per second, 100
          --conditional-reads      mixed: seat-map reads send the ETag they last got (If-None-Match), as a polling
                                   browser does, so an unchanged map is answered 304 without a body
          --customers N            mixed: customers (one hub connection each), 200
          --duration SECONDS       mixed: how long the traffic runs, 30
          --max-in-flight N        mixed: requests in flight before the client drops (counted), 4000
          --baseline-requests N    baseline and gate path requests, 20000
          --gate-seats N           seats of the gate path's showtime (all held first), 100
          --hold-seconds N         hold length of the created showtimes, 600
        Bounds:
          --deadline SECONDS       hard deadline of each scenario, 300 (nothing runs past it)
          --settle SECONDS         wait for outstanding outcomes after the load, 60
          --request-timeout SECONDS  per HTTP request, 30
        Output:
          --json PATH              bench/results/SCENARIO.json (scenario name appended when 'all')
          --proc NAME=PID[+]       sample CPU and resident memory of a process (+: with its descendants); repeatable
          --seed N                 random seed, 6
          --smoke                  tiny sizes: every scenario in seconds (CI)
        Exit code: 0 when every invariant held and every accepted request reached a stored outcome, 1 otherwise,
        2 on bad arguments.
        """;

    public string Scenario { get; private set; } = "";

    public Uri Ingress { get; private set; } = new("http://127.0.0.1:5080");

    public Uri? Realtime { get; private set; } = new("http://127.0.0.1:5081");

    public Uri Worker { get; private set; } = new("http://127.0.0.1:5082");

    public string Postgres { get; private set; } =
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : "Host=127.0.0.1;Port=5432;Username=booking;Password=booking;Database=booking";

    public int? Buyers { get; private set; }

    public int Seats { get; private set; } = 500;

    public int RowSize { get; private set; } = 25;

    public int Attempts { get; private set; } = 3;

    public int? Showtimes { get; private set; }

    public int Connections { get; private set; } = 512;

    public int Concurrency { get; private set; } = 512;

    public double Rate { get; private set; } = 1000;

    public double ConfirmShare { get; private set; } = 0.4;

    public double CancelShare { get; private set; } = 0.2;

    public double ReadRate { get; private set; } = 100;

    public int Customers { get; private set; } = 200;

    public double DurationSeconds { get; private set; } = 30;

    public int MaxInFlight { get; private set; } = 4000;

    public int BaselineRequests { get; private set; } = 20000;

    public int GateSeats { get; private set; } = 100;

    public int HoldSeconds { get; private set; } = 600;

    public double DeadlineSeconds { get; private set; } = 300;

    public double SettleSeconds { get; private set; } = 60;

    public double RequestTimeoutSeconds { get; private set; } = 30;

    public string? JsonPath { get; private set; }

    public List<(string Name, int Pid, bool WithDescendants)> Processes { get; } = [];

    public int Seed { get; private set; } = 6;

    public bool Smoke { get; private set; }

    /// <summary>Herd: have the ingress cache the showtime's layout before the buyers are released.</summary>
    public bool PrimeLayout { get; private set; }

    /// <summary>Mixed: seat-map reads revalidate with the ETag they last got.</summary>
    public bool ConditionalReads { get; private set; }

    /// <summary>No warm-up walk before the first scenario: the services meet the load cold.</summary>
    public bool Cold { get; private set; }

    public TimeSpan Deadline => TimeSpan.FromSeconds(DeadlineSeconds);

    public TimeSpan Settle => TimeSpan.FromSeconds(SettleSeconds);

    /// <summary>Herd buyers.</summary>
    public int HerdBuyers => Buyers ?? (Smoke ? 400 : 10_000);

    /// <summary>Many-sales showtimes.</summary>
    public int ManySalesShowtimes => Showtimes ?? (Smoke ? 8 : 200);

    /// <summary>Many-sales buyers: about nine tenths of the seats at 2.5 seats a buyer.</summary>
    public int ManySalesBuyers => Buyers ?? (int)(0.9 * ManySalesShowtimes * Seats / 2.5);

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        var explicitSizes = new HashSet<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (options.Scenario.Length > 0)
                {
                    throw new ArgumentException($"Unexpected argument '{arg}'.");
                }

                options.Scenario = arg;
                continue;
            }

            if (arg == "--smoke")
            {
                options.Smoke = true;
                continue;
            }

            if (arg == "--prime-layout")
            {
                options.PrimeLayout = true;
                continue;
            }

            if (arg == "--conditional-reads")
            {
                options.ConditionalReads = true;
                continue;
            }

            if (arg == "--cold")
            {
                options.Cold = true;
                continue;
            }

            if (arg is "--help" or "-h")
            {
                throw new ArgumentException("");
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{arg} needs a value.");
            }

            var value = args[++i];
            explicitSizes.Add(arg);
            switch (arg)
            {
                case "--ingress": options.Ingress = Loopback(value, arg); break;
                case "--realtime": options.Realtime = value == "none" ? null : Loopback(value, arg); break;
                case "--worker": options.Worker = Loopback(value, arg); break;
                case "--postgres": options.Postgres = value; break;
                case "--buyers": options.Buyers = Int(value, arg, 1); break;
                case "--seats": options.Seats = Int(value, arg, 4); break;
                case "--row-size": options.RowSize = Int(value, arg, 4); break;
                case "--attempts": options.Attempts = Int(value, arg, 1); break;
                case "--showtimes": options.Showtimes = Int(value, arg, 1); break;
                case "--connections": options.Connections = Int(value, arg, 1); break;
                case "--concurrency": options.Concurrency = Int(value, arg, 1); break;
                case "--rate": options.Rate = Double(value, arg, 0.1); break;
                case "--confirm-share": options.ConfirmShare = Double(value, arg, 0); break;
                case "--cancel-share": options.CancelShare = Double(value, arg, 0); break;
                case "--read-rate": options.ReadRate = Double(value, arg, 0); break;
                case "--customers": options.Customers = Int(value, arg, 1); break;
                case "--duration": options.DurationSeconds = Double(value, arg, 0.5); break;
                case "--max-in-flight": options.MaxInFlight = Int(value, arg, 1); break;
                case "--baseline-requests": options.BaselineRequests = Int(value, arg, 1); break;
                case "--gate-seats": options.GateSeats = Int(value, arg, 4); break;
                case "--hold-seconds": options.HoldSeconds = Int(value, arg, 10); break;
                case "--deadline": options.DeadlineSeconds = Double(value, arg, 1); break;
                case "--settle": options.SettleSeconds = Double(value, arg, 0); break;
                case "--request-timeout": options.RequestTimeoutSeconds = Double(value, arg, 0.1); break;
                case "--json": options.JsonPath = value; break;
                case "--seed": options.Seed = Int(value, arg, 0); break;
                case "--proc": options.Processes.Add(Process(value)); break;
                default: throw new ArgumentException($"Unknown option {arg}.");
            }
        }

        if (options.Scenario is not ("herd" or "many-sales" or "mixed" or "gate" or "baseline" or "all"))
        {
            throw new ArgumentException(options.Scenario.Length == 0 ? "No scenario given." : $"Unknown scenario '{options.Scenario}'.");
        }

        if (options.Smoke)
        {
            options.ApplySmokeSizes(explicitSizes);
        }

        if (options.RowSize > 200 || (options.Seats + options.RowSize - 1) / options.RowSize > 52)
        {
            throw new ArgumentException("A showtime has at most 52 rows of at most 200 seats: raise --row-size or lower --seats.");
        }

        EnsureLocalDatabase(options.Postgres);
        return options;
    }

    /// <summary>Sizes that finish every scenario in seconds; options given explicitly win.</summary>
    private void ApplySmokeSizes(HashSet<string> given)
    {
        void Set(string name, Action apply)
        {
            if (!given.Contains(name))
            {
                apply();
            }
        }

        Set("--seats", () => Seats = 100);
        Set("--row-size", () => RowSize = 20);
        Set("--connections", () => Connections = 32);
        Set("--concurrency", () => Concurrency = 32);
        Set("--rate", () => Rate = 50);
        Set("--read-rate", () => ReadRate = 10);
        Set("--customers", () => Customers = 10);
        Set("--duration", () => DurationSeconds = 4);
        Set("--baseline-requests", () => BaselineRequests = 1000);
        Set("--gate-seats", () => GateSeats = 20);
        Set("--deadline", () => DeadlineSeconds = 90);
        Set("--settle", () => SettleSeconds = 30);
    }

    private static Uri Loopback(string value, string option)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{option} must be an absolute http(s) URL.");
        }

        if (!IsLoopbackHost(uri.Host))
        {
            throw new ArgumentException($"{option}: this load generator sends traffic only to loopback addresses, not to '{uri.Host}'.");
        }

        return uri;
    }

    private static void EnsureLocalDatabase(string connectionString)
    {
        var host = new NpgsqlConnectionStringBuilder(connectionString).Host ?? "";
        // A path is a Unix socket directory: local by definition.
        if (host.Split(',').Any(h => !h.StartsWith('/') && !IsLoopbackHost(h.Trim())))
        {
            throw new ArgumentException($"--postgres must name a loopback host, not '{host}'.");
        }
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static (string, int, bool) Process(string value)
    {
        var parts = value.Split('=', 2);
        var pid = parts.Length == 2 ? parts[1].TrimEnd('+') : "";
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(pid, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            throw new ArgumentException($"--proc takes NAME=PID or NAME=PID+ (with descendants), not '{value}'.");
        }

        return (parts[0], id, parts[1].EndsWith('+'));
    }

    private static int Int(string value, string option, int min) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var result) && result >= min
            ? result
            : throw new ArgumentException($"{option} takes a whole number of at least {min}.");

    private static double Double(string value, string option, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result) && result >= min
            ? result
            : throw new ArgumentException($"{option} takes a number of at least {min.ToString(CultureInfo.InvariantCulture)}.");
}
