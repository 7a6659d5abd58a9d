#!/usr/bin/env bash
# Runs every test of the repository and ends with one line: "tests: N passed, M failed, K skipped".
# Installs what the tests need (PostgreSQL server binaries) when missing; test fixtures start their own
# throwaway databases. Set WORLD_POSTGRES_CONNECTION to use an existing server instead.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '[test.sh] %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
  log "the .NET SDK (dotnet) is required; install .NET 10 SDK first"
  exit 1
fi

find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

needs_postgres=false
if compgen -G "tests/*Postgres*" >/dev/null; then
  needs_postgres=true
fi

if $needs_postgres && [[ -z "${WORLD_POSTGRES_CONNECTION:-}" ]] && ! find_pg_bin >/dev/null; then
  log "PostgreSQL server binaries not found; installing with apt-get"
  if [[ $(id -u) -ne 0 ]]; then
    log "not root: install the 'postgresql' package yourself or set WORLD_POSTGRES_CONNECTION"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || { log "apt-get update failed"; exit 1; }
  apt-get install -y -qq postgresql >&2 || { log "apt-get install postgresql failed"; exit 1; }
  # The Debian package starts a cluster of its own; the tests never use it.
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for cluster in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster "$cluster" main stop >/dev/null 2>&1 || true
    done
  fi
  find_pg_bin >/dev/null || { log "PostgreSQL binaries still missing after install"; exit 1; }
fi
if pg_bin=$(find_pg_bin); then
  export WORLD_POSTGRES_BIN="$pg_bin"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results_dir=$(mktemp -d)
trap 'rm -rf "$results_dir"' EXIT

status=0
dotnet test World.sln -c Release --logger "trx" --results-directory "$results_dir" "$@" || status=$?

# Count from the TRX files: one per test assembly.
passed=0 failed=0 skipped=0
shopt -s nullglob
trx_files=("$results_dir"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done

if [[ ${#trx_files[@]} -eq 0 ]]; then
  log "no test results were produced (build failure?)"
  [[ $status -ne 0 ]] || status=1
fi
if [[ $failed -gt 0 && $status -eq 0 ]]; then
  status=1
fi

echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
