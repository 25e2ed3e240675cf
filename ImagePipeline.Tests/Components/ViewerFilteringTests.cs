using Bunit;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using ImagePipeline.Web.Components.Shared;
using ImagePipeline.Web.Components.Upload;

namespace ImagePipeline.Tests.Components;

/// <summary>
/// A plain (non-admin) user follows only events about images they own. The test uploads with the bootstrap key, so the
/// viewer here is a non-admin with that owner id.
/// </summary>
public sealed class ViewerFilteringTests() : ComponentTestHost(Owner, admin: false)
{
    private const string Owner = "bootstrap-admin";

    [Fact]
    public async Task Events_that_name_another_owner_are_ignored()
    {
        await PauseRunnerAsync();
        var upload = await UploadAsync(Photo("exif-landscape_8.jpg"), "mine.jpg");
        var entry = new UploadEntry { Key = "k", FileName = "mine.jpg", Size = upload.Size, Phase = UploadPhase.Uploaded, ImageId = upload.ImageId };
        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));
        cut.WaitForAssertion(() => Assert.Equal("ingested", State(cut)));

        await Events.PublishAsync(new ImageStatusChangedEvent(upload.ImageId, ImageStatus.Processing, DateTime.UtcNow) { OwnerId = "someone-else" });
        Assert.Equal("ingested", State(cut));

        await Events.PublishAsync(new ImageStatusChangedEvent(upload.ImageId, ImageStatus.Processing, DateTime.UtcNow) { OwnerId = Owner });
        cut.WaitForAssertion(() => Assert.Equal("processing", State(cut)));
    }

    private static string? State(IRenderedComponent<ImageUploadProgress> cut) =>
        cut.Find("[data-testid=upload-item]").GetAttribute("data-state");
}
