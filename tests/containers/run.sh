#!/usr/bin/env bash
# The integration and migration tests through testcontainers, against a real Docker
# engine made from Debian's packages alone (no image registry):
#   1. install docker.io and debootstrap when missing;
#   2. start a private dockerd (own data root, exec root, pid file and socket under a
#      temporary directory) beside whatever the machine runs;
#   3. build postgres:15 and rabbitmq:3.10 from a debootstrap'ed Debian base and
#      Debian's postgresql-15 and rabbitmq-server (tests/containers/*/Dockerfile);
#   4. run pytest with no OPDB_TEST_*_URL, so tests/conftest.py starts containers;
#   5. always, even on failure or Ctrl-C: remove the containers, stop the engine, unmount
#      what it mounted, delete its bridge and the temporary directory.
# Needs root and the Debian mirror (OPDB_DEBIAN_MIRROR, default deb.debian.org).
# Extra arguments go to pytest (default: tests/integration tests/migrations).
# The machine's own PostgreSQL (5432) and RabbitMQ (5672) are not touched: containers
# listen on the bridge and their ports are published on free host ports.
set -euo pipefail
cd "$(dirname "$0")/../.."
repository=$PWD

mirror=${OPDB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
base_image=opdb-test/debian:$suite-minbase

if [ "$(id -u)" -ne 0 ]; then
    echo "containers: needs root (installs packages, runs dockerd, debootstrap)" >&2
    exit 1
fi

started_at=$(date +%s)
phase_name=""
phase_at=0
timings=()
phase() {
    local now
    now=$(date +%s)
    if [ -n "$phase_name" ]; then
        timings+=("$(printf '%-8s %4ds' "$phase_name" $((now - phase_at)))")
        echo "== containers: $phase_name took $((now - phase_at)) s =="
    fi
    phase_name=$1
    phase_at=$now
    [ -z "$1" ] || echo "== containers: $1 =="
}

work=""
dockerd_pid=""
pytest_pid=""
made_bridge=0
policy_rc_made=0

processes_of_ours() {
    # Processes whose command line names our private directory: dockerd, its
    # containerd and shims, docker-proxy. Found by pid, never by name.
    [ -n "$work" ] || return 0
    local pid
    for pid in /proc/[0-9]*; do
        pid=${pid#/proc/}
        [ "$pid" != $$ ] || continue
        if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$work/"; then
            echo "$pid"
        fi
    done
}

mounts_of_ours() {
    [ -n "$work" ] || return 0
    # Deepest first, so nested mounts come off before their parents.
    awk -v dir="$work/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r
}

cleanup() {
    local status=$? pid mount_point waited
    set +e
    trap - EXIT INT TERM
    phase cleanup
    if [ "$policy_rc_made" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
    fi
    if [ -n "$pytest_pid" ] && kill -0 "$pytest_pid" 2>/dev/null; then
        echo "containers: stopping pytest ($pytest_pid)"
        kill -TERM "$pytest_pid" 2>/dev/null
        for waited in $(seq 1 20); do
            kill -0 "$pytest_pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$pytest_pid" 2>/dev/null
    fi
    if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
        local containers
        containers=$(docker ps -aq 2>/dev/null)
        if [ -n "$containers" ]; then
            echo "containers: removing $(echo "$containers" | wc -w) container(s) left behind"
            # shellcheck disable=SC2086 # one id per word
            docker rm -f $containers >/dev/null 2>&1
        fi
        kill -TERM "$dockerd_pid" 2>/dev/null
        for waited in $(seq 1 60); do
            kill -0 "$dockerd_pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$dockerd_pid" 2>/dev/null; then
            echo "containers: dockerd did not stop within 30 s: killing it" >&2
            kill -KILL "$dockerd_pid" 2>/dev/null
        fi
    fi
    for pid in $(processes_of_ours); do
        echo "containers: killing leftover process $pid: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-120)"
        kill -KILL "$pid" 2>/dev/null
    done
    for mount_point in $(mounts_of_ours); do
        umount "$mount_point" 2>/dev/null || umount -l "$mount_point"
    done
    if [ "$made_bridge" = 1 ] && ip link show docker0 >/dev/null 2>&1; then
        ip link delete docker0
    fi
    if [ -n "$work" ]; then
        rm -rf "$work"
    fi
    # Prove it: nothing of ours is left running or mounted.
    local left=""
    [ -z "$(processes_of_ours)" ] || left+=" processes"
    [ -z "$(mounts_of_ours)" ] || left+=" mounts"
    if [ "$made_bridge" = 1 ] && ip link show docker0 >/dev/null 2>&1; then
        left+=" docker0"
    fi
    [ -z "$work" ] || [ ! -e "$work" ] || left+=" $work"
    phase ""
    echo "== containers: timings =="
    printf '   %s\n' "${timings[@]}"
    echo "   total    $(($(date +%s) - started_at))s"
    if [ -n "$left" ]; then
        echo "containers: LEFT BEHIND:$left" >&2
        [ "$status" -ne 0 ] || status=1
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# -- 1. packages --------------------------------------------------------------------
phase install
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    echo "containers: installing ${missing[*]}"
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # The package must not start a system-wide dockerd: ours is private.
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        policy_rc_made=1
    fi
    # Without --no-install-recommends needrestart comes in and may restart services.
    install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
    if ! DEBIAN_FRONTEND=noninteractive "${install[@]}"; then
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive "${install[@]}"
    fi
    if [ "$policy_rc_made" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
        policy_rc_made=0
    fi
fi
command -v docker >/dev/null || {
    echo "containers: no docker client on PATH after installing docker.io" >&2
    exit 1
}

# -- 2. engine ------------------------------------------------------------------------
phase engine
if ip link show docker0 >/dev/null 2>&1; then
    echo "containers: a docker0 bridge exists already (another engine?): not touching it" >&2
    exit 1
fi
work=$(mktemp -d /tmp/opdb-containers.XXXXXX)
chmod 711 "$work"
export DOCKER_HOST="unix://$work/docker.sock"
# The client of the docker.io package, as on a fresh machine, even where another docker
# comes first on PATH (also for the tests' `docker exec`).
if client=$(dpkg -L docker.io 2>/dev/null | grep -x /usr/bin/docker); then
    mkdir "$work/bin"
    ln -s "$client" "$work/bin/docker"
    export PATH="$work/bin:$PATH"
fi
echo '{}' >"$work/daemon.json" # not /etc/docker/daemon.json: this engine is ours alone
made_bridge=1
# setsid: a Ctrl-C at the terminal reaches this script, whose trap stops the engine
# in order, not dockerd directly.
setsid dockerd \
    --host "$DOCKER_HOST" \
    --config-file "$work/daemon.json" \
    --data-root "$work/data" \
    --exec-root "$work/exec" \
    --pidfile "$work/dockerd.pid" \
    --storage-driver overlay2 \
    --iptables=false --ip-forward=false --ip-masq=false \
    >"$work/dockerd.log" 2>&1 </dev/null &
dockerd_pid=$!
for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && break
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
        echo "containers: dockerd exited:" >&2
        tail -20 "$work/dockerd.log" >&2
        exit 1
    fi
    sleep 0.5
done
docker version --format 'containers: engine {{.Server.Version}} (pid '"$dockerd_pid"'), client {{.Client.Version}} at '"$(command -v docker)"

# -- 3. images --------------------------------------------------------------------------
phase images
rootfs=$work/rootfs
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log" >&2
    exit 1
}
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
# No init in a build container: package scripts must not try to start services.
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
tar -C "$rootfs" -c . | docker import - "$base_image" >/dev/null
rm -rf "$rootfs"
export DOCKER_BUILDKIT=0 # the docker.io client has no buildx
# Both at once: most of a build is waiting for the mirror.
builds=()
for name in postgres rabbitmq; do
    tag=$name:15
    [ "$name" = postgres ] || tag=$name:3.10
    docker build -q --network host --build-arg "BASE=$base_image" -t "$tag" \
        "tests/containers/$name" >"$work/build-$name.log" 2>&1 &
    builds+=("$!:$name")
done
for build in "${builds[@]}"; do
    if ! wait "${build%%:*}"; then
        echo "containers: building ${build#*:} failed:" >&2
        tail -30 "$work/build-${build#*:}.log" >&2
        exit 1
    fi
done
docker images --format 'containers: image {{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}'

# -- 4. tests ---------------------------------------------------------------------------
phase tests
unset OPDB_TEST_DATABASE_URL OPDB_TEST_AMQP_URL
# The ryuk reaper image cannot be pulled; this script removes the containers instead.
export TESTCONTAINERS_RYUK_DISABLED=true
export PYTHONPATH=$repository${PYTHONPATH:+:$PYTHONPATH}
if [ $# -eq 0 ]; then
    # -v: the log names every test that ran against the containers; --durations shows
    # the slowest steps, the containers' start among them (in the first test's setup).
    set -- -v --durations=5 tests/integration tests/migrations
fi
# In the background, so that a signal to this script runs the clean-up at once instead
# of after pytest ends; the clean-up stops pytest first.
python3 -m pytest -p no:cacheprovider "$@" </dev/null &
pytest_pid=$!
wait "$pytest_pid"
pytest_pid=""
