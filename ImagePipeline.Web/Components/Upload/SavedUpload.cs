namespace ImagePipeline.Web.Components.Upload;

/// <summary>A file the server received in this tab's session (kept in sessionStorage): after a refresh the page asks the server for it.</summary>
public sealed record SavedUpload(Guid ImageId, string Name, long Size, bool Duplicate);
