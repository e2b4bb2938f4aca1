using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Booking.LoadTest.Measure;

/// <summary>
/// Samples, from /proc, the CPU time and resident memory of named processes (VmRSS; for a process with its
/// descendants, e.g. PostgreSQL's backends, the sum of their Pss) and of the whole machine while a phase runs: CPU and
/// VmRSS every half second, a group's Pss every <see cref="GroupMemoryEvery"/> samples and at the phase's start and
/// end. CPU is given in percent of one core, so 200% is both cores of a 2-core machine.
/// </summary>
/// <remarks>
/// VmRSS is a counter the kernel keeps. Pss is not: reading <c>smaps_rollup</c> walks every page table of the process,
/// under the lock that the process's own page faults and mappings take. Read for every PostgreSQL backend and for
/// RabbitMQ twice a second, it was a fifth of the load generator's CPU at 1,000 holds/s, and each walk can hold up the
/// page faults of the server being measured (BENCHMARKS.md).
/// </remarks>
public sealed class ProcessSampler
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>A group's Pss is read at every this many samples (5 s), VmRSS and CPU at every one.</summary>
    private const int GroupMemoryEvery = 10;
    private readonly List<(string Name, int Pid, bool WithDescendants)> _targets;

    public ProcessSampler(IEnumerable<(string Name, int Pid, bool WithDescendants)> targets)
    {
        _targets = [.. targets, ("loadgen", Environment.ProcessId, false)];
    }


    /// <summary>Starts sampling; dispose (or <see cref="Phase.StopAsync"/>) to get the figures.</summary>
    public Phase Start(string name) => new(this, name);

    /// <summary>A sampled stretch of time.</summary>
    public sealed class Phase
    {
        private readonly ProcessSampler _sampler;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Dictionary<string, (double StartCpu, double LastCpu, long MaxRssKb, double PeakCpuPercent)> _figures = [];
        private readonly long _startTicks = Stopwatch.GetTimestamp();
        private (long Busy, long Total) _machineStart;
        private (long Busy, long Total) _machineLast;

        internal Phase(ProcessSampler sampler, string name)
        {
            _sampler = sampler;
            Name = name;
            _machineStart = _machineLast = MachineCpu();
            foreach (var (target, cpu, rss) in sampler.Read(groupMemory: true))
            {
                _figures[target] = (cpu, cpu, rss, 0);
            }

            _loop = LoopAsync();
        }

        public string Name { get; }

        public async Task<JsonObject> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            Sample(0, groupMemory: true);
            var seconds = Stopwatch.GetElapsedTime(_startTicks).TotalSeconds;
            var processes = new JsonObject();
            foreach (var (target, (startCpu, lastCpu, maxRss, peak)) in _figures.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                processes[target] = new JsonObject
                {
                    ["cpuPercentOfOneCore"] = Math.Round((lastCpu - startCpu) / seconds * 100, 1),
                    ["peakCpuPercentOfOneCore"] = Math.Round(peak, 1),
                    ["maxRssMb"] = Math.Round(maxRss / 1024.0, 1),
                };
            }

            var machine = _machineLast.Total > _machineStart.Total
                ? 100.0 * (_machineLast.Busy - _machineStart.Busy) / (_machineLast.Total - _machineStart.Total)
                : double.NaN;
            // What the machine spent on processes not sampled (other users' builds, tests, the kernel's own work):
            // a figure measured while this is large is a figure of a shared machine.
            var sampledCpu = _figures.Values.Sum(f => (f.LastCpu - f.StartCpu) / seconds * 100);
            var others = double.IsNaN(machine) ? double.NaN : Math.Max(0, (machine * Environment.ProcessorCount) - sampledCpu);
            return new JsonObject
            {
                ["phase"] = Name,
                ["seconds"] = Math.Round(seconds, 2),
                ["machineCpuBusyPercent"] = double.IsNaN(machine) ? null : Math.Round(machine, 1),
                ["otherProcessesCpuPercentOfOneCore"] = double.IsNaN(others) ? null : Math.Round(others, 1),
                ["loadAverage1m"] = LoadAverage(),
                ["processes"] = processes,
            };
        }

        private async Task LoopAsync()
        {
            var interval = TimeSpan.FromMilliseconds(500);
            var last = Stopwatch.GetTimestamp();
            try
            {
                for (var samples = 1; ; samples++)
                {
                    await Task.Delay(interval, _stop.Token);
                    var now = Stopwatch.GetTimestamp();
                    Sample(Stopwatch.GetElapsedTime(last, now).TotalSeconds, groupMemory: samples % GroupMemoryEvery == 0);
                    last = now;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Sample(double seconds, bool groupMemory)
        {
            foreach (var (target, cpu, rss) in _sampler.Read(groupMemory))
            {
                if (!_figures.TryGetValue(target, out var figure))
                {
                    _figures[target] = (cpu, cpu, rss, 0);
                    continue;
                }

                var peak = seconds > 0.1 ? Math.Max(figure.PeakCpuPercent, (cpu - figure.LastCpu) / seconds * 100) : figure.PeakCpuPercent;
                _figures[target] = (figure.StartCpu, cpu, Math.Max(figure.MaxRssKb, rss), peak);
            }

            _machineLast = MachineCpu();
        }
    }

    /// <summary>Prints a phase's figures as a table.</summary>
    public static void Print(JsonObject phase)
    {
        Console.WriteLine($"  CPU and memory during '{phase["phase"]}' ({phase["seconds"]} s; machine busy {phase["machineCpuBusyPercent"]}% of all cores, " +
                          $"{phase["otherProcessesCpuPercentOfOneCore"]}% of a core on processes not listed; load average {phase["loadAverage1m"]}):");
        Console.WriteLine($"    {"process",-12} {"cpu % of 1 core",16} {"peak 0.5 s",11} {"max RSS MB",11}  (PSS for a group)");
        foreach (var (name, node) in phase["processes"]!.AsObject())
        {
            Console.WriteLine($"    {name,-12} {node!["cpuPercentOfOneCore"],16} {node["peakCpuPercentOfOneCore"],11} {node["maxRssMb"],11}");
        }
    }

    /// <summary>The 1-minute load average, or null where /proc/loadavg is missing.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The targets' CPU and memory; a group's memory only when <paramref name="groupMemory"/>, 0 otherwise.</summary>
    private IEnumerable<(string Name, double CpuSeconds, long RssKb)> Read(bool groupMemory)
    {
        Dictionary<int, List<int>>? children = null;
        foreach (var (name, pid, withDescendants) in _targets)
        {
            var pids = new List<int> { pid };
            if (withDescendants)
            {
                children ??= ChildrenByParent();
                for (var i = 0; i < pids.Count; i++)
                {
                    if (children.TryGetValue(pids[i], out var kids))
                    {
                        pids.AddRange(kids);
                    }
                }
            }

            double cpu = 0;
            long rss = 0;
            var alive = false;
            foreach (var p in pids)
            {
                if (ReadProcess(p, withDescendants ? (groupMemory ? Memory.Pss : Memory.None) : Memory.Rss) is { } figures)
                {
                    alive = true;
                    cpu += figures.CpuSeconds;
                    rss += figures.RssKb;
                }
            }

            if (alive)
            {
                yield return (name, cpu, rss);
            }
        }
    }

    /// <summary>Which memory figure <see cref="ReadProcess"/> reads.</summary>
    private enum Memory
    {
        /// <summary>None: the figure is 0.</summary>
        None,

        /// <summary>VmRSS, a counter.</summary>
        Rss,

        /// <summary>Pss, so that pages shared in a group of processes (PostgreSQL's buffers) count once; a page-table walk.</summary>
        Pss,
    }

    /// <summary>CPU seconds and the resident kB that <paramref name="memory"/> names of one process.</summary>
    private static (double CpuSeconds, long RssKb)? ReadProcess(int pid, Memory memory)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which sits in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0;
            if (memory == Memory.None)
            {
                return (ticks / ClockTicksPerSecond, rss);
            }

            var (file, field) = memory == Memory.Pss ? ($"/proc/{pid}/smaps_rollup", "Pss:") : ($"/proc/{pid}/status", "VmRSS:");
            foreach (var line in File.ReadLines(file))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                    break;
                }
            }

            return (ticks / ClockTicksPerSecond, rss);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static Dictionary<int, List<int>> ChildrenByParent()
    {
        var result = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (!result.TryGetValue(parent, out var list))
                {
                    result[parent] = list = [];
                }

                list.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
        }

        return result;
    }

    private static (long Busy, long Total) MachineCpu()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var idle = values[3] + (values.Length > 4 ? values[4] : 0);
            var total = values.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return (0, 0);
        }
    }
}
