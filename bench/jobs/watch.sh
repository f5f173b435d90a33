#!/usr/bin/env bash
# Job 6: forensic watch against a real Docker Engine (a private dockerd in
# swarm mode, bench/engine.sh): a burst of service updates as fast as the
# Engine API takes them (label changes, one update event each), then the
# watch idle on a quiet daemon. Reports events per second, the lag from each
# event to the watch record holding it, CPU (the watch and the docker client
# runs it waits for) and peak RSS; idle: CPU seconds and wakeups (context
# switches) of the watch and of its `docker events` process.
# Writes $results/watch.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
source "$bench/engine.sh"
case $size in
full) burst=500 idle=${BENCH_WATCH_IDLE:-3600} ;;
*) burst=20 idle=${BENCH_WATCH_IDLE:-5} ;;
esac
mkdir -p "$results"
# A copy of the binary, so a build beside an hour-long job cannot swap it
# (its closing verify would read the database with another schema).
mkdir -p "$work/watch-bin" && cp "$forensic" "$work/watch-bin/forensic"
forensic=$work/watch-bin/forensic
db=$work/watch.db
rm -f "$db"*
watch=
stop_all() {
    [[ -n $watch ]] && kill -TERM "$watch" 2>/dev/null && wait "$watch" 2>/dev/null
    engine_stop
}
trap stop_all EXIT
engine_start
sock=${DOCKER_HOST#unix://}
api() { curl -sf --unix-socket "$sock" "$@"; }
cat >"$work/burst.yml" <<'YAML'
version: "3.8"
services:
  app:
    image: local/busybox:1
    command: ["sleep", "86400"]
    stop_grace_period: 1s
YAML
docker stack deploy --resolve-image never -c "$work/burst.yml" burst >/dev/null 2>&1
id=$(docker service ls -q --filter name=burst_app)

# The burst.
/usr/bin/time -f '%e %U %S %M' -o "$results/watch.time" \
    "$forensic" watch --db "$db" --root "$host" --home "$home" --host bench-ci --docker docker \
    >"$results/watch.out" 2>"$results/watch.err" &
watch=$!
until grep -q 'following service events' "$results/watch.out" 2>/dev/null; do sleep 0.1; done
started=$(date +%s.%N)
for ((i = 1; i <= burst; i++)); do
    spec=$(api "http://engine/v1.41/services/$id")
    version=$(jq -r .Version.Index <<<"$spec")
    jq -c --arg n "$i" '.Spec | .Labels.n = $n' <<<"$spec" |
        api -X POST -H 'Content-Type: application/json' --data-binary @- \
            "http://engine/v1.41/services/$id/update?version=$version" >/dev/null
done
sent=$(date +%s.%N)
# Until every update's event is in the store.
expected=$((burst + 2)) # and the create and its first update
for _ in $(seq 600); do
    got=$(sqlite3 "$db" "SELECT count(*) FROM fact f JOIN fact_key k ON k.id = f.key_id
                         WHERE k.source = 'swarm-events' AND k.subject = 'burst_app'" 2>/dev/null || echo 0)
    ((got >= expected)) && break
    sleep 0.2
done
caught=$(date +%s.%N)
# Lag: each event to the record that holds it (the record is written when its
# services have been inspected, the commit follows at once).
lags=$(sqlite3 "$db" "SELECT (s.finished_at - f.event_time) / 1e6 FROM fact f JOIN fact_key k ON k.id = f.key_id
                      JOIN snapshot s ON s.host_id = f.host_id AND s.taken_at = f.valid_from
                      WHERE k.source = 'swarm-events' AND k.subject = 'burst_app' ORDER BY 1")
records=$(sqlite3 "$db" "SELECT count(*) FROM snapshot WHERE kind = 'watch'")

# Idle: nothing happens on the daemon. $watch is time(1); the watch is its
# child, and `docker events` the watch's.
watch_pid=$(pgrep -P "$watch" -x forensic)
events_pid=$(pgrep -P "$watch_pid" -x docker | head -1)
proc_cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }
# Every thread's: `docker events` is a Go program, its runtime's threads wake too.
proc_switches() { cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt_switches|^nonvoluntary_ctxt_switches/ { s += $2 } END { print s }'; }
w_cpu0=$(proc_cpu "$watch_pid") w_sw0=$(proc_switches "$watch_pid") e_cpu0=$(proc_cpu "$events_pid") e_sw0=$(proc_switches "$events_pid")
sleep "$idle"
w_cpu1=$(proc_cpu "$watch_pid") w_sw1=$(proc_switches "$watch_pid") e_cpu1=$(proc_cpu "$events_pid") e_sw1=$(proc_switches "$events_pid")
kill -TERM "$watch_pid"
wait "$watch"
watch=
read -r wall user sys rss <"$results/watch.time"
verify=$("$forensic" verify --db "$db" | tail -1)

median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.0f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
pct() { sort -g | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100); if (i < 1) i = 1; printf "%.0f", v[i] }'; }
{
    echo "## 6. forensic watch on a real Docker Engine"
    echo
    echo "A private \`dockerd\` (Docker $(dockerd --version | awk '{ print $3 }' | tr -d ,)) in swarm mode, one service;"
    echo "$burst label updates sent to the Engine API as fast as it takes them (curl), each an update event; then"
    echo "the watch idle for ${idle} s on the quiet daemon. \`forensic verify\` afterwards: $verify."
    echo
    echo "| figure | measured |"
    echo "|---|---|"
    echo "| updates sent | $burst in $(printf '%.2f' "$(echo "$sent - $started" | bc -l)") s ($(printf '%.0f' "$(echo "$burst / ($sent - $started)" | bc -l)") a second, the API's pace) |"
    echo "| all events stored | $(printf '%.2f' "$(echo "$caught - $started" | bc -l)") s after the first was sent: $(printf '%.0f' "$(echo "$expected / ($caught - $started)" | bc -l)") events a second kept up with |"
    echo "| watch records written | $records (bursts of events inspected and stored together) |"
    echo "| lag, event → its record (ms) | median $(median <<<"$lags"), 95th percentile $(pct 95 <<<"$lags"), max $(pct 100 <<<"$lags") |"
    echo "| CPU, burst and idle (s) | $(printf '%.2f' "$(echo "$user + $sys" | bc -l)") (the watch and the docker client runs it waited for) |"
    echo "| peak RSS (MiB) | $(printf '%.1f' "$(echo "$rss / 1024" | bc -l)") |"
    echo "| idle ${idle} s: CPU (s) | watch $(printf '%.2f' "$(echo "$w_cpu1 - $w_cpu0" | bc -l)"), \`docker events\` $(printf '%.2f' "$(echo "$e_cpu1 - $e_cpu0" | bc -l)") |"
    echo "| idle ${idle} s: wakeups (context switches) | watch $((w_sw1 - w_sw0)), \`docker events\` $((e_sw1 - e_sw0)) |"
} >"$results/watch.md"
cat "$results/watch.md" >&2
