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
# The binary `make dist` ships (static Swift runtime): measured for memory beside the dynamic build.
ALTV_DEV_STATIC = os.path.join(ROOT, ".build", "static", "release", "altv-dev")
SAVES = int(os.environ.get("BENCH_SAVES", "100"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# Every tool gets this long after each restart before the next save: entr and watchmedo drop a
# save that lands while they restart, which says nothing about how fast they are.
SETTLE = float(os.environ.get("BENCH_SETTLE", "0.3"))
MISSED_AFTER = 3.0
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

    def __init__(self, base, name, debounce=None, reconnect_url=None, server_command=None, watch_extra="", output=None):
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
            f.write(f'[server]\ncommand = {command}\nstop_signal = "SIGTERM"\nport = 1\n' + (f'output = "{output}"\n' if output else "") + '\n'
                    f'[watch]\npaths = ["resources"]\n' + (f'debounce = "{debounce}"\n' if debounce else "") + f'{watch_extra}\n[reconnect]\n{reconnect}\n')

    def env(self):
        return dict(os.environ, BENCH_STARTS=self.starts, NO_COLOR="1")


def tools(project):
    """Each tool restarting the trivial server on a change under resources/, smallest debounce."""
    server, res = project.server, os.path.join(project.dir, "resources")
    return {
        "inotifywait loop (floor)": ["bash", "-c", f'"{server}" & p=$!; while inotifywait -qq -r -e close_write,moved_to,create,delete "{res}"; do kill $p; wait $p; "{server}" & p=$!; done'],
        "entr -r": ["bash", "-c", f'find "{res}" -type f | entr -rn "{server}"'],
        # Only resources/: reflex watches its working folder, where the server writes starts.log.
        "reflex -s": ["reflex", "-s", "-d", "none", "-r", "^resources/", "--", server],
        # No --patterns: with watchdog 7.1, --patterns='*' matches no file in a subfolder, so a save to
        # resources/core/index.js never restarts (by hand: `watchmedo auto-restart -d res -R --patterns='*'
        # -- server`, then `echo >> res/sub/b.js`: no restart; `echo >> res/b.js`: a restart).
        "watchmedo auto-restart": ["watchmedo", "auto-restart", "-d", res, "-R", "--debounce-interval", "0", "--signal", "SIGTERM", "--", server],
        "watchfiles": ["watchfiles", "--filter", "all", "--sigint-timeout", "1", server, res],
    }


def save_to_running(name, argv, project, saves=None):
    """Save → new server's first instruction. Each tool first shows it watches (a probe save that
    restarts the server, not counted), then gets SETTLE after every restart. Returns the samples,
    the saves that gave no restart within MISSED_AFTER, the restarts beyond one per save, and a problem."""
    saves = saves or SAVES
    process = subprocess.Popen(argv, cwd=project.dir, env=project.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if not wait_for(lambda: line_count(project.starts) >= 1, 30, 0.01):
            return [], saves, 0, "did not start the server"
        if not any(_probe_save(project) for _ in range(10)):
            return [], saves, 0, "no restart after 10 probe saves, 3 s apart"
        time.sleep(SETTLE)
        samples, missed, extra = [], 0, 0
        for i in range(saves):
            before = line_count(project.starts)
            t0 = time.time_ns()
            with open(project.file, "a") as f:
                f.write(f"// save {i}\n")
            if not wait_for(lambda: line_count(project.starts) > before, MISSED_AFTER):
                missed += 1
                continue
            with open(project.starts) as f:
                started = [int(x) for x in f.read().split()][before:]
            samples.append(started[0] - t0)
            time.sleep(SETTLE)
            extra += max(0, line_count(project.starts) - before - 1)
        return samples, missed, extra, None
    finally:
        stop(process)


def _probe_save(project):
    before = line_count(project.starts)
    with open(project.file, "a") as f:
        f.write("// probe\n")
    return wait_for(lambda: line_count(project.starts) > before, MISSED_AFTER)


def median_of_runs(values):
    """The median of per-run figures, and their spread as min–max."""
    values = [v for v in values if v == v]
    if not values:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(values), min(values), max(values)


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

    def handle(self):
        # altv-dev closes a request it no longer needs (a newer cycle cancelled the reconnect).
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass


def ready_to_post(base, port, run=0):
    """Ready line printed → POST /reconnect received: altv-dev with the server's output on a
    pseudo-terminal (the default) and on a pipe, and grep -m1 | curl as the floor."""
    url = f"http://127.0.0.1:{port}"
    results = {}
    for transport in ("pty", "pipe"):
        project = Project(base, f"reconnect-{run}-{transport}", reconnect_url=url, output=transport)
        results[f"altv-dev (output = {transport})"] = altv_dev_ready_to_post(project)
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


def altv_dev_ready_to_post(project):
    """RECONNECTS saves, each restarting the server: ready line's own timestamp → POST received."""
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
    return [post - ready for ready, post in zip(readies, ClientSim.posts) if post > ready]


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
        "altv-dev, static (as `make dist` ships it)": ([ALTV_DEV_STATIC, "watch", "--verbose"], "debug: watching", "stdout"),
        "inotifywait -r": (["inotifywait", "-m", "-r", "-q", "--exclude", "node_modules", res], "Watches established", "stderr"),
        "watchmedo auto-restart": (["watchmedo", "auto-restart", "-d", res, "-R", "--ignore-patterns=*/node_modules/*", "--", "sleep", "100000"], None, None),
        "watchfiles": (["watchfiles", "--filter", "default", "sleep 100000", res], None, None),
    }
    results = {}
    for name, (argv, marker, stream) in runs.items():
        if not shutil.which(argv[0]) and not os.access(argv[0], os.X_OK):
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


def throughput(base, transport):
    """FLOOD_BYTES of log lines from the server: straight to a file, and through altv-dev with the
    server's output on `transport` ("pty" or "pipe"); with altv-dev's peak memory and its own CPU seconds."""
    line = "[12:00:00][js] tick: the quick brown fox jumps over the lazy dog 0123456789"
    command = f"yes '{line}' | head -c {FLOOD_BYTES}"
    target = os.path.join(base, "direct.log")
    t0 = time.monotonic()
    sh(f"{command} > {target}", check=True)
    direct = time.monotonic() - t0
    project = Project(base, f"throughput-{transport}", output=transport,
                      server_command=f'["sh", "-c", "{command}; echo FLOOD-DONE; exec {os.path.join(ROOT, "bench", ".work", "server")}"]')
    output = os.path.join(base, f"through-{transport}.log")
    t0 = time.monotonic()
    with open(output, "w") as out:
        process = subprocess.Popen([ALTV_DEV, "watch"], cwd=project.dir, env=project.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    # The output path's time: until the flood's last line is through (the cycle's verdict comes 250 ms later).
    wait_for(lambda: b"FLOOD-DONE\n" in tail(output), 600, 0.01)
    through = time.monotonic() - t0
    cpu = cpu_ticks(process.pid) / os.sysconf("SC_CLK_TCK")
    wait_for(lambda: b"\xe2\x9c\x93 #1" in tail(output), 600, 0.05)
    peak = peak_rss_mb(process.pid)
    stop(process)
    return direct, through, peak, cpu


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


def storm(base, name, argv_for, kind="storm"):
    """A burst, its files made before the tool starts (entr watches only the files it is given):
    "storm" 10,000 writes spread over one second to 100 files; "saves" 40 files saved back to back;
    "checkout" a `git checkout` that rewrites 500 files. How many restarts, and when the last began."""
    project = Project(base, "burst-" + "".join(c for c in name if c.isalnum() or c == "-"))
    core = os.path.join(project.dir, "resources", "core")
    count = {"storm": 100, "saves": 40, "checkout": 500}[kind]
    files = [os.path.join(core, f"b{i}.js") for i in range(count)]
    for path in files:
        with open(path, "w") as f:
            f.write("// base\n")
    if kind == "checkout":
        git = f"git -C {project.dir} -c user.email=b@e -c user.name=bench"
        sh(f"{git} init -q && {git} add -A && {git} commit -qm base && {git} checkout -qb other", check=True)
        for path in files:
            with open(path, "w") as f:
                f.write("// other branch\n")
        sh(f"{git} commit -qam other && {git} checkout -q -", check=True)
    process = subprocess.Popen(argv_for(project), cwd=project.dir, env=project.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if not wait_for(lambda: line_count(project.starts) >= 1, 30, 0.01) or not any(_probe_save(project) for _ in range(10)):
            return None
        time.sleep(SETTLE)
        before = line_count(project.starts)
        t0 = time.time_ns()
        if kind == "storm":
            for i in range(10_000):
                with open(files[i % 100], "a") as f:
                    f.write("x")
                target = t0 + (i + 1) * 100_000  # spread over one second
                while time.time_ns() < target:
                    pass
        elif kind == "saves":
            for path in files:
                with open(path, "a") as f:
                    f.write("// saved\n")
        else:
            sh(f"git -C {project.dir} checkout -q other", check=True)
        burst_end = time.time_ns()
        time.sleep(3)
        starts = [int(x) for x in open(project.starts).read().split()][before:]
        return len(starts), ((starts[-1] - t0) / 1e6 if starts else None), (burst_end - t0) / 1e6
    finally:
        stop(process)


POLL_SECONDS = int(os.environ.get("BENCH_POLL_SECONDS", "20"))
POLL_SAVES = int(os.environ.get("BENCH_POLL_SAVES", "40"))


def polling(work, base, saves=True):
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
    if not saves:
        return results, []
    project = Project(base, "poll-save", watch_extra='backend = "poll"\npoll_interval = "500ms"\n')
    samples, missed, _, problem = save_to_running("altv-dev poll", [ALTV_DEV, "watch"], project, saves=POLL_SAVES)
    if missed:
        notes.append(f"altv-dev poll: {missed} of {POLL_SAVES} saves gave no restart within {MISSED_AFTER:.0f} s")
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
    say(f"## 7. Polling {TREE_FOLDERS:,} folders / {TREE_FILES:,} files every 500 ms (+ {IGNORED_FILES:,} ignored), {POLL_SECONDS} s × {RUNS} runs")
    say()
    runs = [polling(work, base, saves=run == 0) for run in range(RUNS)]
    samples = runs[0][1]
    sweeps = POLL_SECONDS * 2
    say("| tool | CPU per minute (median) | spread | CPU per sweep | ratio to the better peer | resident memory (median) |")
    say("|---|---|---|---|---|---|")
    ticks_of = {name: [r[0][name][0] for r in runs if name in r[0]] for name in runs[0][0]}
    peers = [statistics.median(t) for name, t in ticks_of.items() if not name.startswith("**")]
    better = min(peers) if peers else None
    per_minute = lambda ticks: ticks * 10 * 60 / POLL_SECONDS / 1000
    for name, ticks in ticks_of.items():
        middle = statistics.median(ticks)
        ratio = f"{middle / better:.2f}×" if better else "—"
        memory = statistics.median([r[0][name][1] for r in runs if name in r[0]])
        say(f"| {name} | {per_minute(middle):.2f} s | {per_minute(min(ticks)):.2f} – {per_minute(max(ticks)):.2f} s | "
            f"{middle * 10 / sweeps:.1f} ms | {ratio} | {memory:.1f} MB |")
    say()
    if samples:
        say(f"Save → new server running with `backend = \"poll\"` (500 ms interval, the default 30 ms debounce), {len(samples)} saves: "
            f"p50 {ms(percentile(samples, 50))}, p95 {ms(percentile(samples, 95))} (aim: p95 ≤ interval + debounce + 20 ms = 550 ms).")
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


def only_section(section, name):
    """BENCH_ONLY=<name>: one section alone, into bench/results/<name>.md."""
    work, base, lines, say = prepare()
    section(work, base, say)
    if notes:
        say("Notes: " + "; ".join(notes) + ".")
    shutil.rmtree(base, ignore_errors=True)
    with open(os.path.join(ROOT, "bench", "results", f"{name}.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


only_reconnect = lambda: only_section(lambda w, b, say: reconnect_section(b, say), "reconnect")
only_throughput = lambda: only_section(lambda w, b, say: throughput_section(b, say), "throughput")
only_latency = lambda: only_section(lambda w, b, say: latency_section(b, say), "latency")
only_idle = lambda: only_section(lambda w, b, say: idle_section(w, say), "idle")
only_bursts = lambda: only_section(lambda w, b, say: bursts_section(b, Project(b, "probe-bursts"), say), "bursts")


def spread(values, unit=ms):
    middle, low, high = median_of_runs(values)
    return f"{unit(middle)}", f"{unit(low)} – {unit(high)}"


def latency_section(base, say):
    """Section 1: every peer at its smallest delay, altv-dev at its defaults and at 1 ms; RUNS runs, interleaved."""
    say(f"## 1. Save → new server running (its first instruction): {SAVES} saves × {RUNS} runs per row")
    say()
    say(f"Each tool first shows it watches (a probe save must restart the server), then gets {SETTLE:.1f} s after every restart before the next save: "
        f"entr and watchmedo drop a save that lands while they restart. A save with no restart within {MISSED_AFTER:.0f} s is missed; "
        "a restart beyond one per save is extra.")
    say()
    probe = Project(base, "probe")
    rows = [(name, "smallest (none)" if name != "watchfiles" else "its default", lambda p, n=name: tools(p)[n]) for name in tools(probe)]
    rows += [("**altv-dev**", "defaults (debounce 30 ms)", lambda p: [ALTV_DEV, "watch"]), ("**altv-dev**", "debounce 1 ms", lambda p: [ALTV_DEV, "watch"])]
    results = {(name, setting): [] for name, setting, _ in rows}
    for run in range(RUNS):
        for name, setting, argv_for in rows:
            exe = argv_for(probe)[0] if argv_for(probe)[0] != "bash" else ("inotifywait" if "inotifywait" in argv_for(probe)[2] else "entr")
            if not shutil.which(exe):
                continue
            project = Project(base, f"save-{run}-{len(results[(name, setting)])}-" + name.strip("*").split()[0], debounce="1ms" if setting == "debounce 1 ms" else None)
            samples, missed, extra, problem = save_to_running(name, argv_for(project), project)
            if problem:
                notes.append(f"{name} run {run + 1}: {problem}")
            results[(name, setting)].append((samples, missed, extra))
    say("| tool | settings | p50 (median of runs) | p50 spread | p95 (median) | samples | missed | extra | vs entr -r |")
    say("|---|---|---|---|---|---|---|---|---|")
    entr = median_of_runs([percentile(s, 50) for s, _, _ in results.get(("entr -r", "smallest (none)"), [])])[0]
    for (name, setting), runs in results.items():
        if not runs:
            say(f"| {name} | {setting} | not installed | | | | | | |")
            continue
        p50, low, high = median_of_runs([percentile(s, 50) for s, _, _ in runs])
        p95 = median_of_runs([percentile(s, 95) for s, _, _ in runs])[0]
        ratio = f"{p50 / entr:.2f}×" if entr == entr and p50 == p50 else "—"
        say(f"| {name} | {setting} | {ms(p50)} | {ms(low)} – {ms(high)} | {ms(p95)} | {sum(len(s) for s, _, _ in runs)} | "
            f"{sum(m for _, m, _ in runs)} | {sum(e for _, _, e in runs)} | {ratio} |")
    say()
    return results


def reconnect_section(base, say):
    say(f"## 2. Ready line → POST /reconnect received: {RECONNECTS} restarts × {RUNS} runs")
    say()
    per_tool = {}
    for run in range(RUNS):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClientSim)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        for name, samples in ready_to_post(base, server.server_address[1], run).items():
            per_tool.setdefault(name, []).append(samples)
        server.shutdown()
    say("| tool | p50 (median of runs) | p50 spread | p95 (median) | samples | ratio to floor p50 |")
    say("|---|---|---|---|---|---|")
    floor = median_of_runs([percentile(s, 50) for s in per_tool.get("grep -m1 \\| curl (floor)", [])])[0]
    for name, runs in per_tool.items():
        p50, low, high = median_of_runs([percentile(s, 50) for s in runs])
        p95 = median_of_runs([percentile(s, 95) for s in runs])[0]
        say(f"| {name} | {ms(p50)} | {ms(low)} – {ms(high)} | {ms(p95)} | {sum(len(s) for s in runs)} | {p50 / floor:.2f}× |")
    say()


def idle_section(work, say):
    say(f"## 3–4. Cold start on {TREE_FOLDERS:,} folders / {TREE_FILES:,} files (+ {IGNORED_FILES:,} ignored in node_modules/), then {IDLE_SECONDS} s idle; {RUNS} runs")
    say()
    tree = make_tree(work)
    runs = [cold_start_and_idle(tree) for _ in range(RUNS)]
    say("| tool | launch → watching (median) | spread | ratio to inotifywait | CPU ticks idle (each run) | resident memory (median) | spread |")
    say("|---|---|---|---|---|---|---|")
    base_cold = median_of_runs([r["inotifywait -r"][0] for r in runs if "inotifywait -r" in r and r["inotifywait -r"][0]])[0]
    mb = lambda v: f"{v:.1f} MB"
    for name in runs[0]:
        colds = [r[name][0] for r in runs if r[name][0]]
        cold, low, high = median_of_runs(colds) if colds else (None, None, None)
        memory, mlow, mhigh = median_of_runs([r[name][2] for r in runs])
        ticks = ", ".join(str(r[name][1]) for r in runs)
        ratio = f"{cold / base_cold:.2f}×" if cold and base_cold == base_cold else "—"
        say(f"| {name} | {ms(cold) if cold else 'no readiness signal'} | {f'{ms(low)} – {ms(high)}' if cold else ''} | {ratio} | {ticks} | {mb(memory)} | {mb(mlow)} – {mb(mhigh)} |")
    if "altv-dev" in runs[0]:
        say()
        say(f"altv-dev reported: `{runs[0]['altv-dev'][3]}` (node_modules/ is neither walked nor watched).")
    say()


def throughput_section(base, say):
    say(f"## 5. Output throughput: {FLOOD_BYTES // (1024 * 1024)} MB of log lines, {RUNS} runs, the server's output on a pseudo-terminal and on a pipe")
    say()
    runs = {"pty": [], "pipe": []}
    for _ in range(RUNS):
        for transport in runs:
            folder = tempfile.mkdtemp(dir=base)
            runs[transport].append(throughput(folder, transport))
            shutil.rmtree(folder, ignore_errors=True)
    seconds = lambda v: f"{v:.2f} s"
    say("| path | time (median) | spread | ratio direct ÷ through (median) | ratio spread | altv-dev's CPU | peak RSS |")
    say("|---|---|---|---|---|---|---|")
    every = runs["pty"] + runs["pipe"]
    say(f"| server → file | {spread([d for d, _, _, _ in every], seconds)[0]} | {spread([d for d, _, _, _ in every], seconds)[1]} | | | | |")
    for transport, measured in runs.items():
        ratio, low, high = median_of_runs([d / t for d, t, _, _ in measured])
        time, span = spread([t for _, t, _, _ in measured], seconds)
        say(f"| server → altv-dev (output = \"{transport}\") → file | {time} | {span} | **{ratio:.2f}×** | {low:.2f}× – {high:.2f}× | "
            f"{median_of_runs([c for _, _, _, c in measured])[0]:.2f} s | {median_of_runs([p for _, _, p, _ in measured])[0]:.1f} MB |")
    say()


def bursts_section(base, probe, say):
    say(f"## 6. Bursts: restarts in each of {RUNS} runs (one is right)")
    say()
    say("Peers with the settings of section 1; every file exists before the tool starts; restarts counted until 3 s after the burst.")
    say()
    say("| tool | 10,000 writes in 1 s (100 files) | 40 saves back to back (40 files) | `git checkout` of 500 files |")
    say("|---|---|---|---|")
    storm_tools = [("**altv-dev** (defaults)", lambda p: [ALTV_DEV, "watch"])] + [
        (name, lambda p, n=name: tools(p)[n]) for name in tools(probe) if name.startswith(("entr", "reflex", "watchmedo", "watchfiles"))]
    for name, argv_for in storm_tools:
        cells = []
        for kind in ("storm", "saves", "checkout"):
            counts = []
            for run in range(RUNS):
                result = storm(base, f"{name}-{kind}-{run}", argv_for, kind)
                counts.append("—" if result is None else str(result[0]))
            cells.append(", ".join(counts))
        say(f"| {name} | {' | '.join(cells)} |")
    say()


def main():
    if not os.path.exists(ALTV_DEV):
        sys.exit("build the release binary first: swift build -c release --product altv-dev (or: make bench)")
    work, base, lines, say = prepare()
    started = time.monotonic()

    say("# altv-dev benchmarks")
    say()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    say(f"Machine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}; {swift}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    say(f"Release build; every figure is the median of {RUNS} runs, with the spread (lowest – highest run); "
        "the same trivial server (bench/server.c) for every tool.")
    say()
    latency_section(base, say)
    reconnect_section(base, say)
    idle_section(work, say)
    throughput_section(base, say)
    bursts_section(base, Project(base, "probe-bursts"), say)
    polling_section(work, base, say)
    if notes:
        say("Notes: " + "; ".join(notes) + ".")
    say()
    say(f"The whole run took {(time.monotonic() - started) / 60:.0f} minutes.")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "latest.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    {"throughput": only_throughput, "polling": only_polling, "soak": only_soak, "reconnect": only_reconnect,
     "latency": only_latency, "bursts": only_bursts, "idle": only_idle}.get(os.environ.get("BENCH_ONLY", ""), main)()
