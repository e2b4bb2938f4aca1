using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Booking.BrowserTests;

/// <summary>The seat-map page as a customer uses it, found by what it says (roles, labels, names), not by its markup.</summary>
public sealed partial class SeatMapPageDriver(IPage page)
{
    public IPage Page => page;

    public async Task OpenAsync(Guid showtimeId)
    {
        await page.GotoAsync($"/?showtime={showtimeId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Seats" })).ToBeVisibleAsync();
    }

    public async Task SignInAsync(string name)
    {
        await page.GetByLabel("Your name").FillAsync(name);
        await Button("Sign in").ClickAsync();
        await Expect(page.GetByText($"Booking as {name}")).ToBeVisibleAsync();
        await Expect(LiveIndicator).ToHaveTextAsync("Live");
    }

    public ILocator LiveIndicator => page.Locator("#live-text");

    /// <summary>A seat button by its accessible name, e.g. "Row C seat 4, available".</summary>
    public ILocator Seat(string row, int number, string state) =>
        page.GetByRole(AriaRole.Button, new() { Name = $"Row {row} seat {number}, {state}", Exact = true });

    public ILocator Button(string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator BookingStatus => page.Locator("#booking-status");

    public ILocator Countdown => page.GetByRole(AriaRole.Timer);

    public Task ExpectSeatAsync(string row, int number, string state) =>
        Expect(Seat(row, number, state)).ToBeVisibleAsync();

    public Task ExpectCountdownAsync() => Expect(Countdown).ToHaveTextAsync(CountdownText());

    [GeneratedRegex(@"^\d+:\d\d$")]
    private static partial Regex CountdownText();
}
