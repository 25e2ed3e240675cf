using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImagePipeline.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Phase2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "CompletedAt",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ImageId",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "Jobs",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastErrorDetail",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LockedAt",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LockedBy",
                table: "Jobs",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxAttempts",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<DateTime>(
                name: "RunAfter",
                table: "Jobs",
                type: "TEXT",
                nullable: false,
                defaultValueSql: "'0001-01-01 00:00:00'");

            migrationBuilder.AddColumn<DateTime>(
                name: "StartedAt",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CameraMake",
                table: "Images",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CameraModel",
                table: "Images",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CapturedAt",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Format",
                table: "Images",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Orientation",
                table: "Images",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OriginalPath",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreviewPath",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sha256",
                table: "Images",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ThumbnailPath",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "JobAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    RunnerId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JobAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JobAttempts_Jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "Jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunnerSettings",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunnerSettings", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_ImageId_Type",
                table: "Jobs",
                columns: new[] { "ImageId", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Status_LockedAt",
                table: "Jobs",
                columns: new[] { "Status", "LockedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Status_RunAfter",
                table: "Jobs",
                columns: new[] { "Status", "RunAfter" });

            migrationBuilder.CreateIndex(
                name: "IX_Images_Sha256",
                table: "Images",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_JobAttempts_JobId_Number",
                table: "JobAttempts",
                columns: new[] { "JobId", "Number" });

            // Link the predecessor's jobs to their image through the payload they carried ({"imageId": ...}).
            migrationBuilder.Sql("""
                UPDATE Jobs SET ImageId = (
                    SELECT i.Id FROM Images i WHERE upper(i.Id) = upper(json_extract(Jobs.Payload, '$.imageId')))
                WHERE ImageId IS NULL AND Payload IS NOT NULL AND json_valid(Payload);
                """);

            migrationBuilder.AddForeignKey(
                name: "FK_Jobs_Images_ImageId",
                table: "Jobs",
                column: "ImageId",
                principalTable: "Images",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Jobs_Images_ImageId",
                table: "Jobs");

            migrationBuilder.DropTable(
                name: "JobAttempts");

            migrationBuilder.DropTable(
                name: "RunnerSettings");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_ImageId_Type",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_Status_LockedAt",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_Status_RunAfter",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Images_Sha256",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "CompletedAt",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "ImageId",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "LastErrorDetail",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "LockedAt",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "LockedBy",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "MaxAttempts",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "RunAfter",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "StartedAt",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "CameraMake",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "CameraModel",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "CapturedAt",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Format",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Orientation",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "OriginalPath",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "PreviewPath",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Sha256",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "ThumbnailPath",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Images");
        }
    }
}
