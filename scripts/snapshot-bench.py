#!/usr/bin/env python3
"""Snapshot throughput and memory against a synthetic pool, beside `users --output json`.

    cargo build --release --locked && python3 scripts/snapshot-bench.py [--users 100000] [--runs 3]

For each pool size (10% of --users, then --users) this starts `coglink local serve
--synthetic-users N` on a free loopback port with a fresh state file, then runs, alternated
`--runs` times, `coglink users --output json` (to /dev/null) and `coglink snapshot -o FILE`
against it (list rate uncapped, partitioned listing), then `coglink diff FILE FILE` (the
snapshot read back twice and compared). It prints the median wall time, the users per
second, and the client's peak resident memory (ru_maxrss of the child process, so the
endpoint is not counted), and checks each snapshot: mode 0600, an end record counting every
user. Standard library only. Exits non-zero when a check fails.

The binary is $COGLINK, else $CARGO_TARGET_DIR/release/coglink, else target/release/coglink.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

POOL = "us-east-1_Synthetic"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIACOGLINKLOCAL0001",
    "AWS_SECRET_ACCESS_KEY": "coglink-local-secret-key-not-a-real-secret",
    "AWS_REGION": "us-east-1",
}


def binary():
    if os.environ.get("COGLINK"):
        return os.environ["COGLINK"]
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    return os.path.join(target, "release", "coglink")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_in(tmp):
    env = dict(os.environ)
    env.update(CREDENTIALS)
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[var] = os.path.join(tmp, var.lower())
    env["AWS_CONFIG_FILE"] = os.path.join(tmp, "aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(tmp, "aws-credentials")
    return env


def wait_for(port, server, deadline_s=600):
    """Polls until the endpoint accepts connections (seeding a large pool takes a while)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if server.poll() is not None:
            sys.exit(f"the endpoint exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the endpoint did not answer within {deadline_s} s")


def run(cmd, env, stdout):
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one run; exits on
    failure. CPU time is the steadier figure on a machine shared with other work."""
    started = time.monotonic()
    child = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    err = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def check_snapshot(path, users):
    mode = os.stat(path).st_mode & 0o777
    if mode != 0o600:
        sys.exit(f"{path}: mode {mode:o}, not 600")
    with open(path, "rb") as f:
        f.seek(-4096, os.SEEK_END)
        last = f.read().splitlines()[-1]
    end = json.loads(last)
    if end.get("kind") != "end" or end.get("users") != users:
        sys.exit(f"{path}: end record {end}, expected {users} users")
    return os.path.getsize(path)


def measure(users, runs, exe, serve_args):
    with tempfile.TemporaryDirectory(prefix="coglink-snapshot-bench-") as tmp:
        env = env_in(tmp)
        port = free_port()
        server = subprocess.Popen(
            [exe, "local", "serve", "--port", str(port), "--synthetic-users", str(users),
             "--state", os.path.join(tmp, "state.json")] + serve_args,
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port, server)
            url = f"http://127.0.0.1:{port}"
            # No ceiling on the list rate: both commands list as fast as the endpoint answers.
            common = [exe, "--endpoint-url", url, "--list-rate", "100000"]
            snapshot_file = os.path.join(tmp, "snapshot.jsonl")
            listing = {"users --output json": [], "snapshot -o FILE": [], "diff FILE FILE": []}
            size = 0
            for _ in range(runs):
                with open(os.devnull, "wb") as null:
                    listing["users --output json"].append(run(
                        common + ["users", "--user-pool-id", POOL, "--output", "json"],
                        env, null))
                listing["snapshot -o FILE"].append(run(
                    common + ["snapshot", "--user-pool-id", POOL, "-o", snapshot_file],
                    env, subprocess.DEVNULL))
                size = check_snapshot(snapshot_file, users)
                # Reading back: two snapshots of the pool read and compared (equal: exit 0).
                listing["diff FILE FILE"].append(run(
                    [exe, "diff", snapshot_file, snapshot_file], env, subprocess.DEVNULL))
            return listing, size
        finally:
            server.terminate()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="an extra argument of `coglink local serve` (repeatable)")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated pool sizes (default: 10%% of --users, --users)")
    args = parser.parse_args()
    exe = binary()
    if not os.path.exists(exe):
        sys.exit(f"{exe}: not built (cargo build --release --locked)")
    print(f"coglink: {exe}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
          f"{args.runs} alternated runs each; medians (min-max)")
    print(f"{'users':>8}  {'command':<22}{'wall s':>20}{'users/s':>10}{'CPU s':>8}"
          f"{'peak RSS MiB':>22}")
    sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else [args.users // 10, args.users]
    if args.serve_arg:
        print(f"local serve {' '.join(args.serve_arg)}")
    for users in sizes:
        listing, size = measure(users, args.runs, exe, args.serve_arg)
        walls = {}
        for name, sample in listing.items():
            wall = [w for w, _, _ in sample]
            rss = [r for _, r, _ in sample]
            cpu = [c for _, _, c in sample]
            walls[name] = statistics.median(wall)
            print(f"{users:>8}  {name:<22}"
                  f"{statistics.median(wall):>8.2f} ({min(wall):.2f}-{max(wall):.2f})"
                  f"{users / statistics.median(wall):>10.0f}"
                  f"{statistics.median(cpu):>8.2f}"
                  f"{statistics.median(rss):>10.1f} ({min(rss):.1f}-{max(rss):.1f})")
        ratio = walls["snapshot -o FILE"] / walls["users --output json"]
        print(f"{users:>8}  snapshot/users wall: {ratio:.2f}x; snapshot file "
              f"{size / 1e6:.1f} MB ({size / users:.0f} bytes/user), mode 0600, complete")


if __name__ == "__main__":
    main()
