using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Booking.Testing;

/// <summary>
/// A worker as a real operating-system process (the built Booking.Worker.dll), so a test can kill it with SIGKILL
/// in the middle of its work, the way a crash or an OOM kill would end it, or stop it with SIGTERM, as a deploy does.
/// </summary>
public sealed partial class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HashSet<int> _attached = [];

    private WorkerProcess(Process process) => _process = process;

    public string Name { get; private init; } = "";

    /// <summary>The partitions the worker says it consumes now (from its log).</summary>
    public IReadOnlySet<int> Attached
    {
        get
        {
            lock (_attached)
            {
                return _attached.ToHashSet();
            }
        }
    }


    public string Output => string.Join('\n', _output);

    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> settings, string name)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Booking.Worker.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Worker__Partitions__WorkerId"] = name;
        start.Environment["Logging__LogLevel__Booking.Worker.Partitions"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        var worker = new WorkerProcess(Process.Start(start)!) { Name = name };
        worker._process.OutputDataReceived += (_, e) => worker.Record(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Record(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGTERM: the worker shuts down as it does when a deploy or an orchestrator stops it.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>The exit code, once the process has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>SIGKILL: no shutdown code runs, in-flight messages are left unacknowledged.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        var match = PartitionLine().Match(line);
        if (match.Success)
        {
            lock (_attached)
            {
                var partition = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (match.Groups[1].Value == "Attached to")
                {
                    _attached.Add(partition);
                }
                else
                {
                    _attached.Remove(partition);
                }
            }
        }
    }

    [GeneratedRegex("(Attached to|Detached from) partition (\\d+)")]
    private static partial Regex PartitionLine();
}
