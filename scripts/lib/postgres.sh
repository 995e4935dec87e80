# Sourced by scripts/test and scripts/bench-replicas: start_postgres starts a PostgreSQL server of
# the project's own (Debian's package, installed first if there is no server) unless one runs, and
# exports ATTACHED_FILES_TEST_DATABASE_URL naming its `postgres` database, and
# ATTACHED_FILES_TEST_DATABASE_CA, the CA that signed the certificate it serves TLS with.
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
    _postgres_tls "$dir" "$bin" "${as[@]}"
    export ATTACHED_FILES_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
    export ATTACHED_FILES_TEST_DATABASE_CA="$dir/tls/ca.crt"
}

# TLS for the tests of `sslmode`: a certificate for localhost and 127.0.0.1 signed by a CA of the
# tests' own (made once with openssl, which Debian's postgresql package brings), and a role,
# tls_only, that may log in over TLS only. Set up in the cluster's configuration and applied by a
# reload, so that a cluster made before this existed gets it too.
_postgres_tls() {
    local dir=$1 bin=$2
    shift 2
    [[ -f "$dir/tls/ca.crt" ]] && return 0
    mkdir -p "$dir/tls"
    # A CA of the tests' own, and the server's certificate it signs (a self-signed certificate
    # would be a CA used as an end entity, which WebPKI refuses).
    local tls="$dir/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=attached-files tests CA" \
        -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > "$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 3650 \
        -extfile "$tls/server.ext" -out "$tls/server.crt" 2>/dev/null
    chmod 600 "$tls/server.key" "$tls/ca.key"
    [[ $(id -u) == 0 ]] && chown -R postgres "$dir/tls"
    "$@" sh -c "cat >> '$dir/postgresql.conf'" <<EOF
ssl = on
ssl_cert_file = '$dir/tls/server.crt'
ssl_key_file = '$dir/tls/server.key'
EOF
    "$@" sh -c "{ printf 'hostssl all tls_only 127.0.0.1/32 trust\nhost all tls_only 127.0.0.1/32 reject\n'; cat '$dir/pg_hba.conf'; } > '$dir/pg_hba.conf.new' && mv '$dir/pg_hba.conf.new' '$dir/pg_hba.conf'"
    "$@" "$bin/pg_ctl" -D "$dir" reload >/dev/null
    "$@" "$bin/psql" -q -h "$dir" -p "$port" -U postgres \
        -c "DO \$\$ BEGIN CREATE ROLE tls_only LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" postgres
}
