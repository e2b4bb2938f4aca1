using System.Text.Json;
using System.Text.Json.Nodes;

namespace Booking.LoadTest;

/// <summary>The printed tables and the JSON file of a run.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine(new string('-', Math.Min(title.Length, 100)));
    }

    public static void Line(string label, string value) => Console.WriteLine($"  {label,-44} {value}");

    /// <summary><paramref name="value"/> as a share of <paramref name="ceiling"/>, e.g. <c>0.43x</c>.</summary>
    public static string Ratio(double value, double ceiling) => ceiling > 0 ? $"{value / ceiling:0.00}x" : "n/a";

    public static double? RatioValue(double value, double ceiling) => ceiling > 0 ? Math.Round(value / ceiling, 3) : null;

    public static void Write(string path, JsonObject result)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, result.ToJsonString(Indented));
        Console.WriteLine($"  figures written to {path}");
    }
}
