using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ImagePipeline.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Phase6FirstRunGuard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FirstRunClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ClaimedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FirstRunClaims", x => x.Id);
                    table.CheckConstraint("CK_FirstRunClaims_Singleton", "\"Id\" = 1");
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FirstRunClaims");
        }
    }
}
