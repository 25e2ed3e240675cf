using Bunit;
using ImagePipeline.Tests.Gallery;
using ImagePipeline.Web.Api;
using ImagePipeline.Web.Components.Gallery;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ImagePipeline.Tests.Components;

public sealed class TimelineViewTests : BunitContext
{
    public TimelineViewTests()
    {
        Services.AddMudServices();
        Services.AddSingleton(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Renders_day_headings_lazy_thumbnails_and_only_the_first_screen_of_a_large_library()
    {
        var start = new DateTime(2026, 6, 30, 12, 0, 0);
        var photos = Enumerable.Range(0, 3000).Select(i => TimelineLayoutTests.Photo(start.AddHours(-3 * i), start)).ToList();
        var cut = Render<TimelineView>(p => p.Add(x => x.Images, photos).Add(x => x.Selection, new SelectionModel()));

        var tiles = cut.FindAll("[data-testid=gallery-tile]");
        Assert.InRange(tiles.Count, 1, 200); // not 3,000
        Assert.Equal(photos[0].ImageId.ToString(), tiles[0].GetAttribute("data-image-id"));
        Assert.All(cut.FindAll("[data-testid=gallery-tile] img"), img => Assert.Equal("lazy", img.GetAttribute("loading")));
        Assert.Contains("June 2026", cut.Find("[data-testid=timeline-month]").TextContent);
        Assert.True(cut.FindAll("[data-testid=scrubber-month]").Count >= 12);
    }

    [Fact]
    public void Check_clicks_shift_clicks_and_day_headings_drive_the_selection()
    {
        var day1 = new DateTime(2026, 6, 30, 12, 0, 0);
        var photos = Enumerable.Range(0, 5).Select(i => TimelineLayoutTests.Photo(day1.AddMinutes(-i), day1))
            .Concat(Enumerable.Range(0, 3).Select(i => TimelineLayoutTests.Photo(day1.AddDays(-1).AddMinutes(-i), day1))).ToList();
        var selection = new SelectionModel();
        var opened = new List<ImageDto>();
        var cut = Render<TimelineView>(p => p.Add(x => x.Images, photos).Add(x => x.Selection, selection).Add(x => x.OnOpen, (ImageDto i) => opened.Add(i)));

        cut.FindAll("[data-testid=tile-check]")[0].Click();
        cut.FindAll("[data-testid=tile-check]")[2].Click(new Microsoft.AspNetCore.Components.Web.MouseEventArgs { ShiftKey = true });
        Assert.Equal(photos.Take(3).Select(p => p.ImageId).Order(), selection.Ids.Order());

        // While selecting, a click on a tile selects instead of opening.
        cut.FindAll("[data-testid=gallery-tile]")[4].Click();
        Assert.Equal(4, selection.Count);
        Assert.Empty(opened);

        cut.FindAll("[data-testid=day-select]")[1].Click();
        Assert.Equal(7, selection.Count);
        Assert.Equal("true", cut.FindAll("[data-testid=day-select]")[1].GetAttribute("aria-pressed"));
        cut.Render();
        Assert.Equal(7, cut.FindAll(".gallery-tile.selected").Count);

        selection.Clear();
        cut.Render(); // the page re-renders on SelectionModel.Changed
        cut.FindAll("[data-testid=gallery-tile]")[0].Click();
        Assert.Equal([photos[0].ImageId], opened.Select(o => o.ImageId));
    }
}
