using System.Net.Http.Json;
using System.Text.Json;
using Booking.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Booking.BrowserTests;

/// <summary>The seat-map page in headless Chromium against a real standalone process.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SeatMapPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Should_show_one_customers_hold_and_sale_to_another_live_when_both_watch_the_seat_map()
    {
        var showtimeId = await CreateShowtimeAsync(("A", 8), ("B", 10), ("C", 10), ("D", 12), ("E", 12), ("F", 12));
        var alice = new SeatMapPageDriver(await browser.NewCustomerPageAsync());
        var bob = new SeatMapPageDriver(await browser.NewCustomerPageAsync());
        await alice.OpenAsync(showtimeId);
        await alice.SignInAsync("alice");
        await bob.OpenAsync(showtimeId);
        await bob.SignInAsync("bob");
        await bob.Page.EvaluateAsync("window.notReloaded = true");

        await alice.Seat("D", 6, "available").ClickAsync();
        await alice.Seat("D", 7, "available").ClickAsync();
        await alice.ExpectSeatAsync("D", 7, "selected");
        await alice.Button("Hold 2 seats").ClickAsync();

        await Expect(alice.BookingStatus).ToHaveTextAsync("Held for you");
        await alice.ExpectSeatAsync("D", 6, "yours, held");
        await alice.ExpectCountdownAsync();
        await bob.ExpectSeatAsync("D", 6, "held by someone else");
        await bob.ExpectSeatAsync("D", 7, "held by someone else");
        await bob.ExpectSeatAsync("D", 8, "available");
        await alice.Page.ScreenshotAsync(new() { Path = browser.Artifact("seat-map-held-alice.png"), FullPage = true });
        await bob.Page.ScreenshotAsync(new() { Path = browser.Artifact("seat-map-held-bob.png"), FullPage = true });

        await alice.Button("Confirm purchase").ClickAsync();

        await Expect(alice.BookingStatus).ToHaveTextAsync("Confirmed: the seats are yours");
        await alice.ExpectSeatAsync("D", 6, "yours, bought");
        await bob.ExpectSeatAsync("D", 6, "sold");
        await bob.ExpectSeatAsync("D", 7, "sold");
        Assert.True(await bob.Page.EvaluateAsync<bool>("window.notReloaded === true"), "Bob's page was reloaded");
        await alice.Page.ScreenshotAsync(new() { Path = browser.Artifact("seat-map-sold-alice.png"), FullPage = true });
        await bob.Page.ScreenshotAsync(new() { Path = browser.Artifact("seat-map-sold-bob.png"), FullPage = true });
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_hold_and_cancel_seats_when_the_customer_uses_only_the_keyboard()
    {
        var showtimeId = await CreateShowtimeAsync(("A", 6), ("B", 6));
        var carol = new SeatMapPageDriver(await browser.NewCustomerPageAsync());
        var page = carol.Page;
        await carol.OpenAsync(showtimeId);
        await page.GetByLabel("Your name").FocusAsync();
        await page.Keyboard.TypeAsync("carol");
        await page.Keyboard.PressAsync("Enter");
        await Expect(carol.LiveIndicator).ToHaveTextAsync("Live");

        await TabUntilAsync(page, "document.activeElement?.classList.contains('seat')");
        Assert.Equal("Row A seat 1, available", await FocusedNameAsync(page));
        Assert.Equal("solid", await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal("Row B seat 2, available", await FocusedNameAsync(page));
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Enter");
        await carol.ExpectSeatAsync("B", 2, "selected");
        await carol.ExpectSeatAsync("B", 3, "selected");
        await TabUntilAsync(page, "document.activeElement?.textContent === 'Hold 2 seats'");
        await page.Keyboard.PressAsync("Enter");

        await Expect(carol.BookingStatus).ToHaveTextAsync("Held for you");
        await carol.ExpectSeatAsync("B", 2, "yours, held");
        await Expect(carol.Button("Confirm purchase")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(carol.Button("Cancel hold")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(carol.BookingStatus).ToHaveTextAsync("Cancelled");
        await carol.ExpectSeatAsync("B", 2, "available");
        await carol.ExpectSeatAsync("B", 3, "available");
        await Expect(carol.Button("Book more seats")).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_fit_every_seat_on_the_screen_when_the_phone_is_375_pixels_wide()
    {
        var showtimeId = await CreateShowtimeAsync(("A", 8), ("B", 10), ("C", 12), ("D", 12), ("E", 12));
        var dave = new SeatMapPageDriver(await browser.NewCustomerPageAsync(375, 812));
        await dave.OpenAsync(showtimeId);
        await dave.SignInAsync("dave");
        await dave.Seat("C", 12, "available").ClickAsync();
        await dave.Button("Hold 1 seat").ClickAsync();
        await Expect(dave.BookingStatus).ToHaveTextAsync("Held for you");

        var pageWidth = await dave.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var seatMapOverflow = await dave.Page.EvaluateAsync<int>("(() => { const m = document.getElementById('seat-map'); return m.scrollWidth - m.clientWidth; })()");
        var smallestSeat = await dave.Page.EvaluateAsync<double>(
            "Math.min(...[...document.querySelectorAll('.seat')].map(s => Math.min(s.getBoundingClientRect().width, s.getBoundingClientRect().height)))");
        await dave.Page.ScreenshotAsync(new() { Path = browser.Artifact("seat-map-phone.png"), FullPage = true });

        Assert.True(pageWidth <= 375, $"the page is {pageWidth}px wide on a 375px screen");
        Assert.True(seatMapOverflow <= 0, $"the seat map scrolls sideways by {seatMapOverflow}px");
        Assert.True(smallestSeat >= 24, $"the smallest seat is {smallestSeat}px, under the 24px target size");
        await dave.Page.Context.CloseAsync();
    }

    private async Task<Guid> CreateShowtimeAsync(params (string Row, int Seats)[] rows)
    {
        using var admin = await browser.Standalone.ClientAsync("admin", "admin");
        var response = await admin.Http.PostAsJsonAsync("/api/showtimes", new
        {
            movie = "Browser Test Movie",
            auditorium = "Hall 3",
            startsAt = DateTimeOffset.UtcNow.AddDays(1),
            rows = rows.Select(r => new { row = r.Row, seats = r.Seats }),
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(BookingClient.Json)).GetProperty("id").GetGuid();
    }

    private static async Task TabUntilAsync(IPage page, string condition)
    {
        for (var i = 0; i < 20; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"Boolean({condition})"))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Tab never reached an element where {condition}; focus is on {await FocusedNameAsync(page)}");
    }

    private static Task<string> FocusedNameAsync(IPage page) =>
        page.EvaluateAsync<string>("document.activeElement?.getAttribute('aria-label') || document.activeElement?.textContent || ''");
}
