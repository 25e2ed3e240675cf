using ImagePipeline.Core.Albums;

namespace ImagePipeline.Web.Api;

/// <summary><c>/api/albums</c>: an owner's albums. Someone else's album is 404, even for an admin.</summary>
public static class AlbumsApi
{
    public static RouteGroupBuilder MapAlbumsApi(this RouteGroupBuilder api)
    {
        var albums = api.MapGroup("/albums").WithTags("Albums");
        albums.MapGet("/", ListAsync).WithName("ListAlbums").WithSummary("Your albums, most recently changed first.");
        albums.MapPost("/", CreateAsync).WithName("CreateAlbum").WithSummary("Create an album ({ name }).");
        albums.MapGet("/{id:guid}", GetAsync).WithName("GetAlbum").WithSummary("An album with its photos, newest taken first.");
        albums.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateAlbum").WithSummary("Rename ({ name }) or set the cover ({ coverImageId }).");
        albums.MapPut("/{id:guid}", UpdateAsync).WithName("RenameAlbum").WithSummary("Same as PATCH.");
        albums.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteAlbum").WithSummary("Delete the album and its links; the photos stay.");
        albums.MapPut("/{id:guid}/images", AddImagesAsync).WithName("AddAlbumImages").WithSummary("Add your photos ({ ids }); others are ignored.");
        albums.MapDelete("/{id:guid}/images", RemoveImagesAsync).WithName("RemoveAlbumImages").WithSummary("Remove photos ({ ids }) from the album; they stay in the library.");
        albums.MapShareLinksApi();
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext context, AlbumService albums, CancellationToken cancellationToken) =>
        TypedResults.Ok((await albums.ListAsync(context.User.ToViewer(), cancellationToken)).Select(AlbumDto.From).ToList());

    private static async Task<IResult> CreateAsync(AlbumRequest request, HttpContext context, AlbumService albums, CancellationToken cancellationToken)
    {
        if (AlbumService.CleanName(request.Name) is null)
        {
            return BadName();
        }

        var album = await albums.CreateAsync(context.User.ToViewer(), request.Name!, cancellationToken);
        return TypedResults.Created($"/api/albums/{album.Id}", AlbumDto.From(album));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext context, AlbumService albums, CancellationToken cancellationToken) =>
        await albums.GetAsync(context.User.ToViewer(), id, cancellationToken) is { } album ? TypedResults.Ok(AlbumDetailDto.From(album)) : NotFound();

    private static async Task<IResult> UpdateAsync(Guid id, AlbumRequest request, HttpContext context, AlbumService albums, CancellationToken cancellationToken)
    {
        if (request.Name is not null && AlbumService.CleanName(request.Name) is null)
        {
            return BadName();
        }

        var viewer = context.User.ToViewer();
        try
        {
            if (!await albums.UpdateAsync(viewer, id, request.Name, request.CoverImageId, cancellationToken))
            {
                return NotFound();
            }
        }
        catch (ArgumentException ex)
        {
            return TypedResults.Problem(title: "Bad album change", detail: ex.Message, statusCode: 400);
        }

        return TypedResults.Ok(AlbumDto.From((await albums.FindAsync(viewer, id, cancellationToken))!));
    }

    private static async Task<IResult> DeleteAsync(Guid id, HttpContext context, AlbumService albums, CancellationToken cancellationToken) =>
        await albums.DeleteAsync(context.User.ToViewer(), id, cancellationToken) ? TypedResults.NoContent() : NotFound();

    private static async Task<IResult> AddImagesAsync(Guid id, [Microsoft.AspNetCore.Mvc.FromBody] IdsRequest request, HttpContext context, AlbumService albums, CancellationToken cancellationToken)
    {
        if (request.Problem(Core.Images.ImageTrash.MaxIds) is { } problem)
        {
            return problem;
        }

        return await albums.AddImagesAsync(context.User.ToViewer(), id, request.Ids!, cancellationToken) is { } added
            ? TypedResults.Ok(new CountResult(added))
            : NotFound();
    }

    private static async Task<IResult> RemoveImagesAsync(Guid id, [Microsoft.AspNetCore.Mvc.FromBody] IdsRequest request, HttpContext context, AlbumService albums, CancellationToken cancellationToken)
    {
        if (request.Problem(Core.Images.ImageTrash.MaxIds) is { } problem)
        {
            return problem;
        }

        return await albums.RemoveImagesAsync(context.User.ToViewer(), id, request.Ids!, cancellationToken) is { } removed
            ? TypedResults.Ok(new CountResult(removed))
            : NotFound();
    }

    private static IResult BadName() =>
        TypedResults.Problem(title: "Bad album name", detail: $"An album name is 1 to {AlbumService.MaxNameLength} characters.", statusCode: 400);

    private static IResult NotFound() => TypedResults.Problem(title: "Not found", detail: "No such album.", statusCode: 404);
}
