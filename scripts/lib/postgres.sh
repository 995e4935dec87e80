# Sourced by scripts/test and scripts/bench-replicas: start_postgres starts a PostgreSQL server of
# the project's own (Debian's package, installed first if there is no server) unless one runs, and
# exports ATTACHED_FILES_TEST_DATABASE_URL naming its `postgres` database.
# The cluster listens on 127.0.0.1:54329 and keeps its data in /var/tmp. PostgreSQL refuses to run
# as root, so root runs it as the package's postgres user.
start_postgres() {
    local port=54329 dir="/var/tmp/attached-files-postgres-$(id -u)" bin as=()
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z "$bin" ]]; then
        echo "$0: installing PostgreSQL (Debian's postgresql package)" >&2
        local sudo=()
        [[ $(id -u) == 0 ]] || sudo=(sudo)
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    if [[ $(id -u) == 0 ]]; then
        as=(runuser -u postgres --)
    fi
    if ! "${as[@]}" "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        if [[ ! -f "$dir/PG_VERSION" ]]; then
            mkdir -p "$dir"
            [[ $(id -u) == 0 ]] && chown postgres "$dir"
            "${as[@]}" "$bin/initdb" -D "$dir" -U postgres -A trust >/dev/null
        fi
        echo "$0: starting PostgreSQL for the tests on 127.0.0.1:$port (data in $dir)" >&2
        "${as[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/log" -w \
            -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null
    fi
    export ATTACHED_FILES_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}
