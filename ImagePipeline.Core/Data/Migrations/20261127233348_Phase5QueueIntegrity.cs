using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImagePipeline.Core.Data.Migrations
{
    /// <summary>
    /// Makes a duplicate job and a duplicate upload impossible: unique (ImageId, Type) on Jobs and unique (OwnerId, Sha256)
    /// on Images, plus the owner-retry count. Existing duplicates are resolved first, keeping data:
    /// <list type="bullet">
    /// <item>Jobs: per (ImageId, Type) the newest job is kept (the older ones were a back-fill's or a race's leftovers) and the
    /// older ones are removed with their attempt rows; an image left FAILED without a failed job is derived again.</item>
    /// <item>Images: no image is deleted. Per (OwnerId, Sha256) the oldest keeps its hash; the later copies keep their row and
    /// files but lose the hash (it only serves duplicate detection and the original's ETag), so the owner still sees them
    /// and may delete the extras. Rows without an owner (from before accounts) are not constrained (NULLs are distinct).</item>
    /// </list>
    /// </summary>
    public partial class Phase5QueueIntegrity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_ImageId_Type",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Images_OwnerId_Sha256",
                table: "Images");

            migrationBuilder.AddColumn<int>(
                name: "OwnerRetries",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            const string olderDuplicateJobs = """
                SELECT old.Id FROM Jobs AS old
                WHERE old.ImageId IS NOT NULL AND EXISTS (
                    SELECT 1 FROM Jobs AS newer
                    WHERE newer.ImageId = old.ImageId AND newer.Type = old.Type
                      AND (newer.CreatedAt > old.CreatedAt OR (newer.CreatedAt = old.CreatedAt AND newer.Id > old.Id)))
                """;
            migrationBuilder.Sql($"DELETE FROM JobAttempts WHERE JobId IN ({olderDuplicateJobs});");
            migrationBuilder.Sql($"DELETE FROM Jobs WHERE Id IN ({olderDuplicateJobs});");
            migrationBuilder.Sql("""
                UPDATE Images SET
                    Status = CASE WHEN NOT EXISTS (SELECT 1 FROM Jobs AS j WHERE j.ImageId = Images.Id AND j.Status NOT IN ('COMPLETED', 'CANCELLED'))
                                  AND EXISTS (SELECT 1 FROM Jobs AS j WHERE j.ImageId = Images.Id AND j.Status = 'COMPLETED')
                             THEN 'STORED' ELSE 'PROCESSING' END,
                    Version = Version + 1
                WHERE Status = 'FAILED'
                  AND EXISTS (SELECT 1 FROM Jobs AS j WHERE j.ImageId = Images.Id)
                  AND NOT EXISTS (SELECT 1 FROM Jobs AS j WHERE j.ImageId = Images.Id AND j.Status = 'FAILED');
                """);
            migrationBuilder.Sql("""
                UPDATE Images SET Sha256 = NULL, Version = Version + 1
                WHERE OwnerId IS NOT NULL AND Sha256 IS NOT NULL AND EXISTS (
                    SELECT 1 FROM Images AS first
                    WHERE first.OwnerId = Images.OwnerId AND first.Sha256 = Images.Sha256
                      AND (first.CreatedAt < Images.CreatedAt OR (first.CreatedAt = Images.CreatedAt AND first.Id < Images.Id)));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_ImageId_Type",
                table: "Jobs",
                columns: new[] { "ImageId", "Type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Images_OwnerId_Sha256",
                table: "Images",
                columns: new[] { "OwnerId", "Sha256" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_ImageId_Type",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Images_OwnerId_Sha256",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "OwnerRetries",
                table: "Images");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_ImageId_Type",
                table: "Jobs",
                columns: new[] { "ImageId", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_Images_OwnerId_Sha256",
                table: "Images",
                columns: new[] { "OwnerId", "Sha256" });
        }
    }
}
