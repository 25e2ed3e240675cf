using System.Globalization;
using ImagePipeline.Web.Api;

namespace ImagePipeline.Web.Components.Gallery;

/// <summary>What a timeline row shows: a month heading, a day heading (selects its day), or a row of tiles.</summary>
public enum TimelineRowKind
{
    Month,
    Day,
    Tiles,
}

/// <summary>One row of the timeline at a known offset, so only the rows in view are rendered and the scrubber can jump exactly.</summary>
public sealed record TimelineRow(TimelineRowKind Kind, DateOnly Day, string Label, IReadOnlyList<ImageDto> Items, double Top, double Height)
{
    public string Key => Kind switch
    {
        TimelineRowKind.Month => $"m{Day:yyyyMM}",
        TimelineRowKind.Day => $"d{Day:yyyyMMdd}",
        _ => $"t{Items[0].ImageId:N}",
    };
}

/// <summary>A month on the scrubber and where it starts.</summary>
public sealed record TimelineMonth(int Year, int Month, string Label, double Top);

/// <summary>
/// Groups photos (already newest first) by the day they were taken — EXIF capture time, else upload time — under month
/// headings, cuts each day into rows of <c>columns</c> tiles, and gives every row its offset. Plain C#: tested without a browser.
/// </summary>
public sealed class TimelineLayout
{
    public const double MonthHeight = 56;
    public const double DayHeight = 40;
    public const double Gap = 4;
    public const double MinTile = 150;

    private readonly Dictionary<DateOnly, List<Guid>> _days = [];

    private TimelineLayout(int columns, double tileSize)
    {
        Columns = columns;
        TileSize = tileSize;
    }

    public int Columns { get; }

    public double TileSize { get; }

    public IReadOnlyList<TimelineRow> Rows { get; private set; } = [];

    public IReadOnlyList<TimelineMonth> Months { get; private set; } = [];

    /// <summary>Every photo id in display order (for shift-click ranges and ←/→ in the viewer).</summary>
    public IReadOnlyList<Guid> Order { get; private set; } = [];

    public double TotalHeight { get; private set; }

    public static DateTime TakenAt(ImageDto image) => image.CapturedAt ?? image.CreatedAt;

    /// <summary>How many tiles fit a width, and their size: at least 3 columns, tiles at least <see cref="MinTile"/> px where they fit.</summary>
    public static (int Columns, double TileSize) Fit(double width)
    {
        width = Math.Max(width, 240);
        var minTile = width < 600 ? 96 : MinTile;
        var columns = Math.Max(3, (int)((width + Gap) / (minTile + Gap)));
        return (columns, (width - (Gap * (columns - 1))) / columns);
    }

    public static TimelineLayout Build(IReadOnlyList<ImageDto> images, double width, DateOnly today)
    {
        var (columns, tile) = Fit(width);
        var layout = new TimelineLayout(columns, tile);
        var rows = new List<TimelineRow>();
        var months = new List<TimelineMonth>();
        var order = new List<Guid>(images.Count);
        var top = 0.0;
        var i = 0;
        while (i < images.Count)
        {
            var day = DateOnly.FromDateTime(TakenAt(images[i]));
            var dayItems = new List<ImageDto>();
            while (i < images.Count && DateOnly.FromDateTime(TakenAt(images[i])) == day)
            {
                dayItems.Add(images[i++]);
            }

            if (months.Count == 0 || months[^1].Year != day.Year || months[^1].Month != day.Month)
            {
                var label = day.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
                months.Add(new TimelineMonth(day.Year, day.Month, label, top));
                rows.Add(new TimelineRow(TimelineRowKind.Month, day, label, [], top, MonthHeight));
                top += MonthHeight;
            }

            rows.Add(new TimelineRow(TimelineRowKind.Day, day, DayLabel(day, today), dayItems, top, DayHeight));
            top += DayHeight;
            foreach (var chunk in dayItems.Chunk(columns))
            {
                rows.Add(new TimelineRow(TimelineRowKind.Tiles, day, "", chunk, top, tile + Gap));
                top += tile + Gap;
            }

            layout._days[day] = [.. dayItems.Select(d => d.ImageId)];
            order.AddRange(dayItems.Select(d => d.ImageId));
        }

        layout.Rows = rows;
        layout.Months = months;
        layout.Order = order;
        layout.TotalHeight = top;
        return layout;
    }

    /// <summary>The ids of one day's photos.</summary>
    public IReadOnlyList<Guid> Day(DateOnly day) => _days.TryGetValue(day, out var ids) ? ids : [];

    /// <summary>The rows that overlap [<paramref name="scrollTop"/> − overscan, scrollTop + viewport + overscan], as an index range.</summary>
    public (int First, int Last) Visible(double scrollTop, double viewportHeight, double overscan)
    {
        if (Rows.Count == 0)
        {
            return (0, -1);
        }

        var from = scrollTop - overscan;
        var to = scrollTop + viewportHeight + overscan;
        var first = FirstEndingAfter(from);
        var last = first;
        while (last + 1 < Rows.Count && Rows[last + 1].Top < to)
        {
            last++;
        }

        return (first, last);
    }

    /// <summary>The month heading a scroll position is in (for the scrubber's highlight).</summary>
    public TimelineMonth? MonthAt(double scrollTop)
    {
        TimelineMonth? current = null;
        foreach (var month in Months)
        {
            if (month.Top > scrollTop + 1)
            {
                break;
            }

            current = month;
        }

        return current ?? (Months.Count > 0 ? Months[0] : null);
    }

    public static string DayLabel(DateOnly day, DateOnly today) =>
        day == today ? "Today"
        : day == today.AddDays(-1) ? "Yesterday"
        : day.Year == today.Year ? day.ToString("ddd, d MMM", CultureInfo.InvariantCulture)
        : day.ToString("ddd, d MMM yyyy", CultureInfo.InvariantCulture);

    private int FirstEndingAfter(double y)
    {
        int lo = 0, hi = Rows.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Rows[mid].Top + Rows[mid].Height <= y)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
