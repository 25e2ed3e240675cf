using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImagePipeline.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Phase4ImageListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Images_CreatedAt",
                table: "Images");

            migrationBuilder.DropIndex(
                name: "IX_Images_OwnerId_CreatedAt",
                table: "Images");

            migrationBuilder.DropIndex(
                name: "IX_Images_Status_CreatedAt",
                table: "Images");

            migrationBuilder.CreateIndex(
                name: "IX_Images_CreatedAt_Id",
                table: "Images",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Images_OwnerId_CreatedAt_Id",
                table: "Images",
                columns: new[] { "OwnerId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Images_OwnerId_Status_CreatedAt_Id",
                table: "Images",
                columns: new[] { "OwnerId", "Status", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Images_Status_CreatedAt_Id",
                table: "Images",
                columns: new[] { "Status", "CreatedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Images_CreatedAt_Id",
                table: "Images");

            migrationBuilder.DropIndex(
                name: "IX_Images_OwnerId_CreatedAt_Id",
                table: "Images");

            migrationBuilder.DropIndex(
                name: "IX_Images_OwnerId_Status_CreatedAt_Id",
                table: "Images");

            migrationBuilder.DropIndex(
                name: "IX_Images_Status_CreatedAt_Id",
                table: "Images");

            migrationBuilder.CreateIndex(
                name: "IX_Images_CreatedAt",
                table: "Images",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Images_OwnerId_CreatedAt",
                table: "Images",
                columns: new[] { "OwnerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Images_Status_CreatedAt",
                table: "Images",
                columns: new[] { "Status", "CreatedAt" });
        }
    }
}
