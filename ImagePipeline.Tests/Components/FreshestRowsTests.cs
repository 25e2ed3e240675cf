using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;
using ImagePipeline.Web.Components.Gallery;

namespace ImagePipeline.Tests.Components;

public sealed class FreshestRowsTests
{
    private static readonly DateTime Start = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    private static ImageDto Row(Guid id, ImageStatus status, DateTime updatedAt) =>
        ImageDto.From(new Image { Id = id, OriginalFileName = "a.jpg", ContentType = "image/jpeg", Status = status, CreatedAt = Start, UpdatedAt = updatedAt });

    [Fact]
    public void A_list_read_before_a_live_update_does_not_undo_it()
    {
        var finished = Guid.NewGuid();
        var untouched = Guid.NewGuid();
        // The list was read while both were processing; an event meanwhile brought the first one STORED.
        var read = new[] { Row(finished, ImageStatus.Processing, Start), Row(untouched, ImageStatus.Processing, Start) };
        var shown = new Dictionary<Guid, ImageDto> { [finished] = Row(finished, ImageStatus.Stored, Start.AddSeconds(1)) };

        var merged = FreshestRows.Merge(read, shown);

        Assert.Equal([finished, untouched], merged.Select(r => r.ImageId));
        Assert.Equal([ImageStatus.Stored, ImageStatus.Processing], merged.Select(r => r.Status));
    }

    [Fact]
    public void A_list_as_new_as_what_is_shown_or_newer_wins_and_rows_it_lacks_are_gone()
    {
        var id = Guid.NewGuid();
        var trashed = Guid.NewGuid();
        var read = new[] { Row(id, ImageStatus.Failed, Start.AddSeconds(2)) };
        var shown = new Dictionary<Guid, ImageDto>
        {
            [id] = Row(id, ImageStatus.Processing, Start.AddSeconds(1)),
            [trashed] = Row(trashed, ImageStatus.Stored, Start.AddSeconds(5)),
        };

        var merged = FreshestRows.Merge(read, shown);

        Assert.Equal(ImageStatus.Failed, Assert.Single(merged).Status);
    }
}
