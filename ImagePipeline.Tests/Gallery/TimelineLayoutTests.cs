using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;
using ImagePipeline.Web.Components.Gallery;

namespace ImagePipeline.Tests.Gallery;

public sealed class TimelineLayoutTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    internal static ImageDto Photo(DateTime? captured, DateTime uploaded, Guid? id = null)
    {
        var g = id ?? Guid.NewGuid();
        return new ImageDto(g, $"{g:N}.jpg", "image/jpeg", "JPEG", 1000, 100, 100, null, captured, null, null, null, ImageStatus.Stored,
            uploaded, uploaded, $"/api/images/{g}/original", $"/api/images/{g}/thumbnail?v=1", $"/api/images/{g}/preview?v=1", null);
    }

    [Fact]
    public void Groups_by_the_day_taken_else_uploaded_under_month_headings_newest_first()
    {
        var a = Photo(new DateTime(2026, 11, 27, 9, 0, 0), new DateTime(2026, 11, 27, 10, 0, 0));
        var b = Photo(null, new DateTime(2026, 11, 26, 8, 0, 0)); // no EXIF: the upload day
        var c = Photo(new DateTime(2026, 10, 3, 12, 0, 0), new DateTime(2026, 11, 26, 9, 0, 0)); // taken in October, uploaded later
        var d = Photo(new DateTime(2024, 10, 3, 7, 0, 0), new DateTime(2026, 11, 1));

        var layout = TimelineLayout.Build([a, b, c, d], 1000, Today);

        Assert.Equal(
            ["Month:November 2026", "Day:Today", "Tiles:", "Day:Yesterday", "Tiles:", "Month:October 2026", "Day:Sat, 3 Oct", "Tiles:", "Month:October 2024", "Day:Thu, 3 Oct 2024", "Tiles:"],
            layout.Rows.Select(r => $"{r.Kind}:{r.Label}"));
        Assert.Equal([a.ImageId, b.ImageId, c.ImageId, d.ImageId], layout.Order);
        Assert.Equal(["November 2026", "October 2026", "October 2024"], layout.Months.Select(m => m.Label));
        Assert.Equal([c.ImageId], layout.Day(new DateOnly(2026, 10, 3)));
    }

    [Fact]
    public void Cuts_days_into_rows_of_the_columns_that_fit_and_gives_every_row_its_offset()
    {
        var day = new DateTime(2026, 5, 1, 12, 0, 0);
        var photos = Enumerable.Range(0, 10).Select(i => Photo(day.AddMinutes(-i), day)).ToList();

        var layout = TimelineLayout.Build(photos, 620, Today); // (620 + 4) / (150 + 4) = 4 columns

        Assert.Equal(4, layout.Columns);
        Assert.Equal((620 - (3 * 4)) / 4.0, layout.TileSize);
        var tiles = layout.Rows.Where(r => r.Kind == TimelineRowKind.Tiles).ToList();
        Assert.Equal([4, 4, 2], tiles.Select(r => r.Items.Count));
        for (var i = 1; i < layout.Rows.Count; i++)
        {
            Assert.Equal(layout.Rows[i - 1].Top + layout.Rows[i - 1].Height, layout.Rows[i].Top, 6);
        }

        Assert.Equal(layout.Rows[^1].Top + layout.Rows[^1].Height, layout.TotalHeight, 6);
        Assert.Equal(3, TimelineLayout.Fit(300).Columns); // never fewer than three
    }

    [Fact]
    public void Renders_only_the_rows_in_view_for_ten_thousand_photos_and_finds_the_month_of_a_scroll_position()
    {
        var start = new DateTime(2026, 11, 27, 12, 0, 0);
        var photos = Enumerable.Range(0, 10_000).Select(i => Photo(start.AddHours(-7 * i), start)).ToList();
        var layout = TimelineLayout.Build(photos, 1200, Today);

        var (first, last) = layout.Visible(0, 900, 0);
        Assert.Equal(0, first);
        Assert.InRange(last - first + 1, 1, 20);

        var month = layout.Months[10];
        var (f, l) = layout.Visible(month.Top, 900, 400);
        Assert.InRange(l - f + 1, 1, 30);
        Assert.Contains(layout.Rows.Skip(f).Take(l - f + 1), r => r.Kind == TimelineRowKind.Month && r.Label == month.Label);
        Assert.Equal(month, layout.MonthAt(month.Top));
        Assert.Equal(layout.Months[9], layout.MonthAt(month.Top - 10));
        Assert.Equal(10_000, layout.Order.Count);
    }

    [Fact]
    public void An_empty_library_has_no_rows()
    {
        var layout = TimelineLayout.Build([], 1000, Today);
        Assert.Empty(layout.Rows);
        Assert.Equal((0, -1), layout.Visible(0, 1000, 100));
        Assert.Null(layout.MonthAt(0));
    }
}

public sealed class SelectionModelTests
{
    private static readonly Guid[] Order = [.. Enumerable.Range(0, 8).Select(_ => Guid.NewGuid())];

    [Fact]
    public void A_click_toggles_and_a_shift_click_selects_the_range_from_the_last_click()
    {
        var selection = new SelectionModel();
        selection.Toggle(Order[1], shift: false, Order);
        selection.Toggle(Order[4], shift: true, Order);
        Assert.Equal(Order[1..5].Order(), selection.Ids.Order());

        selection.Toggle(Order[2], shift: false, Order); // unselects one; the anchor moves
        Assert.Equal(3, selection.Count);
        Assert.False(selection.Contains(Order[2]));
        selection.Toggle(Order[0], shift: true, Order); // backwards range from the anchor
        Assert.Equal(new[] { Order[0], Order[1], Order[2], Order[3], Order[4] }.Order(), selection.Ids.Order());
    }

    [Fact]
    public void Shift_without_an_anchor_just_toggles()
    {
        var selection = new SelectionModel();
        selection.Toggle(Order[3], shift: true, Order);
        Assert.Equal([Order[3]], selection.Ids);
    }

    [Fact]
    public void A_day_heading_selects_its_day_and_clears_it_when_all_are_selected()
    {
        var selection = new SelectionModel();
        var day = Order[2..5];
        selection.Toggle(Order[3], shift: false, Order);
        selection.ToggleDay(day);
        Assert.True(selection.AllSelected(day));
        Assert.Equal(3, selection.Count);
        selection.ToggleDay(day);
        Assert.Equal(0, selection.Count);
    }

    [Fact]
    public void Clear_empties_it_and_Retain_forgets_photos_that_are_gone_and_changes_are_announced()
    {
        var selection = new SelectionModel();
        var changes = 0;
        selection.Changed += () => changes++;
        selection.Toggle(Order[0], false, Order);
        selection.Toggle(Order[1], false, Order);
        selection.Retain(Order[1..]);
        Assert.Equal([Order[1]], selection.Ids);
        selection.Clear();
        Assert.False(selection.IsActive);
        Assert.Equal(4, changes);
        selection.Clear();
        Assert.Equal(4, changes); // nothing to clear: no announcement
    }
}
