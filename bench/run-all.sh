#!/usr/bin/env bash
# Runs every load scenario on both backends, one after the other, and writes bench/results/<scenario>-<backend>.json.
# Run it on an otherwise idle machine: the scenarios share the cores with the database they start.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/World.Benchmarks >/dev/null
for backend in postgres inmemory; do
  for scenario in events submit queue streams workflows; do
    echo "######## $scenario $backend"
    dotnet run -c Release --no-build --project bench/World.Benchmarks -- "$scenario" --backend "$backend" \
      --duration "${DURATION:-8}" --json "bench/results/$scenario-$backend.json"
  done
done
