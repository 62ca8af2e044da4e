#!/usr/bin/env bash
# A one-node Slurm cluster in a folder of its own, for NormLab's Slurm tests (and for trying `./normlab submit` on one
# machine). Everything — munge socket, Slurm state, spool, logs, slurm.conf — lives under DIR; nothing in /etc is touched
# but the munge key, which Debian's munge package creates (/etc/munge/munge.key; made here when it is missing).
#
#   scripts/slurm-cluster.sh start DIR   start munged, slurmctld and slurmd; wait until the node is idle; print SLURM_CONF
#   scripts/slurm-cluster.sh stop DIR    stop them (by their pid files) and leave DIR's logs
#   scripts/slurm-cluster.sh env DIR     print `export SLURM_CONF=DIR/slurm.conf` (source it to use sbatch, squeue, ...)
#
# Exit codes: 0 started / stopped; 3 the daemons cannot start here (the reason is printed on stderr: not installed, not
# root, a daemon died at start — its log's tail follows); 2 usage.
# Verified on Debian 12 (Slurm 22.05, munge 0.5.15): ProctrackType=proctrack/linuxproc and TaskPlugin=task/none need no
# cgroups or systemd; the node has this machine's CPU count; ports are picked free at start.
set -u

usage() { echo "usage: scripts/slurm-cluster.sh start|stop|env DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd) || { echo "slurm-cluster: cannot make $2" >&2; exit 3; }
conf="$dir/slurm.conf"

cannot() { echo "slurm-cluster: cannot start a one-node cluster here: $*" >&2; exit 3; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop_pid_file() {
  local f=$1 pid
  [[ -f $f ]] || return 0
  pid=$(cat "$f" 2>/dev/null)
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

case $action in
env)
  echo "export SLURM_CONF=$conf"
  ;;
stop)
  stop_pid_file "$dir/run/slurmd.pid"
  stop_pid_file "$dir/run/slurmctld.pid"
  stop_pid_file "$dir/munge/munged.pid"
  echo "slurm-cluster: stopped ($dir)"
  ;;
start)
  for cmd in munged slurmctld slurmd sbatch squeue scontrol sinfo python3; do
    command -v "$cmd" >/dev/null 2>&1 || cannot "$cmd is not installed (./normlab setup --test installs slurmctld slurmd slurm-client munge)"
  done
  ((EUID == 0)) || cannot "the daemons run as root here (SlurmUser=root, munged --force); this user is not root"
  key=/etc/munge/munge.key
  if [[ ! -s $key ]]; then
    if command -v mungekey >/dev/null 2>&1; then mungekey --create --keyfile="$key" >/dev/null 2>&1 || cannot "cannot create $key"
    else dd if=/dev/urandom of="$key" bs=1 count=1024 status=none || cannot "cannot create $key"; fi
    chmod 600 "$key"
  fi
  "$0" stop "$dir" >/dev/null 2>&1
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
  chmod 700 "$dir/munge"
  # munged checks that its key and socket folder are private; as root it needs --force.
  munged --force --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" --key-file="$key" >"$dir/log/munged.out" 2>&1 ||
    cannot "munged did not start: $(tail -n 3 "$dir/log/munged.log" "$dir/log/munged.out" 2>/dev/null | tr '\n' ' ')"
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  cat >"$conf" <<CONF
ClusterName=normlab
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobRequeue=1
KillWait=30
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$conf
  slurmctld -f "$conf" -i >"$dir/log/slurmctld.out" 2>&1 ||
    cannot "slurmctld did not start: $(tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmctld.out" 2>/dev/null | tr '\n' ' ')"
  slurmd -f "$conf" >"$dir/log/slurmd.out" 2>&1 ||
    cannot "slurmd did not start: $(tail -n 5 "$dir/log/slurmd.log" "$dir/log/slurmd.out" 2>/dev/null | tr '\n' ' ')"
  for _ in $(seq 120); do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -n 1)
    [[ $state == idle* || $state == mix* || $state == alloc* ]] && { echo "export SLURM_CONF=$conf"; exit 0; }
    sleep 0.5
  done
  cannot "the node did not become idle within 60 s (state: ${state:-none}); logs: $(tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  ;;
*) usage ;;
esac
