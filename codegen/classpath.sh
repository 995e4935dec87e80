# shellcheck shell=bash
# Shared by codegen/validate and codegen/regenerate (sourced, not run).
#
# resolve_classpath OUT_FILE [MAVEN_ARGS...]
#   Resolves codegen/pom.xml from Maven Central (first use downloads into the local Maven
#   repository; later runs are offline-fast) and writes the jar classpath to OUT_FILE.
#   On failure prints ONE line naming the artifacts Maven could not resolve, and exits 1.
#
# Environment:
#   MAVEN_REPO_LOCAL  local Maven repository to use instead of ~/.m2/repository
#                     (e.g. a fresh directory to time a cold start).

resolve_classpath() {
    local out=$1
    shift
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/attached-files-mvn.XXXXXX.log")

    for tool in java mvn; do
        if ! command -v "$tool" >/dev/null; then
            echo "error: '$tool' not found on PATH (need Java 17 and Maven 3.8+ to run the Smithy tools)" >&2
            exit 1
        fi
    done

    local args=(-B -q -f "$CODEGEN_DIR/pom.xml")
    # -U: retry artifacts whose earlier download failed; Maven otherwise caches a miss for a day.
    args+=(-U)
    if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then
        args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
    fi

    if ! mvn "${args[@]}" "$@" dependency:build-classpath -Dmdep.outputFile="$out" >"$log" 2>&1; then
        # Maven names missing artifacts as group:artifact:type[:classifier]:version.
        local missing
        missing=$(grep -F '[ERROR]' "$log" \
            | grep -oE '[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:(jar|pom|maven-plugin)(:[A-Za-z0-9_.-]+)?:[0-9][A-Za-z0-9_.-]*' \
            | grep -v '^attached-files:' | sort -u | paste -sd ' ' - || true)
        echo "error: Maven could not resolve: ${missing:-see log}; Maven's output: $log" >&2
        exit 1
    fi
    rm -f "$log"
}

CODEGEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
