#!/usr/bin/env bash
# Adds one EF Core migration for both database providers, from the same model:
#   SQLite     -> ImagePipeline.Core/Data/Migrations        (design-time factory: ImagePipeline.Core/Data/DesignTimeDbContextFactory.cs)
#   PostgreSQL -> ImagePipeline.Data.Postgres/Migrations    (design-time factory: ImagePipeline.Data.Postgres/PostgresDesignTimeDbContextFactory.cs)
# Usage:
#   scripts/add-migration.sh <Name>          a new migration for both providers
#   scripts/add-migration.sh --postgres-initial
#                                            drop the PostgreSQL migrations and make one "Initial" from the current model
#                                            (only while no PostgreSQL installation exists yet, e.g. after merging branches
#                                            that each added SQLite migrations)
# Also regenerates the SQLite compiled model (ImagePipeline.Core/Data/CompiledModel, used at run time instead of building the
# model; CompiledModelTests fails when it no longer matches the model). `scripts/add-migration.sh --compiled-model` does only that.
# Needs dotnet-ef 10 (dotnet tool install -g dotnet-ef --version 10.0.15); no database server.
set -euo pipefail
cd "$(dirname "$0")/.."
arg="${1:?usage: scripts/add-migration.sh <MigrationName> | --postgres-initial | --compiled-model}"
export PATH="$PATH:$HOME/.dotnet/tools"

postgres() {
  dotnet ef migrations add "$1" \
    --project ImagePipeline.Data.Postgres --startup-project ImagePipeline.Data.Postgres --output-dir Migrations
}

# The SQLite compiled model. Its assembly attribute (automatic discovery) is dropped: PipelineDatabase uses it for SQLite only.
# The old files stay until the new ones are written (the project must build for dotnet ef); files not rewritten are removed.
compiled_model() {
  local marker
  marker=$(mktemp)
  # --nativeaot: the property accessors, snapshots, comparers and converters are generated code too, not expression trees
  # compiled on first use (about 0.2 s of CPU less at start-up, docs/benchmarks.md).
  dotnet ef dbcontext optimize --nativeaot \
    --project ImagePipeline.Core --startup-project ImagePipeline.Core \
    --output-dir Data/CompiledModel --namespace ImagePipeline.Core.Data.CompiledModel
  find ImagePipeline.Core/Data/CompiledModel -name '*.cs' ! -newer "$marker" -delete
  rm -f "$marker" ImagePipeline.Core/Data/CompiledModel/*AssemblyAttributes.cs
}

if [ "$arg" = "--compiled-model" ]; then
  compiled_model
elif [ "$arg" = "--postgres-initial" ]; then
  rm -f ImagePipeline.Data.Postgres/Migrations/*.cs
  postgres Initial
else
  dotnet ef migrations add "$arg" \
    --project ImagePipeline.Core --startup-project ImagePipeline.Core --output-dir Data/Migrations
  postgres "$arg"
  compiled_model
fi
dotnet format ImagePipeline.sln
echo "Done: $arg"
