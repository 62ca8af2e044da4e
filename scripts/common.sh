# shellcheck shell=bash
# Shared helpers for ./normlab and scripts/*.sh (sourced, never run).
# Keeps the "is the build up to date?" rule in one place so `./normlab <verb>` and `./normlab setup` agree on it.

# Exported: the host finds experiments.yaml, .cache/datasets and scripts/datasets.sha256 from it, whatever the cwd.
NORMLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NORMLAB_ROOT
NORMLAB_CACHE="$NORMLAB_ROOT/.cache"
NORMLAB_HOST_DLL="$NORMLAB_ROOT/src/Host/bin/Release/net10.0/normlab.dll"
# Written after a successful build of the whole solution / of src/Host (see nl_stamp_begin). A stamp, not the dll's
# own time: MSBuild leaves normlab.dll untouched when a change elsewhere does not alter its references' public API,
# and comparing against the dll would then rebuild on every call.
NORMLAB_SOLUTION_STAMP="$NORMLAB_CACHE/stamps/solution-build"
NORMLAB_HOST_STAMP="$NORMLAB_CACHE/stamps/host-build"

# The build is repeatable without prompts or network chatter from the SDK itself.
export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Measured: with OpenBLAS's own threads on top of libtorch's, LeNet training was ~3x slower (oversubscription).
# (TorchSharp's libtorch 2.10 uses MKL/oneDNN, not OpenBLAS; this still keeps the PyTorch 1.13 reference side honest.)
export OPENBLAS_NUM_THREADS=1

nl_say() { printf '%s\n' "$*"; }
nl_err() { printf '%s\n' "$*" >&2; }

# Seconds since $1 (an $EPOCHREALTIME value), one decimal, for the "(N s)" in status lines.
nl_elapsed() {
  local start=$1 now=$EPOCHREALTIME
  local s_us=$(( ${start//[.,]/} )) n_us=$(( ${now//[.,]/} )) # the radix is the locale's
  local d=$(( (n_us - s_us) / 100000 ))
  printf '%d.%d' $(( d / 10 )) $(( d % 10 ))
}

nl_require_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  nl_err "normlab: the .NET SDK (dotnet) is not on PATH. Install the .NET 10 SDK (see global.json for the version), then run ./normlab setup."
  exit 2
}

# The folders whose files a build depends on; the root build files always count too.
NORMLAB_SOLUTION_SOURCES=(src tests build)
NORMLAB_HOST_SOURCES=(src build)

# Every source file under the given folders (outputs pruned), sorted: a stamp keeps this list, so that a deleted,
# added or renamed file is noticed although it leaves no newer file behind. (Folder times would notice it too, but
# the build itself changes them when it creates bin/ and obj/.)
nl_source_list() {
  (cd "$NORMLAB_ROOT" && find "$@" \( -name bin -o -name obj -o -name TestResults \) -prune \
      -o -type f -print 2>/dev/null | LC_ALL=C sort)
}

# Prints why stamp $1 is out of date — the first source newer than it, or that files were added or removed — and
# nothing when it is up to date. $2.. are the source folders.
nl_first_newer_source() {
  local stamp=$1; shift
  [[ -e $stamp ]] || { printf '%s\n' "(no build yet)"; return; }
  local f newer
  for f in Directory.Build.props Directory.Build.targets Directory.Packages.props NormLab.slnx global.json; do
    [[ $NORMLAB_ROOT/$f -nt $stamp ]] && { printf '%s\n' "$f"; return; }
  done
  newer=$(cd "$NORMLAB_ROOT" && find "$@" \( -name bin -o -name obj -o -name TestResults \) -prune \
      -o -type f -newer "$stamp" -print -quit 2>/dev/null)
  [[ -n $newer ]] && { printf '%s\n' "$newer"; return; }
  [[ $(nl_source_list "$@") == "$(<"$stamp")" ]] || printf '%s\n' "(source files added or removed)"
}

# Runs one `dotnet build` quietly: nothing on success, the compiler's errors on failure. A lock keeps two
# concurrent ./normlab calls from building the same outputs at once.
nl_dotnet_build() {
  local what=$1 log rc=0
  mkdir -p "$NORMLAB_CACHE/stamps"
  log=$(mktemp "${TMPDIR:-/tmp}/normlab-build.XXXXXX")
  (
    cd "$NORMLAB_ROOT"
    if command -v flock >/dev/null 2>&1; then
      # -o: the build servers dotnet may leave running must not inherit (and so keep holding) the lock.
      flock -o "$NORMLAB_CACHE/build.lock" dotnet build "$what" -c Release -v q -nologo
    else
      dotnet build "$what" -c Release -v q -nologo
    fi
  ) >"$log" 2>&1 || rc=$?
  if (( rc != 0 )); then
    # -v q leaves little but the errors (warnings are errors here); each appears twice (inline and in the summary).
    awk 'NF && !/Time Elapsed|^ *[0-9]+ (Warning|Error)\(s\)$/ && !seen[$0]++' "$log" >&2
    nl_err "normlab: build of $what failed (exit $rc)"
  fi
  rm -f "$log"
  return "$rc"
}

# A stamp takes the time the build *started* (a source edited during the build still counts as newer next time)
# and holds the source list as it was then. Usage: nl_stamp_begin STAMP FOLDER...
nl_stamp_begin() {
  local stamp=$1; shift
  mkdir -p "$NORMLAB_CACHE/stamps"
  nl_source_list "$@" >"$stamp.new.$$"
}
# The new stamp is per process ($$): concurrent ./normlab calls (shards, Slurm array tasks on one node) that both found
# the build stale each commit their own, instead of the second failing to move a file the first already moved.
nl_stamp_commit() { local s; for s; do mv -f "$s.new.$$" "$s"; done; }
nl_stamp_abort() { local s; for s; do rm -f "$s.new.$$"; done; }

# Build the whole solution (setup, ./normlab build) and mark both stamps.
nl_build_solution() {
  nl_stamp_begin "$NORMLAB_SOLUTION_STAMP" "${NORMLAB_SOLUTION_SOURCES[@]}"
  nl_stamp_begin "$NORMLAB_HOST_STAMP" "${NORMLAB_HOST_SOURCES[@]}"
  nl_dotnet_build NormLab.slnx || { local rc=$?; nl_stamp_abort "$NORMLAB_SOLUTION_STAMP" "$NORMLAB_HOST_STAMP"; return "$rc"; }
  nl_stamp_commit "$NORMLAB_SOLUTION_STAMP" "$NORMLAB_HOST_STAMP"
}

# Is the solution build out of date? Prints why (empty: up to date).
nl_solution_stale() { nl_first_newer_source "$NORMLAB_SOLUTION_STAMP" "${NORMLAB_SOLUTION_SOURCES[@]}"; }

# Build src/Host only when a source it depends on changed since the last build (./normlab <forwarded verb>).
nl_build_host_if_stale() {
  if [[ -e $NORMLAB_HOST_DLL && -z $(nl_first_newer_source "$NORMLAB_HOST_STAMP" "${NORMLAB_HOST_SOURCES[@]}") ]]; then
    return 0
  fi
  nl_stamp_begin "$NORMLAB_HOST_STAMP" "${NORMLAB_HOST_SOURCES[@]}"
  nl_dotnet_build src/Host/NormLab.Host.csproj || { local rc=$?; nl_stamp_abort "$NORMLAB_HOST_STAMP"; return "$rc"; }
  nl_stamp_commit "$NORMLAB_HOST_STAMP"
}
