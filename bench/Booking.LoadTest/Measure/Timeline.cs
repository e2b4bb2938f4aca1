using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Booking.LoadTest.Measure;

/// <summary>Answers per second since the start (all, 409, 202) and holds decided by the worker per second.</summary>
public sealed class Timeline
{
    private const int Seconds = 3600;
    private readonly int[] _answers = new int[Seconds];
    private readonly int[] _conflicts = new int[Seconds];
    private readonly int[] _accepted = new int[Seconds];
    private readonly int[] _decided = new int[Seconds];
    private long _t0;
    private int _last;

    public void Start(long t0) => _t0 = t0;

    public void Record(in Reply reply)
    {
        var second = Bucket((reply.EndTicks - _t0) * 1000.0 / Stopwatch.Frequency);
        Interlocked.Increment(ref _answers[second]);
        if (reply.Status == 409)
        {
            Interlocked.Increment(ref _conflicts[second]);
        }
        else if (reply.Status == 202)
        {
            Interlocked.Increment(ref _accepted[second]);
        }
    }

    public void RecordDecided(double msSinceStart) => Interlocked.Increment(ref _decided[Bucket(msSinceStart)]);

    public void Print()
    {
        Console.WriteLine("  per second since release: answers / 409 / 202 / holds decided by the worker");
        var line = new List<string>();
        for (var s = 0; s <= _last; s++)
        {
            line.Add($"{s}s {_answers[s]}/{_conflicts[s]}/{_accepted[s]}/{_decided[s]}");
            if (line.Count == 6 || s == _last)
            {
                Console.WriteLine("    " + string.Join("  ", line));
                line.Clear();
            }
        }
    }

    public JsonArray ToJson() =>
        [.. Enumerable.Range(0, _last + 1).Select(s => (JsonNode?)new JsonObject
        {
            ["second"] = s,
            ["answers"] = _answers[s],
            ["conflicts"] = _conflicts[s],
            ["accepted"] = _accepted[s],
            ["decided"] = _decided[s],
        })];

    private int Bucket(double ms)
    {
        var second = Math.Clamp((int)(ms / 1000), 0, Seconds - 1);
        int last;
        while (second > (last = Volatile.Read(ref _last)) && Interlocked.CompareExchange(ref _last, second, last) != last)
        {
        }

        return second;
    }
}
