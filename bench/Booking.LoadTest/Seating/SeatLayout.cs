namespace Booking.LoadTest;

/// <summary>One row of a showtime: its label and seat count (seats are <c>{Label}1</c>..<c>{Label}{Seats}</c>).</summary>
public sealed record SeatRow(string Label, int Seats);

/// <summary>The seats of the showtimes the load generator creates: full rows of <c>rowSize</c>, the last one shorter.</summary>
public sealed class SeatLayout
{
    public SeatLayout(int seats, int rowSize)
    {
        var rows = new List<SeatRow>();
        for (var left = seats; left > 0; left -= rowSize)
        {
            rows.Add(new SeatRow(RowLabel(rows.Count), Math.Min(left, rowSize)));
        }

        Rows = rows;
        TotalSeats = seats;
    }

    public IReadOnlyList<SeatRow> Rows { get; }

    public int TotalSeats { get; }

    /// <summary>A, B, ..., Z, AA, AB, ...</summary>
    public static string RowLabel(int index) =>
        index < 26 ? ((char)('A' + index)).ToString() : RowLabel((index / 26) - 1) + (char)('A' + (index % 26));

    /// <summary>A random block of 1 to 4 adjacent seats in a random row, as a herd buyer would pick blindly.</summary>
    public string[] RandomBlock(Random random)
    {
        var row = Rows[random.Next(Rows.Count)];
        var size = Math.Min(random.Next(1, 5), row.Seats);
        var first = random.Next(1, row.Seats - size + 2);
        return Block(row.Label, first, size);
    }

    public static string[] Block(string row, int first, int size)
    {
        var seats = new string[size];
        for (var i = 0; i < size; i++)
        {
            seats[i] = row + (first + i);
        }

        return seats;
    }
}

/// <summary>
/// Hands out blocks of adjacent seats that nobody else asked for, row by row, so that requests spread over many
/// showtimes measure the commit path and not the gate. Not thread-safe: plans are made before the clock starts, or
/// under the caller's lock.
/// </summary>
public sealed class SeatAllocator(SeatLayout layout)
{
    private int _row;
    private int _next = 1;


    /// <summary>
    /// The next <paramref name="size"/> adjacent seats in one row (fewer when only the end of a row is left, so rows
    /// fill up completely), or null when the showtime is full.
    /// </summary>
    public string[]? Take(int size)
    {
        if (_row >= layout.Rows.Count)
        {
            return null;
        }

        var row = layout.Rows[_row];
        var take = Math.Min(size, row.Seats - _next + 1);
        var block = SeatLayout.Block(row.Label, _next, take);
        _next += take;
        if (_next > row.Seats)
        {
            _row++;
            _next = 1;
        }

        return block;
    }
}
