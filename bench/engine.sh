# Sourced by the watch job: a private Docker Engine in swarm mode, as the
# test suite starts one (tests/support/docker_engine.cpp): its own data root,
# exec root, socket and pid file under $engine_dir, never the machine's
# daemon; stopped by its pid, and what Docker leaves outside its roots cleaned.
engine_dir=
engine_start() {
    engine_dir=$(mktemp -d /tmp/forensic-bench-engine.XXXXXX)
    pgrep -x dockerd >/dev/null && { echo "another dockerd runs: the watch job starts its own" >&2; return 1; }
    [[ -e /sys/class/net/docker_gwbridge ]] && ip link delete docker_gwbridge
    engine_made_run_docker=$([[ -e /run/docker ]] || echo yes)
    echo "{\"deprecated-key-path\": \"$engine_dir/key.json\"}" >"$engine_dir/daemon.json"
    dockerd --config-file "$engine_dir/daemon.json" --data-root "$engine_dir/data" --exec-root "$engine_dir/exec" \
        -H "unix://$engine_dir/docker.sock" --pidfile "$engine_dir/docker.pid" --iptables=false --ip-forward=false \
        --bridge=none >"$engine_dir/dockerd.log" 2>&1 &
    export DOCKER_HOST=unix://$engine_dir/docker.sock DOCKER_CONFIG=$engine_dir/client
    mkdir -p "$DOCKER_CONFIG"
    for _ in $(seq 300); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
    mkdir -p "$engine_dir/image/bin" && cp /bin/busybox "$engine_dir/image/bin/"
    ln -s busybox "$engine_dir/image/bin/sleep"
    tar -C "$engine_dir/image" -c . | docker import - local/busybox:1 >/dev/null
}
engine_stop() {
    [[ -n $engine_dir ]] || return 0
    docker swarm leave --force >/dev/null 2>&1 || true
    kill "$(cat "$engine_dir/docker.pid")" 2>/dev/null || true
    for _ in $(seq 300); do [[ -e $engine_dir/docker.pid ]] || break; sleep 0.1; done
    grep " $engine_dir" /proc/mounts | awk '{ print $2 }' | sort -r | xargs -r -n1 umount -l
    [[ -e /sys/class/net/docker_gwbridge ]] && ip link delete docker_gwbridge
    [[ $engine_made_run_docker == yes ]] && rm -rf /run/docker
    rm -rf /var/lib/docker/network/files "$engine_dir"
    rmdir /var/lib/docker/network /var/lib/docker 2>/dev/null || true
    engine_dir=
}
