using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImagePipeline.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Phase5MotionPhotos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "VideoLength",
                table: "Images",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "VideoOffset",
                table: "Images",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "VideoLength",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "VideoOffset",
                table: "Images");
        }
    }
}
