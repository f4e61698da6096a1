#!/usr/bin/env python3
"""altv-dev side by side with the watchers users would pick instead, measured in one run.

Builds nothing itself: `make bench` builds the release binary first. Installs the peers it can
(Debian: entr, reflex, inotify-tools; PyPI: watchdog, watchfiles) and skips a missing one with a
note. Prints a table and writes it to bench/results/latest.md with the machine it ran on.
"""
import http.server
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALTV_DEV = os.path.join(ROOT, ".build", "release", "altv-dev")
SAVES = int(os.environ.get("BENCH_SAVES", "200"))
RECONNECTS = int(os.environ.get("BENCH_RECONNECTS", "100"))
IDLE_SECONDS = int(os.environ.get("BENCH_IDLE_SECONDS", "30"))
FLOOD_BYTES = int(os.environ.get("BENCH_FLOOD_MB", "500")) * 1024 * 1024
TREE_FOLDERS, TREE_FILES, IGNORED_FILES = 10_000, 100_000, 50_000
notes = []


def sh(command, **kwargs):
    return subprocess.run(command, shell=True, **kwargs)


def install_peers():
    sudo = "" if os.geteuid() == 0 else "sudo "
    missing = [p for p, exe in [("entr", "entr"), ("reflex", "reflex"), ("inotify-tools", "inotifywait")] if not shutil.which(exe)]
    if missing:
        sh(f"{sudo}apt-get update -qq && {sudo}apt-get install -y -qq {' '.join(missing)} >/dev/null", check=False)
    for package, exe in [("watchdog[watchmedo]", "watchmedo"), ("watchfiles", "watchfiles")]:
        if not shutil.which(exe):
            sh(f"{sys.executable} -m pip install -q '{package}' >/dev/null 2>&1", check=False)


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def ms(ns):
    return f"{ns / 1e6:.1f} ms"


def line_count(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def wait_for(predicate, timeout, step=0.001):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class Project:
    """A folder with resources/, the trivial server and an altv-dev.toml."""

    def __init__(self, base, name, debounce="100ms", reconnect_url=None, server_command=None, watch_extra=""):
        self.dir = os.path.join(base, name)
        os.makedirs(os.path.join(self.dir, "resources", "core"), exist_ok=True)
        self.file = os.path.join(self.dir, "resources", "core", "index.js")
        with open(self.file, "w") as f:
            f.write("// edit me\n")
        self.starts = os.path.join(self.dir, "starts.log")
        self.server = os.path.join(ROOT, "bench", ".work", "server")
        command = server_command or f'["{self.server}"]'
        reconnect = f'url = "{reconnect_url}"\nretry_interval = "10ms"\ntimeout = "10s"' if reconnect_url else "enabled = false"
        with open(os.path.join(self.dir, "altv-dev.toml"), "w") as f:
            f.write(f'[server]\ncommand = {command}\nstop_signal = "SIGTERM"\nport = 1\n\n'
                    f'[watch]\npaths = ["resources"]\ndebounce = "{debounce}"\n{watch_extra}\n[reconnect]\n{reconnect}\n')

    def env(self):
        return dict(os.environ, BENCH_STARTS=self.starts, NO_COLOR="1")


def tools(project):
    """Each tool restarting the trivial server on a change under resources/, smallest debounce."""
    server, res = project.server, os.path.join(project.dir, "resources")
    return {
        "inotifywait loop (floor)": ["bash", "-c", f'"{server}" & p=$!; while inotifywait -qq -r -e close_write,moved_to,create,delete "{res}"; do kill $p; wait $p; "{server}" & p=$!; done'],
        "entr -r": ["bash", "-c", f'find "{res}" -type f | entr -rn "{server}"'],
        "reflex -s": ["reflex", "-s", "-d", "none", "-r", ".*", "--", server],
        "watchmedo auto-restart": ["watchmedo", "auto-restart", "-d", res, "-R", "--patterns=*", "--debounce-interval", "0", "--signal", "SIGTERM", "--", server],
        "watchfiles": ["watchfiles", "--filter", "all", "--sigint-timeout", "1", server, res],
    }


def save_to_running(name, argv, project):
    """Save → new server's first instruction, over SAVES saves."""
    process = subprocess.Popen(argv, cwd=project.dir, env=project.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if not wait_for(lambda: line_count(project.starts) >= 1, 30, 0.01):
            return None, "did not start the server"
        time.sleep(1.0)  # let watchers finish setting up (no common readiness signal)
        samples = []
        for i in range(SAVES):
            before = line_count(project.starts)
            t0 = time.time_ns()
            with open(project.file, "a") as f:
                f.write(f"// save {i}\n")
            if not wait_for(lambda: line_count(project.starts) > before, 10):
                return samples, f"no restart after save {i}"
            with open(project.starts) as f:
                started = int(f.read().split()[-1])
            samples.append(started - t0)
            time.sleep(0.02)
        return samples, None
    finally:
        stop(process)


class ClientSim(http.server.BaseHTTPRequestHandler):
    """A game client that is always in MAIN_MENU and records when each POST arrives."""
    posts = []

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "9")
        self.end_headers()
        self.wfile.write(b"MAIN_MENU")

    def do_POST(self):
        ClientSim.posts.append(time.time_ns())
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def ready_to_post(base, port):
    """Ready line printed → POST /reconnect received: altv-dev, and grep -m1 | curl as the floor."""
    url = f"http://127.0.0.1:{port}"
    results = {}
    project = Project(base, "reconnect", reconnect_url=url)
    output = os.path.join(project.dir, "out.log")
    ClientSim.posts = []
    with open(output, "w") as out:
        process = subprocess.Popen([ALTV_DEV, "watch"], cwd=project.dir, env=project.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: len(ClientSim.posts) >= 1, 30, 0.01)
        for i in range(RECONNECTS):
            count = len(ClientSim.posts)
            with open(project.file, "a") as f:
                f.write(f"// reconnect {i}\n")
            wait_for(lambda: len(ClientSim.posts) > count, 10)
    finally:
        stop(process)
    readies = [int(l.split()[-1]) for l in open(output) if "Server started" in l and l.split()[-1].isdigit()]
    results["altv-dev"] = [post - ready for ready, post in zip(readies, ClientSim.posts) if post > ready]
    ClientSim.posts = []
    floor = []
    for _ in range(RECONNECTS):
        count = len(ClientSim.posts)
        run = subprocess.run(["bash", "-c", f'coproc S {{ exec "{project.server}" 2>/dev/null; }}; grep -m1 "Server started" <&${{S[0]}}; curl -s -o /dev/null -X POST --data pw {url}/reconnect; kill $S_PID'],
                             capture_output=True, text=True, env=project.env(), timeout=10, start_new_session=True)
        wait_for(lambda: len(ClientSim.posts) > count, 5)
        ready = int(run.stdout.split()[-1])
        floor.append(ClientSim.posts[-1] - ready)
    results["grep -m1 \\| curl (floor)"] = floor
    return results


def make_tree(base):
    tree = os.path.join(base, "tree")
    if os.path.exists(os.path.join(tree, ".done")):
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    per_folder = TREE_FILES // TREE_FOLDERS
    for i in range(TREE_FOLDERS):
        folder = os.path.join(tree, "resources", f"r{i // 100}", f"f{i}")
        os.makedirs(folder)
        for j in range(per_folder):
            open(os.path.join(folder, f"{j}.js"), "w").close()
    ignored = os.path.join(tree, "resources", "node_modules")
    for i in range(IGNORED_FILES // 10):
        folder = os.path.join(ignored, f"m{i}")
        os.makedirs(folder)
        for j in range(10):
            open(os.path.join(folder, f"{j}.js"), "w").close()
    with open(os.path.join(tree, "altv-dev.toml"), "w") as f:
        f.write(f'[server]\ncommand = ["{os.path.join(ROOT, "bench", ".work", "server")}"]\nport = 1\n\n'
                '[watch]\npaths = ["resources"]\nignore = ["node_modules/"]\n\n[reconnect]\nenabled = false\n')
    open(os.path.join(tree, ".done"), "w").close()
    return tree


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start_and_idle(tree):
    """Launch → watching the tree (altv-dev, inotifywait -r), then idle CPU and memory (all)."""
    res = os.path.join(tree, "resources")
    runs = {
        "altv-dev": ([ALTV_DEV, "watch", "--verbose"], "debug: watching", "stdout"),
        "inotifywait -r": (["inotifywait", "-m", "-r", "-q", "--exclude", "node_modules", res], "Watches established", "stderr"),
        "watchmedo auto-restart": (["watchmedo", "auto-restart", "-d", res, "-R", "--ignore-patterns=*/node_modules/*", "--", "sleep", "100000"], None, None),
        "watchfiles": (["watchfiles", "--filter", "default", "sleep 100000", res], None, None),
    }
    results = {}
    for name, (argv, marker, stream) in runs.items():
        if not shutil.which(argv[0]):
            notes.append(f"{name}: not installed, skipped")
            continue
        sh("sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null", check=False)
        t0 = time.monotonic_ns()
        if name == "inotifywait -r":
            # inotifywait says "Watches established." only without -q.
            argv = [a for a in argv if a != "-q"]
        process = subprocess.Popen(argv, cwd=tree, env=dict(os.environ, NO_COLOR="1", BENCH_STARTS="/dev/null"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True)
        cold = None
        folders = ""
        if marker:
            pipe = process.stdout if stream == "stdout" else process.stderr
            for line in pipe:
                if marker in line:
                    cold = time.monotonic_ns() - t0
                    folders = line.strip()
                    break
            threading.Thread(target=lambda p=pipe: [None for _ in p], daemon=True).start()
        other = process.stderr if stream == "stdout" else process.stdout
        threading.Thread(target=lambda p=other: [None for _ in p], daemon=True).start()
        time.sleep(5 if cold is None else 1)
        start_ticks = cpu_ticks(process.pid)
        time.sleep(IDLE_SECONDS)
        ticks = cpu_ticks(process.pid) - start_ticks
        memory = rss_mb(process.pid)
        stop(process)
        results[name] = (cold, ticks, memory, folders)
    return results


def throughput(base):
    """FLOOD_BYTES of log lines from the server: straight to a file, and through altv-dev."""
    line = "[12:00:00][js] tick: the quick brown fox jumps over the lazy dog 0123456789"
    command = f"yes '{line}' | head -c {FLOOD_BYTES}"
    target = os.path.join(base, "direct.log")
    t0 = time.monotonic()
    sh(f"{command} > {target}", check=True)
    direct = time.monotonic() - t0
    project = Project(base, "throughput", server_command=f'["sh", "-c", "{command}; echo FLOOD-DONE; exec {os.path.join(ROOT, "bench", ".work", "server")}"]')
    output = os.path.join(base, "through.log")
    t0 = time.monotonic()
    with open(output, "w") as out:
        process = subprocess.Popen([ALTV_DEV, "watch"], cwd=project.dir, env=project.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    # The output path's time: until the flood's last line is through (the cycle's verdict comes 250 ms later).
    wait_for(lambda: b"FLOOD-DONE\n" in tail(output), 600, 0.01)
    through = time.monotonic() - t0
    wait_for(lambda: b"\xe2\x9c\x93 #1" in tail(output), 600, 0.05)
    peak = peak_rss_mb(process.pid)
    stop(process)
    return direct, through, peak


def tail(path, size=4096):
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - size))
        return f.read()


def peak_rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def storm(base, name, argv_for):
    """10,000 writes within one second over 100 files: how many restarts, and when the last began."""
    project = Project(base, "storm-" + name.split()[0])
    argv = argv_for(project)
    process = subprocess.Popen(argv, cwd=project.dir, env=project.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if not wait_for(lambda: line_count(project.starts) >= 1, 30, 0.01):
            return None
        time.sleep(1.0)
        before = line_count(project.starts)
        files = [os.path.join(project.dir, "resources", "core", f"s{i}.js") for i in range(100)]
        t0 = time.time_ns()
        for i in range(10_000):
            with open(files[i % 100], "a") as f:
                f.write("x")
            target = t0 + (i + 1) * 100_000  # spread over one second
            while time.time_ns() < target:
                pass
        storm_end = time.time_ns()
        time.sleep(5)
        starts = [int(x) for x in open(project.starts).read().split()][before:]
        return len(starts), ((starts[-1] - t0) / 1e6 if starts else None), (storm_end - t0) / 1e6
    finally:
        stop(process)


POLL_SECONDS = int(os.environ.get("BENCH_POLL_SECONDS", "60"))
POLL_SAVES = int(os.environ.get("BENCH_POLL_SAVES", "40"))


def polling(work, base):
    """Polling where inotify is blind: the 10k-folder tree swept every 500 ms by altv-dev
    (backend = "poll"), watchfiles (force_polling) and watchdog's polling observer; CPU and memory
    over POLL_SECONDS, then save → restart with altv-dev's poll backend on a small project."""
    tree = make_tree(work)
    res = os.path.join(tree, "resources")
    config = os.path.join(tree, "altv-dev-poll.toml")
    with open(os.path.join(tree, "altv-dev.toml")) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace('ignore = ["node_modules/"]', 'ignore = ["node_modules/"]\nbackend = "poll"\npoll_interval = "500ms"'))
    watchfiles_script = ("import sys, watchfiles\n"
                         "for _ in watchfiles.watch(sys.argv[1], force_polling=True, poll_delay_ms=500): pass\n")
    runs = {
        "**altv-dev** (backend = \"poll\")": [ALTV_DEV, "watch", "--config", config],
        "watchfiles (force_polling, poll_delay_ms=500)": [sys.executable, "-c", watchfiles_script, res],
        "watchmedo auto-restart --debug-force-polling --interval 0.5": [
            "watchmedo", "auto-restart", "--debug-force-polling", "--interval", "0.5", "-d", res, "-R",
            "--ignore-patterns=*/node_modules/*", "--", "sleep", "100000"],
    }
    results = {}
    for name, argv in runs.items():
        if not shutil.which(argv[0]):
            notes.append(f"{name}: not installed, skipped")
            continue
        process = subprocess.Popen(argv, cwd=tree, env=dict(os.environ, NO_COLOR="1", BENCH_STARTS="/dev/null"),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(5)  # past the first full walk of every tool
        start = cpu_ticks(process.pid) + sum(cpu_ticks(c) for c in children(process.pid))
        time.sleep(POLL_SECONDS)
        ticks = cpu_ticks(process.pid) + sum(cpu_ticks(c) for c in children(process.pid)) - start
        results[name] = (ticks, rss_mb(process.pid))
        stop(process)
    project = Project(base, "poll-save", watch_extra='backend = "poll"\npoll_interval = "500ms"\n')
    global SAVES
    saved, SAVES = SAVES, POLL_SAVES
    samples, problem = save_to_running("altv-dev poll", [ALTV_DEV, "watch"], project)
    SAVES = saved
    if problem:
        notes.append(f"altv-dev poll save → restart: {problem}")
    return results, samples or []


def children(pid):
    """Direct children's pids (the Python tools poll in their own process, the others in threads)."""
    try:
        return [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def polling_section(work, base, say):
    say(f"## 7. Polling {TREE_FOLDERS:,} folders / {TREE_FILES:,} files every 500 ms (+ {IGNORED_FILES:,} ignored), {POLL_SECONDS} s")
    say()
    results, samples = polling(work, base)
    sweeps = POLL_SECONDS * 2
    say("| tool | CPU per minute | CPU per sweep | ratio to the better peer | resident memory |")
    say("|---|---|---|---|---|")
    peers = [ticks for name, (ticks, _) in results.items() if not name.startswith("**")]
    better = min(peers) if peers else None
    for name, (ticks, memory) in results.items():
        per_minute = ticks * 10 * 60 / POLL_SECONDS
        ratio = f"{ticks / better:.2f}×" if better else "—"
        say(f"| {name} | {per_minute / 1000:.2f} s | {ticks * 10 / sweeps:.1f} ms | {ratio} | {memory:.1f} MB |")
    say()
    if samples:
        say(f"Save → new server running with `backend = \"poll\"` (500 ms interval, 100 ms debounce), {len(samples)} saves: "
            f"p50 {ms(percentile(samples, 50))}, p95 {ms(percentile(samples, 95))} (aim: p95 ≤ 620 ms).")
        say()


def prepare():
    """Peers installed, the trivial server built, a temp folder, and a `say` that prints and keeps each line."""
    install_peers()
    work = os.path.join(ROOT, "bench", ".work")
    os.makedirs(work, exist_ok=True)
    subprocess.run(["gcc", "-O2", "-o", os.path.join(work, "server"), os.path.join(ROOT, "bench", "server.c")], check=True)
    base = tempfile.mkdtemp(prefix="altv-dev-bench-")
    lines = []
    say = lambda text="": (print(text, flush=True), lines.append(text))
    return work, base, lines, say


def only_polling():
    """BENCH_ONLY=polling: section 7 alone."""
    work, base, lines, say = prepare()
    polling_section(work, base, say)
    if notes:
        say("Notes: " + "; ".join(notes) + ".")
    shutil.rmtree(base, ignore_errors=True)
    with open(os.path.join(ROOT, "bench", "results", "polling.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def soak(base, cycles):
    """`cycles` save → restart cycles on the simulated server (no start delay): what altv-dev holds
    at cycle 100 and at the end (resident memory, descriptors, threads), and zombies."""
    project = Project(base, "soak", debounce="1ms", server_command=f'["{ALTV_DEV}", "sim", "server", "--startup-delay", "0ms"]')
    output = os.path.join(base, "soak.log")
    with open(output, "w") as out:
        process = subprocess.Popen([ALTV_DEV, "watch"], cwd=project.dir, env=project.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    def holdings():
        status = open(f"/proc/{process.pid}/status").read()
        field = lambda name: int(next(l for l in status.splitlines() if l.startswith(name + ":")).split()[1])
        zombies = sum(1 for pid in os.listdir("/proc") if pid.isdigit() and _is_zombie_child(pid, process.pid))
        return field("VmRSS") / 1024, len(os.listdir(f"/proc/{process.pid}/fd")), field("Threads"), zombies
    wait_for(lambda: b"\xe2\x9c\x93 #1 " in tail(output, 65536), 60, 0.01)
    at = {}
    t0 = time.monotonic()
    for cycle in range(2, cycles + 1):
        with open(project.file, "a") as f:
            f.write(f"// {cycle}\n")
        marker = f"\u2713 #{cycle} ".encode()
        if not wait_for(lambda: marker in tail(output, 65536), 60, 0.002):
            notes.append(f"soak: cycle {cycle} did not finish")
            break
        if cycle in (100, cycles):
            at[cycle] = holdings()
    took = time.monotonic() - t0
    stop(process)
    return at, took


def _is_zombie_child(pid, parent):
    try:
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return stat[0] == "Z" and stat[1] == str(parent)


def only_soak():
    """BENCH_ONLY=soak: the 1,000-cycle soak alone."""
    base = tempfile.mkdtemp(prefix="altv-dev-bench-")
    cycles = int(os.environ.get("BENCH_SOAK_CYCLES", "1000"))
    at, took = soak(base, cycles)
    for cycle, (rss, fds, threads, zombies) in sorted(at.items()):
        print(f"cycle {cycle}: {rss:.1f} MB resident, {fds} descriptors, {threads} threads, {zombies} zombies")
    if 100 in at and cycles in at:
        print(f"{cycles} cycles in {took:.0f} s; RSS growth cycle 100 → {cycles}: {at[cycles][0] - at[100][0]:+.2f} MB")
    if notes:
        print("Notes: " + "; ".join(notes))
    shutil.rmtree(base, ignore_errors=True)


def only_reconnect():
    """BENCH_ONLY=reconnect: section 2 alone (ready line → POST received)."""
    work, base, lines, say = prepare()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClientSim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    reconnect = ready_to_post(base, server.server_address[1])
    server.shutdown()
    for name, samples in reconnect.items():
        print(f"{name}: p50 {ms(percentile(samples, 50))}, p95 {ms(percentile(samples, 95))} ({len(samples)} samples)")
    shutil.rmtree(base, ignore_errors=True)


def only_throughput():
    """BENCH_ONLY=throughput: section 5 alone, for profiling the output path."""
    base = tempfile.mkdtemp(prefix="altv-dev-bench-")
    direct, through, peak = throughput(base)
    print(f"direct {direct:.2f} s, through altv-dev {through:.2f} s ({direct / through:.2f}×), peak RSS {peak:.1f} MB")
    shutil.rmtree(base, ignore_errors=True)


def main():
    if not os.path.exists(ALTV_DEV):
        sys.exit("build the release binary first: swift build -c release --product altv-dev (or: make bench)")
    work, base, lines, say = prepare()

    say("# altv-dev benchmarks")
    say()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    say(f"Machine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}; {swift}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    say(f"Release build; {SAVES} saves per tool; the same trivial server (bench/server.c) for every tool.")
    say()

    say("## 1. Save → new server running (its first instruction)")
    say()
    say("| tool | debounce | p50 | p95 | vs floor p50 |")
    say("|---|---|---|---|---|")
    rows = []
    probe = Project(base, "probe")
    for name, argv in tools(probe).items():
        if not shutil.which(argv[0] if argv[0] != "bash" else ("inotifywait" if "inotifywait" in argv[2] else "entr")):
            notes.append(f"{name}: not installed, skipped")
            continue
        project = Project(base, "save-" + name.split()[0])
        samples, problem = save_to_running(name, tools(project)[name], project)
        if problem:
            notes.append(f"{name}: {problem}")
        if samples:
            rows.append((name, "smallest (none)" if name != "watchfiles" else "built-in ~50 ms step", samples))
    for debounce, label in [("1ms", "1ms"), ("100ms", "100ms (default)")]:
        project = Project(base, f"save-altv-dev-{debounce}", debounce=debounce)
        samples, problem = save_to_running("altv-dev", [ALTV_DEV, "watch"], project)
        if problem:
            notes.append(f"altv-dev ({debounce}): {problem}")
        rows.append(("**altv-dev**", label, samples or []))
    floor = percentile(rows[0][2], 50) if rows and "floor" in rows[0][0] else None
    for name, debounce, samples in rows:
        p50 = percentile(samples, 50)
        ratio = f"{p50 / floor:.2f}×" if floor else "—"
        say(f"| {name} | {debounce} | {ms(p50)} | {ms(percentile(samples, 95))} | {ratio} |")
    say()

    say("## 2. Ready line → POST /reconnect received")
    say()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClientSim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    reconnect = ready_to_post(base, server.server_address[1])
    server.shutdown()
    say("| tool | p50 | p95 | ratio to floor p50 |")
    say("|---|---|---|---|")
    floor = percentile(reconnect["grep -m1 \\| curl (floor)"], 50)
    for name, samples in reconnect.items():
        say(f"| {name} | {ms(percentile(samples, 50))} | {ms(percentile(samples, 95))} | {percentile(samples, 50) / floor:.2f}× |")
    say()

    say(f"## 3–4. Cold start on {TREE_FOLDERS:,} folders / {TREE_FILES:,} files (+ {IGNORED_FILES:,} ignored in node_modules/), then {IDLE_SECONDS} s idle")
    say()
    tree = make_tree(work)
    idle = cold_start_and_idle(tree)
    say("| tool | launch → watching | ratio to inotifywait | CPU ticks idle | resident memory |")
    say("|---|---|---|---|---|")
    base_cold = idle.get("inotifywait -r", (None,))[0]
    for name, (cold, ticks, memory, folders) in idle.items():
        ratio = f"{cold / base_cold:.2f}×" if cold and base_cold else "—"
        say(f"| {name} | {ms(cold) if cold else 'no readiness signal'} | {ratio} | {ticks} | {memory:.1f} MB |")
    if "altv-dev" in idle:
        say()
        say(f"altv-dev reported: `{idle['altv-dev'][3]}` (node_modules/ is neither walked nor watched).")
    say()

    say(f"## 5. Output throughput: {FLOOD_BYTES // (1024 * 1024)} MB of log lines")
    say()
    direct, through, peak = throughput(base)
    say("| path | time | ratio |")
    say("|---|---|---|")
    say(f"| server → file | {direct:.2f} s | 1.00× |")
    say(f"| server → altv-dev → file | {through:.2f} s | {direct / through:.2f}× of direct (peak RSS {peak:.1f} MB) |")
    say()

    say("## 6. Storm: 10,000 writes within one second")
    say()
    say("| tool | restarts | last restart began (ms after the first write) | storm lasted |")
    say("|---|---|---|---|")
    storm_tools = [("**altv-dev** (100ms)", lambda p: [ALTV_DEV, "watch"])] + [
        (name, lambda p, n=name: tools(p)[n]) for name in tools(probe) if name.startswith(("entr", "reflex", "watchmedo", "watchfiles"))]
    for name, argv_for in storm_tools:
        result = storm(base, name, argv_for)
        if result is None:
            say(f"| {name} | did not start | | |")
            continue
        count, last, length = result
        say(f"| {name} | {count} | {f'{last:.0f}' if last is not None else 'none'} | {length:.0f} ms |")
    say()
    polling_section(work, base, say)
    if notes:
        say("Notes: " + "; ".join(notes) + ".")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "latest.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    {"throughput": only_throughput, "polling": only_polling, "soak": only_soak, "reconnect": only_reconnect}.get(os.environ.get("BENCH_ONLY", ""), main)()
