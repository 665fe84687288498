#!/usr/bin/env bash
# A private single-node Slurm 22.05 cluster on 127.0.0.1 (munged, slurmctld, slurmd), for tests and
# for trying `trainplan search --executor slurm` on one machine. No systemd, no /etc/slurm, no
# system munge: config, munge key and socket, state, spool, logs and PID files all live under ROOT.
#
#   scripts/slurm_cluster.sh start  [ROOT]   create config if missing, start what is not running,
#                                            wait (<= 30 s) until the node is idle, then print
#                                            `export ...` lines on stdout (use with eval)
#   scripts/slurm_cluster.sh stop   [ROOT]   cancel jobs, stop slurmd, slurmctld, munged by their
#                                            PID files (TERM, wait <= 15 s, KILL), remove the files
#   scripts/slurm_cluster.sh status [ROOT]   which daemons run; exit 0 all, 3 none, 1 some
#   scripts/slurm_cluster.sh env    [ROOT]   print the export lines only
#
# ROOT defaults to build/slurm in the repository (not the current directory); a relative ROOT is
# taken from the current directory. Typical use:
#   lines="$(scripts/slurm_cluster.sh start "$tmp")"  # fails (set -e) if the cluster does not come up
#   eval "$lines"                                      # SLURM_CONF, TRAINPLAN_SLURM_PARTITION, ..._ROOT
#   sbatch -p "$TRAINPLAN_SLURM_PARTITION" job.sh ...
#   scripts/slurm_cluster.sh stop "$tmp"
#
# Ports: SlurmctldPort/SlurmdPort are a free pair from 16817 upward (not the defaults 6817/6818,
# which a real Slurm on the machine may hold); chosen under a lock when the config is written, and
# chosen again if they are taken by something else when the cluster is down.
# Processes are only ever signalled by the PIDs in ROOT's PID files, and only if that process's
# command line names ROOT (a recycled PID is left alone). Never by name.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cmd="${1:-}"
R="${2:-$repo/build/slurm}"
case "$cmd" in start|stop|status|env) ;; *)
  echo "usage: $0 start|stop|status|env [ROOT]   (ROOT defaults to $repo/build/slurm)" >&2; exit 2 ;;
esac
R="$(realpath -m -- "$R")"

# Unix socket paths are limited to 107 bytes: munge's socket and slurmstepd's per-step sockets in
# the spool directory (localhost_<job>.<step>) live under ROOT.
[ "${#R}" -le 70 ] || { echo "slurm_cluster: ROOT '$R' is longer than 70 characters; pass a shorter one" >&2; exit 2; }

PARTITION=debug
NODE=localhost
CONF="$R/etc/slurm.conf"
MUNGE_SOCKET="$R/munge-run/munge.socket.2"
PID_MUNGED="$R/run/munged.pid"
PID_SLURMCTLD="$R/run/slurmctld.pid"
PID_SLURMD="$R/run/slurmd.pid"
export SLURM_CONF="$CONF"

say() { echo "slurm_cluster: $*" >&2; }
die() { say "error: $*"; exit 1; }

print_env() {
  printf 'export SLURM_CONF=%q\n' "$CONF"
  printf 'export TRAINPLAN_SLURM_ROOT=%q\n' "$R"
  printf 'export TRAINPLAN_SLURM_PARTITION=%q\n' "$PARTITION"
}

# The PID recorded in FILE if that process is alive and its command line names ROOT; else empty.
live_pid() {
  local file="$1" pid
  [ -s "$file" ] || return 0
  pid="$(tr -dc '0-9' <"$file")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$R/"; then echo "$pid"; fi
}

# Remove a PID file whose process is gone or is not ours. slurmctld and slurmd signal the PID in
# an existing PID file at start-up ("kill old daemon"), so a stale file must never survive.
clear_stale() {
  local file="$1"
  if [ -e "$file" ] && [ -z "$(live_pid "$file")" ]; then
    say "removing stale $(basename "$file")"; rm -f "$file"
  fi
}

port_free() {  # nothing listens on TCP port $1 (bind test with SO_REUSEADDR, as the daemons do)
  if ! command -v python3 >/dev/null; then  # fallback: does anything answer on 127.0.0.1?
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 1; else return 0; fi
  fi
  python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind(("0.0.0.0", int(sys.argv[1])))
except OSError: sys.exit(1)
EOF
}

pick_ports() {  # prints "ctld_port slurmd_port"
  local p
  for ((p = 16817; p < 17817; p += 2)); do
    if port_free "$p" && port_free "$((p + 1))"; then echo "$p $((p + 1))"; return 0; fi
  done
  die "no free port pair in 16817-17816"
}

conf_value() { sed -n "s/^$1=//p" "$CONF" | head -1; }

write_conf() {
  local ctld_port="$1" slurmd_port="$2" cpus mem
  cpus="$(nproc)"
  # `slurmd -C` reads $SLURM_CONF if set and retries for 60 s while that file does not exist yet.
  mem="$(env -u SLURM_CONF timeout 10 slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)"
  [ -n "$mem" ] || mem="$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)"
  mem=$((mem * 8 / 10)); [ "$mem" -ge 100 ] || mem=100  # below what slurmd registers, or the node drains
  mkdir -p "$R/etc"
  cat >"$CONF.tmp" <<EOF
# Written by scripts/slurm_cluster.sh for a private single-node cluster under $R
ClusterName=trainplan
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
# Finished jobs stay visible to scontrol/squeue --states=all for an hour.
MinJobAge=3600
KillWait=5
InactiveLimit=0
Waittime=0
StateSaveLocation=$R/state
SlurmdSpoolDir=$R/spool
SlurmctldPidFile=$PID_SLURMCTLD
SlurmdPidFile=$PID_SLURMD
SlurmctldLogFile=$R/log/slurmctld.log
SlurmdLogFile=$R/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No slurmdbd: job history through "sacct -c" (jobcomp/filetxt).
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$R/log/jobcomp.txt
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

wait_gone() {  # PID: wait <= $2 tenths of a second for it to exit
  local pid="$1" n="$2" i
  for ((i = 0; i < n; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  ! kill -0 "$pid" 2>/dev/null
}

stop_daemon() {  # NAME PIDFILE
  local name="$1" file="$2" pid
  pid="$(live_pid "$file")"
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 150; then
      say "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 50 || { say "$name (pid $pid) still alive after SIGKILL"; return 1; }
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

node_state() { timeout 5 sinfo -h -n "$NODE" -o %T 2>/dev/null | head -1; }

do_start() {
  local b
  for b in munged slurmctld slurmd sinfo flock; do
    command -v "$b" >/dev/null || die "$b not found: install slurmctld slurmd slurm-client munge (scripts/setup.sh)"
  done
  mkdir -p "$R/run" "$R/log" "$R/state" "$R/spool" "$R/munge" "$R/munge-run"
  chmod 0700 "$R/munge"      # the key's own directory
  # munged refuses a socket unless every directory above it is o+x ("Socket is inaccessible:
  # execute permissions for all required"); mktemp -d makes 0700 directories.
  chmod 0755 "$R" "$R/munge-run"
  local d="$R"
  while d="$(dirname "$d")"; [ "$d" != / ]; do
    [ "$(( 0$(stat -c %a "$d") & 1 ))" = 1 ] || die "munged needs o+x on $d (chmod o+x it, or use another ROOT)"
  done
  for f in "$PID_MUNGED" "$PID_SLURMCTLD" "$PID_SLURMD"; do clear_stale "$f"; done

  # One start at a time on this machine, so two clusters never pick the same free ports.
  exec 9>"${TMPDIR:-/tmp}/trainplan-slurm-cluster.lock"
  flock -w 60 9 || die "timed out waiting for the start lock"

  local started=0 ports ctld_port slurmd_port
  if [ -z "$(live_pid "$PID_SLURMCTLD")" ] && [ -z "$(live_pid "$PID_SLURMD")" ]; then
    if [ ! -s "$CONF" ]; then
      ports="$(pick_ports)"; read -r ctld_port slurmd_port <<<"$ports"
      write_conf "$ctld_port" "$slurmd_port"
      say "wrote $CONF (ports $ports)"
    elif ! port_free "$(conf_value SlurmctldPort)" || ! port_free "$(conf_value SlurmdPort)"; then
      ports="$(pick_ports)"; read -r ctld_port slurmd_port <<<"$ports"
      sed -i -e "s/^SlurmctldPort=.*/SlurmctldPort=$ctld_port/" -e "s/^SlurmdPort=.*/SlurmdPort=$slurmd_port/" "$CONF"
      say "configured ports were taken; now using $ports"
    fi
  fi
  [ -s "$CONF" ] || die "$CONF is missing while a daemon of this cluster runs; stop it first"

  if [ ! -s "$R/munge/munge.key" ]; then
    (umask 077; head -c 1024 /dev/urandom >"$R/munge/munge.key")
  fi
  chmod 0400 "$R/munge/munge.key"

  if [ -z "$(live_pid "$PID_MUNGED")" ]; then
    munged --key-file="$R/munge/munge.key" --socket="$MUNGE_SOCKET" --pid-file="$PID_MUNGED" \
      --log-file="$R/log/munged.log" --seed-file="$R/munge/munged.seed" 9>&- ||
      die "munged failed to start; see $R/log/munged.log"
    started=1
  fi
  if [ -z "$(live_pid "$PID_SLURMCTLD")" ]; then
    slurmctld -f "$CONF" 9>&- || die "slurmctld failed to start; see $R/log/slurmctld.log"
    started=1
  fi
  if [ -z "$(live_pid "$PID_SLURMD")" ]; then
    slurmd -f "$CONF" -N "$NODE" 9>&- || die "slurmd failed to start; see $R/log/slurmd.log"
    started=1
  fi

  # Bounded wait: the node answers and is usable (idle on a fresh cluster; a cluster that was
  # already up may be running jobs).
  local state="" i
  for ((i = 0; i < 300; i++)); do
    state="$(node_state)"
    case "$state" in idle|mixed|allocated|completing) break ;; esac
    sleep 0.1
  done
  case "$state" in idle|mixed|allocated|completing) ;; *)
    tail -5 "$R/log/slurmctld.log" "$R/log/slurmd.log" >&2 2>/dev/null || true
    die "node $NODE not ready after 30 s (state '${state:-no answer}')" ;;
  esac
  for f in "$PID_MUNGED" "$PID_SLURMCTLD" "$PID_SLURMD"; do
    [ -n "$(live_pid "$f")" ] || die "$(basename "$f" .pid) is not running; see $R/log/"
  done
  if [ "$started" = 1 ]; then say "up under $R (node $state)"; else say "already up under $R (node $state)"; fi
  print_env
}

do_stop() {
  local rc=0 i
  # Cancel jobs first: their slurmstepd processes are not in any PID file and would outlive slurmd.
  if [ -n "$(live_pid "$PID_SLURMCTLD")" ] && [ -s "$CONF" ]; then
    if [ -n "$(timeout 5 squeue -h -o %i 2>/dev/null)" ]; then
      timeout 5 scancel --user="$(id -un)" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do  # KillWait=5 s between SIGTERM and SIGKILL
        [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
  fi
  stop_daemon slurmd "$PID_SLURMD" || rc=1
  stop_daemon slurmctld "$PID_SLURMCTLD" || rc=1
  stop_daemon munged "$PID_MUNGED" || rc=1
  return "$rc"
}

do_status() {
  local n=0 pid name file
  for name in munged slurmctld slurmd; do
    file="$R/run/$name.pid"; pid="$(live_pid "$file")"
    if [ -n "$pid" ]; then echo "$name: running (pid $pid)"; n=$((n + 1))
    elif [ -e "$file" ]; then echo "$name: not running (stale $file)"
    else echo "$name: not running"; fi
  done
  if [ -n "$(live_pid "$PID_SLURMCTLD")" ]; then
    echo "node $NODE: $(node_state)"
    echo "jobs in queue: $(timeout 5 squeue -h -o %i 2>/dev/null | wc -l)"
  fi
  echo "root: $R"
  [ "$n" = 3 ] && return 0
  [ "$n" = 0 ] && return 3
  return 1
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  env) print_env ;;
esac
