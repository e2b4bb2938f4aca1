namespace Booking.Core.Data;

/// <summary>A screening of a movie in an auditorium, with its own seats.</summary>
public sealed class Showtime
{
    public Guid Id { get; set; }

    public required string Movie { get; set; }

    public required string Auditorium { get; set; }

    public DateTime StartsAt { get; set; }

    /// <summary>How long a hold lasts before it expires.</summary>
    public int HoldSeconds { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// The seat-map version: rises by one for every booking change that touches this showtime's seats. It is the
    /// concurrency token of the row, and the <c>version</c> of <c>SeatsChanged</c> and of the seat map.
    /// </summary>
    public long Version { get; set; }

    public List<Seat> Seats { get; set; } = [];

    /// <summary>Adds a row of <paramref name="seats"/> available seats, <c>{row}1</c> to <c>{row}{seats}</c>.</summary>
    public void AddRow(string row, int seats)
    {
        for (var number = 1; number <= seats; number++)
        {
            Seats.Add(new Seat { SeatId = $"{row}{number}", Row = row, Number = number, Status = SeatStatus.Available });
        }
    }
}
