using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Booking.LoadTest.Measure;

/// <summary>Counts answers by HTTP status and failures by kind, without locks.</summary>
public sealed class Outcomes
{
    private readonly int[] _statuses = new int[600];
    private readonly ConcurrentDictionary<string, int> _errors = new();

    public void Record(in Reply reply)
    {
        if (reply.Error is { } error)
        {
            _errors.AddOrUpdate(error, 1, (_, n) => n + 1);
        }
        else if (reply.Status is > 0 and < 600)
        {
            Interlocked.Increment(ref _statuses[reply.Status]);
        }
    }

    public int Of(int status) => Volatile.Read(ref _statuses[status]);

    public int Total => _statuses.Sum() + _errors.Values.Sum();

    /// <summary>Transport failures and statuses other than <paramref name="expected"/>, by kind.</summary>
    public SortedDictionary<string, int> Unexpected(params int[] expected)
    {
        var result = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var status = 0; status < _statuses.Length; status++)
        {
            if (_statuses[status] > 0 && !expected.Contains(status))
            {
                result[$"http {status}"] = _statuses[status];
            }
        }

        foreach (var (kind, count) in _errors)
        {
            result[kind] = count;
        }

        return result;
    }

    public JsonObject ToJson()
    {
        var statuses = new JsonObject();
        for (var status = 0; status < _statuses.Length; status++)
        {
            if (_statuses[status] > 0)
            {
                statuses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = _statuses[status];
            }
        }

        var errors = new JsonObject();
        foreach (var (kind, count) in _errors.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            errors[kind] = count;
        }

        return new JsonObject { ["byStatus"] = statuses, ["errors"] = errors };
    }

    public string Describe()
    {
        var parts = new List<string>();
        for (var status = 0; status < _statuses.Length; status++)
        {
            if (_statuses[status] > 0)
            {
                parts.Add($"{status}: {_statuses[status]}");
            }
        }

        parts.AddRange(_errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}"));
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
