package org.understudy.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.understudy.daemon.NodeLock;

/**
 * The demo's fencing command: a power switch for one demo node. At an automatic failover the standby runs
 * {@code fence-node.sh P} (as {@code failover.fencingCommand} of primary P, with the UNDERSTUDY_* environment and
 * {@code commandTimeout}) before {@code await-release}; the script finds P's process by the pid in P's state
 * directory (the node lock's pid file, so a node restarted by hand is followed), checks that this pid is still the
 * Understudy node P, SIGKILLs it (a stopped, frozen process too: the kernel delivers SIGKILL to it) and exits 0 only
 * once the process is gone, each step logged to {@code logs/fence.log} and its output. A node that is not running is
 * already off (exit 0). A planned switchover or an operator's forced failover hands over from a primary that is told
 * to let go of its address (issue 10's tell-and-wait), so the demo's switch leaves it on and says so.
 */
public final class DemoFence {
    /** The script's file name in the demo directory. */
    public static final String SCRIPT = "fence-node.sh";

    private DemoFence() {
    }

    /** The command line of primary {@code node}'s fence, as the cluster file names it (relative to the file). */
    public static String commandYaml(String node) {
        return "[ ./" + SCRIPT + ", " + node + " ]";
    }

    /** Writes the script into the demo directory, executable by its owner only. */
    public static Path write(Path demoDir) throws IOException {
        Path f = demoDir.resolve(SCRIPT);
        Files.writeString(f, script(), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        return f;
    }

    /** The script's text (bash, Linux /proc). */
    public static String script() {
        return """
                #!/bin/bash
                # The Understudy demo's fencing command: a power switch for one demo node (written by 'understudy demo').
                # Usage: fence-node.sh NODE. The standby runs it at a takeover, before it waits for the node's address
                # to be free, with UNDERSTUDY_PRIMARY, UNDERSTUDY_TAKEOVER, UNDERSTUDY_REASON ... in its environment.
                # At an automatic failover it powers NODE off: SIGKILL to NODE's process (found by the pid in its state
                # directory, checked to be the Understudy node NODE), then exit 0 only once the process is gone.
                # Shell built-ins only, but for the short sleeps while it waits: a fence runs while clients wait, and a
                # process started costs tens of ms on a busy machine.
                set -u
                node="${1:?usage: fence-node.sh NODE}"
                case "$0" in */*) dir=${0%/*} ;; *) dir=. ;; esac
                log="$dir/logs/fence.log"
                takeover="${UNDERSTUDY_TAKEOVER:-failover}"
                say() {
                    local line t=$EPOCHREALTIME
                    printf -v line '%(%Y-%m-%dT%H:%M:%S)T.%sZ fence %s: %s' "${t%.*}" "${t:(-6):3}" "$node" "$*"
                    echo "$line"
                    echo "$line" >> "$log" 2>/dev/null
                }
                since() { # ms: whole milliseconds since an EPOCHREALTIME reading
                    local now=${EPOCHREALTIME/./} then=${1/./}
                    ms=$(( (now - then) / 1000 ))
                }
                # /proc/PID/stat after "(comm) ": the state ($1) and the start time ($20); empty when the pid is gone
                readstat() {
                    st=
                    read -r st 2>/dev/null < "/proc/$1/stat"
                    st=${st##*) }
                }
                case "$takeover" in
                    failover) ;;
                    *) say "$takeover of $node: the switch stays on (a $takeover hands over from a primary told to let go)"
                       exit 0 ;;
                esac
                pidfile="$dir/state/$node/@PID_FILE@"
                if [ ! -r "$pidfile" ]; then
                    say "no pid file $pidfile: $node is not running, already off"
                    exit 0
                fi
                read -r pid < "$pidfile"
                case "$pid" in
                    ''|*[!0-9]*) say "pid file $pidfile holds '$pid', not a pid: cannot power $node off"; exit 1 ;;
                esac
                cmd=" "
                while IFS= read -r -d '' arg; do
                    cmd+="$arg "
                done 2>/dev/null < "/proc/$pid/cmdline"
                case "$cmd" in
                    *" org.understudy.Main "*" --node $node "*) ;;
                    *) say "pid $pid is not running as $node: $node is already off"; exit 0 ;;
                esac
                readstat "$pid"
                set -- $st
                state=${1:-?}
                start=${20:-?}
                killed=$EPOCHREALTIME
                if ! kill -KILL "$pid" 2>/dev/null; then
                    say "SIGKILL to pid $pid ($node, state $state) refused"
                    exit 1
                fi
                ms=0
                while [ "$ms" -lt 10000 ]; do
                    readstat "$pid"
                    set -- $st
                    # a zombie leader is gone once its last thread is: the threads share its open files (the
                    # listening sockets), closed when the last of them exits
                    tasks=("/proc/$pid/task/"*)
                    if [ -z "$st" ] || [ "${20:-}" != "$start" ] \
                        || { { [ "$1" = Z ] || [ "$1" = X ]; } && [ "${#tasks[@]}" -le 1 ]; }; then
                        since "$killed"
                        say "powered off: SIGKILL to pid $pid (state $state), gone after $ms ms; ${UNDERSTUDY_REASON:-}"
                        exit 0
                    fi
                    sleep 0.005
                    since "$killed"
                done
                say "SIGKILL to pid $pid (state $state): still there (state ${1:-?}) 10 s later"
                exit 1
                """.replace("@PID_FILE@", NodeLock.PID_FILE);
    }
}
