"""The live preview's latency: `briefing serve` on a corpus, an edit to one
briefing's file, and the time until the `reload` event reaches a client
of the event stream (what a browser waits for), measured from just before
the file is written. It includes the watcher's debounce, the rebuild or
patch, and the event's trip over the loopback.

Two kinds of edit, each done and undone in turn so every measurement has
one change:

- a sentence added to a paragraph in the middle of the body (an author
  fixing or extending the text): the preview patches the build;
- a tag added to the front matter: every list that shows the briefing's
  card changes, so the preview builds in full.
"""

import json
import os
import re
import socket
import statistics
import subprocess
import threading
import time

SENTENCE = " One more sentence, edit {k}."
TAG = '"bench-live-edit", '


class Events:
    """A client of `/__briefing/events`, reading one event at a time."""

    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.sendall(
            f"GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        self.buf = b""
        self._until(b"\r\n\r\n")  # the response head

    def _until(self, mark):
        while mark not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the event stream closed")
            self.buf += chunk
        head, self.buf = self.buf.split(mark, 1)
        return head

    def next(self):
        """The next event as (name, data), skipping comments."""
        while True:
            block = self._until(b"\n\n").decode("utf-8", "replace")
            name, data = None, ""
            for line in block.splitlines():
                # Chunked transfer framing: size lines are hex digits only.
                if re.fullmatch(r"[0-9a-fA-F]+\r?", line):
                    continue
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
            if name:
                return name, json.loads(data) if data else {}

    def close(self):
        self.sock.close()


def body_edit(text, k):
    """Adds (even k) or takes back (odd k) a sentence at the end of the
    first paragraph after the body's first `##` heading."""
    start = text.index("\n## ")
    para = text.index("\n\n", start) + 2
    end = text.index("\n\n", para)
    if k % 2 == 0:
        return text[:end] + SENTENCE.format(k=k) + text[end:]
    return re.sub(re.escape(SENTENCE.format(k=k - 1)), "", text, count=1)


def tag_edit(text, k):
    """Adds (even k) or takes back (odd k) a tag, in TOML or YAML front
    matter."""
    toml, yaml = ("tags = [", "tags = [" + TAG), ("tags:\n", f"tags:\n  - {TAG.rstrip(', ')}\n")
    form = toml if toml[0] in text else yaml
    if k % 2 == 0:
        return text.replace(form[0], form[1], 1)
    return text.replace(form[1], form[0], 1)


def start(binary, site, log):
    """Starts `serve` on a free port; returns the process and the port once
    the first build is served."""
    proc = subprocess.Popen(
        [binary, "--site", site, "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=log, text=True,
    )
    for line in proc.stdout:
        m = re.match(r"Serving http://127\.0\.0\.1:(\d+)/", line)
        if m:
            # Its lines are read on, so that a full pipe never stops it.
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, int(m.group(1))
    raise RuntimeError("serve exited before serving")


def measure(binary, site, victim, edits, log_path):
    """Times `edits` edits of each kind to `victim`; returns the figures in
    milliseconds: end to end (write → event) and the server's own build
    time, medians and ranges."""
    with open(victim, encoding="utf-8") as f:
        original = f.read()
    figures = {}
    with open(log_path, "w") as log:
        proc, port = start(binary, site, log)
        events = None
        try:
            events = Events(port, timeout=60)
            name, _ = events.next()  # the state on connecting
            assert name == "ok", name
            for kind, edit in (("body", body_edit), ("tag", tag_edit)):
                text, ends, builds = original, [], []
                for k in range(edits if kind == "body" else max(2, edits // 3)):
                    text = edit(text, k)
                    # Let the previous change settle before the next one.
                    time.sleep(0.3)
                    t0 = time.perf_counter()
                    with open(victim, "w", encoding="utf-8") as f:
                        f.write(text)
                    name, data = events.next()
                    ends.append((time.perf_counter() - t0) * 1000)
                    if name != "reload":
                        raise RuntimeError(f"expected a reload after the edit, got {name}: {data}")
                    builds.append(data.get("millis", 0))
                figures[kind] = {
                    "end_to_end_ms": statistics.median(ends),
                    "end_to_end_range": (min(ends), max(ends)),
                    "build_ms": statistics.median(builds),
                    "edits": len(ends),
                }
                if text != original:
                    with open(victim, "w", encoding="utf-8") as f:
                        f.write(original)
                    events.next()
        finally:
            if events:
                events.close()
            proc.terminate()
            proc.wait(timeout=30)
            with open(victim, "w", encoding="utf-8") as f:
                f.write(original)
    return figures


def pick_victim(site):
    """The briefing in the middle of the sorted list of a corpus's files."""
    files = []
    for dirpath, _, names in os.walk(os.path.join(site, "content")):
        if os.path.basename(dirpath).startswith("2"):
            files += [os.path.join(dirpath, n) for n in names if n.endswith(".md")]
    files.sort()
    return files[len(files) // 2]
