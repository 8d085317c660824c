#!/usr/bin/env python3
"""Write a synthetic `briefing` site for the benchmark.

    python3 bench/gen_corpus.py -n 10000 --out /dev/shm/briefing-10k

The site looks like a real one: `briefing.toml` with a `base_url`, one
briefing per file under `content/YEAR/`, 25 company profiles in
`content/companies/`, 15 story intros in `content/stories/` and an About
page. Each briefing has 600-1,200 words of generated prose under `##`
sections, a "What changed" list, a numbered list, a blockquote, links (to
the web and to earlier briefings by file), an "In simple terms," takeaway,
and in about one briefing in five a table, in another one in five a fenced
code block (Rust, Python or JSON). Front matter varies the way real authors
vary it: TOML mostly, YAML sometimes; key points in front matter or inferred
from the body; one author, two, or the site default; the source in front
matter, as a `Source:` line, or as a list of sources.

Deterministic: the files depend only on --seed and -n, so the same command
writes byte-identical files. Python 3 standard library only.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import sys

import corpus_words as W

FIRST_DAY = dt.datetime(2021, 1, 4, 7, 0)
LAST_DAY = dt.datetime(2026, 10, 30, 19, 0)
SLUG_MAX = 80
MIN_WORDS, MAX_WORDS = 600, 1200


# ---------------------------------------------------------------- helpers


def slugify(text):
    """The slug `briefing` derives from a title (ASCII titles only): letters
    and digits kept and lower-cased, apostrophes dropped, any other run of
    characters one dash, cut at a dash to 80 bytes."""
    out = []
    pending = False
    for c in text:
        if c.isascii() and c.isalnum():
            if pending:
                out.append("-")
                pending = False
            out.append(c.lower())
        elif c == "'":
            continue
        else:
            pending = bool(out)
    slug = "".join(out)
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX]
        cut = slug.rfind("-")
        if cut >= SLUG_MAX // 2:
            slug = slug[:cut]
        slug = slug.rstrip("-")
    return slug


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(xs):
    return "[" + ", ".join(toml_str(x) for x in xs) + "]"


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cap(s):
    return s[:1].upper() + s[1:]


def words_in(text):
    return len(text.split())


class Head:
    """What other briefings need to know about one briefing: where its file
    is, so they can link to it."""

    __slots__ = ("i", "title", "date", "year", "stem", "explicit_slug", "a", "b")


def make_heads(seed, count):
    """Titles, dates and file names of every briefing, in a first pass so that
    any briefing can link to an earlier one. Colliding title slugs get an
    explicit, numbered `slug`, as an author would add one."""
    span = (LAST_DAY - FIRST_DAY).total_seconds() / 60
    step = span / max(count, 1)
    seen = {}  # title slug -> last number given to it
    taken = set()  # every stem so far
    heads = []
    for i in range(count):
        r = random.Random(f"{seed}:head:{i}")
        h = Head()
        h.i = i
        h.a, h.b = r.sample(W.COMPANIES, 2)
        slots = {"A": h.a["name"], "B": h.b["name"], "P": r.choice(W.PRODUCTS),
                 "R": r.choice(W.REGIONS), "T": r.choice(W.TOPICS),
                 "n": r.choice(W.AMOUNTS), "pct": r.randint(4, 70)}
        h.title = cap(r.choice(W.TITLES).format(**slots))
        minutes = int(i * step + r.random() * step * 0.9)
        h.date = FIRST_DAY + dt.timedelta(minutes=minutes)
        h.year = h.date.year
        base = slugify(h.title)
        h.stem, h.explicit_slug = base, False
        n = seen.get(base, 1)
        while h.stem in taken:
            n += 1
            suffix = f"-{n}"
            h.stem = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
            h.explicit_slug = True
        seen[base] = n
        taken.add(h.stem)
        heads.append(h)
    return heads


# ---------------------------------------------------------------- prose


class Writer:
    """Fills sentence templates for one briefing."""

    def __init__(self, r, head, heads):
        self.r = r
        self.head = head
        self.heads = heads
        self.slots = {"A": head.a["name"], "B": head.b["name"],
                      "P": r.choice(W.PRODUCTS), "R": r.choice(W.REGIONS),
                      "T": r.choice(W.TOPICS), "n": r.choice(W.AMOUNTS)}
        self.decks = {}

    def fill(self, template):
        r = self.r
        local = dict(self.slots)
        local.update({
            "pct": r.randint(4, 70), "pct2": r.randint(2, 30), "q": r.choice(W.QUARTERS),
            "y": r.randint(2026, 2031), "m": r.randint(2, 20), "who": r.choice(W.SPEAKERS),
            "day": r.choice(W.WEEKDAYS), "mw": r.randint(80, 2400), "price": f"{r.uniform(0.2, 12):.2f}",
            "cloud": r.choice(W.CLOUDS), "month": r.choice(W.MONTHS), "k": r.randint(2, 9),
        })
        text = template.format(**local)
        return cap(text)

    def external_link(self):
        r = self.r
        text, url = r.choice(W.LINKS)
        return f"[{text}]({url.format(d=self.head.a['domain'], s=slugify(self.slots['P']), n=r.randint(1000, 99999), y=self.head.year)})"

    def internal_link(self):
        """A link to an earlier briefing, by its file."""
        j = self.r.randrange(self.head.i)
        other = self.heads[j]
        return f"[{self.r.choice(W.BACKLINK_TEXT)}](../{other.year}/{other.stem}.md)"

    def draw(self, pool):
        """The next template of a shuffled deck of `pool`: no sentence comes
        back before the whole pool has been used."""
        deck = self.decks.get(id(pool))
        if not deck:
            deck = list(pool)
            self.r.shuffle(deck)
            self.decks[id(pool)] = deck
        return deck.pop()

    def sentence(self, pool=W.SENTENCES):
        r = self.r
        s = self.fill(self.draw(pool))
        x = r.random()
        if x < 0.08:
            s = s.rstrip(".") + f", according to {self.external_link()}."
        elif x < 0.11 and self.head.i > 0:
            s = s.rstrip(".") + f" (see {self.internal_link()})."
        elif x < 0.18:
            ws = s.split(" ")
            k = r.randrange(1, len(ws)) if len(ws) > 2 else 0
            if ws[k].isalpha() and len(ws[k]) > 4:
                ws[k] = f"*{ws[k]}*"
            s = " ".join(ws)
        elif x < 0.21:
            s = s.rstrip(".") + f", using `{r.choice(W.IDENTIFIERS)}`."
        return s

    def paragraph(self, lo=3, hi=5, pool=W.SENTENCES):
        return " ".join(self.sentence(pool) for _ in range(self.r.randint(lo, hi)))


# ---------------------------------------------------------------- blocks


def key_points(w, labelled):
    picks = w.r.sample(W.POINTS, w.r.randint(3, 6))
    out = []
    for label, text in picks:
        text = w.fill(text)
        out.append(f"**{label}:** {text}" if labelled else text)
    return out


def table(w):
    r = w.r
    kind = r.randrange(3)
    if kind == 0:
        rows = [["Term", "Before", "After"]]
        for name in r.sample(W.TERMS, 4):
            rows.append([name, r.choice(W.TERM_VALUES), r.choice(W.TERM_VALUES)])
    elif kind == 1:
        rows = [["Model", "Input, $ per M tokens", "Output, $ per M tokens", "Context"]]
        for m in r.sample(W.IDENTIFIERS, r.randint(3, 5)):
            rows.append([f"`{m}`", f"{r.uniform(0.1, 9):.2f}", f"{r.uniform(0.4, 36):.2f}",
                         f"{r.choice([32, 128, 200, 1000])}k"])
    else:
        rows = [["Site", "Power (MW)", "Online", "Operator"]]
        for reg in r.sample(W.REGIONS, r.randint(3, 5)):
            rows.append([reg, str(r.randint(60, 1800)), str(r.randint(2026, 2030)), r.choice(W.CLOUDS)])
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def code_block(w):
    r = w.r
    lang = r.choice(["rust", "python", "json"])
    template = r.choice(W.CODE[lang])
    code = (template.replace("@MODEL@", r.choice(W.IDENTIFIERS))
            .replace("@N@", str(r.choice([256, 1024, 4096, 8192])))
            .replace("@PRICE@", f"{r.uniform(0.1, 9):.2f}")
            .replace("@REGION@", r.choice(["us-east", "eu-west", "ap-south"])))
    return f"```{lang}\n{code.strip()}\n```"


def quote(w):
    who = w.r.choice(W.SPEAKERS)
    return f"> {w.r.choice(W.QUOTES)}\n>\n> — {cap(who)}"


def body(w, labelled_points, fm_points, tail):
    """The Markdown body: intro, sections, takeaway, and the source or author
    lines the front matter did not carry (`tail`)."""
    r = w.r
    target = r.randint(MIN_WORDS, MAX_WORDS)
    intro = [w.fill(r.choice(W.LEADS)) + " " + w.paragraph(2, 4)]
    sections = []
    if fm_points:
        changed = [w.paragraph(2, 4), "\n".join(f"- {w.fill(b)}" for b in r.sample(W.BULLETS, r.randint(3, 5)))]
        sections.append(["## The details", changed])
    else:
        pts = key_points(w, labelled_points)
        sections.append(["## What changed", [w.paragraph(1, 2), "\n".join(f"- {p}" for p in pts)]])
    sections.append(["## Why now", [w.paragraph(3, 5), quote(w)]])
    meaning = [w.paragraph(3, 5), "\n".join(f"{k}. {w.fill(b)}" for k, b in enumerate(r.sample(W.BULLETS, r.randint(3, 4)), 1))]
    sections.append(["## What it means", meaning])
    if r.random() < 0.2:
        sections.append(["## By the numbers", [w.paragraph(1, 2), table(w)]])
    if r.random() < 0.2:
        sections.append(["## For developers", [w.paragraph(1, 2, W.DEV_SENTENCES), code_block(w)]])
    sections.append(["## What to watch", [w.paragraph(2, 4)]])
    takeaway = None if tail.get("fm_takeaway") else "In simple terms, " + w.fill(r.choice(W.TAKEAWAYS))

    def count():
        n = sum(words_in(b) for b in intro)
        for _, blocks in sections:
            n += sum(words_in(b) for b in blocks if not b.startswith("```"))
        return n + (words_in(takeaway) if takeaway else 0)

    # Pad with paragraphs up to the target, never past MAX_WORDS.
    k = 0
    words = count()
    while words < target:
        para = w.paragraph(3, 6)
        if words + words_in(para) > MAX_WORDS:
            para = w.sentence()
            if words + words_in(para) > MAX_WORDS:
                break
        sections[k % len(sections)][1].insert(1, para)
        words += words_in(para)
        k += 1
    out = list(intro)
    for heading, blocks in sections:
        out.append(heading)
        out.extend(blocks)
    if takeaway:
        out.append(takeaway)
    out.extend(tail.get("lines", []))
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------- files


def front_matter(fields, yaml):
    """`fields` is a list of (key, kind, value): kind is "s" string, "raw"
    (date), "l" list of strings, "src" list of source tables."""
    lines = ["---" if yaml else "+++"]
    for key, kind, value in fields:
        if yaml:
            if kind == "s":
                lines.append(f"{key}: {yaml_str(value)}")
            elif kind == "raw":
                lines.append(f"{key}: {value}")
            elif kind == "l":
                lines.append(f"{key}:")
                lines.extend(f"  - {yaml_str(v)}" for v in value)
            else:
                lines.append(f"{key}:")
                for s in value:
                    lines.append(f"  - url: {yaml_str(s['url'])}")
                    lines.append(f"    title: {yaml_str(s['title'])}")
                    lines.append(f"    publisher: {yaml_str(s['publisher'])}")
        else:
            if kind == "s":
                lines.append(f"{key} = {toml_str(value)}")
            elif kind == "raw":
                lines.append(f"{key} = {value}")
            elif kind == "l" and key == "key_points":
                lines.append(f"{key} = [")
                lines.extend(f"  {toml_str(v)}," for v in value)
                lines.append("]")
            elif kind == "l":
                lines.append(f"{key} = {toml_list(value)}")
            else:
                lines.append(f"{key} = [")
                for s in value:
                    lines.append(f"  {{ url = {toml_str(s['url'])}, title = {toml_str(s['title'])}, "
                                 f"publisher = {toml_str(s['publisher'])} }},")
                lines.append("]")
    lines.append("---" if yaml else "+++")
    return "\n".join(lines) + "\n\n"


def date_value(r, when):
    if r.random() < 0.3:
        return when.strftime("%Y-%m-%d")
    return when.strftime("%Y-%m-%dT%H:%M:00") + r.choice(["Z", "Z", "-05:00", "+01:00"])


def briefing(seed, head, heads):
    """The text of one briefing and its path under `content/`."""
    r = random.Random(f"{seed}:body:{head.i}")
    w = Writer(r, head, heads)
    yaml = r.random() < 0.1
    fields = [("title", "s", head.title), ("date", "raw", date_value(r, head.date))]
    if r.random() < 0.1:
        fields.append(("updated", "raw", date_value(r, head.date + dt.timedelta(days=r.randint(1, 20)))))
    tail = {"lines": []}
    x = r.random()
    if x < 0.75:
        fields.append(("author", "s", r.choice(W.AUTHORS)))
    elif x < 0.9:
        fields.append(("authors", "l", r.sample(W.AUTHORS, 2)))
    elif x < 0.95:
        tail["lines"].append(f"Author: {r.choice(W.AUTHORS)}")
    source = f"https://{r.choice(W.OUTLETS)}/{head.year}/{head.date.month:02d}/{head.stem[:50].rstrip('-')}"
    x = r.random()
    if x < 0.7:
        fields.append(("source", "s", source))
    elif x < 0.85:
        outlet = source.split("/")[2]
        fields.append(("sources", "src", [
            {"url": source, "title": head.title, "publisher": outlet},
            {"url": f"https://{head.a['domain']}/news/{head.stem[:40].rstrip('-')}",
             "title": f"{head.a['name']} announcement", "publisher": head.a["name"]},
        ]))
    else:
        tail["lines"].insert(0, f"Source: {source}")
    tags = r.sample(W.TAGS, r.randint(2, 5))
    fields.append(("tags", "l", tags))
    if r.random() < 0.6:
        names = [head.a["name"], head.b["name"]]
        if r.random() < 0.3:
            extra = r.choice(W.COMPANIES)["name"]
            if extra not in names:
                names.append(extra)
        fields.append(("companies", "l", names))
    if r.random() < 0.55:
        fields.append(("story", "s", r.choice(W.STORIES)[0]))
    fm_points = r.random() < 0.3
    if fm_points:
        fields.append(("key_points", "l", key_points(w, r.random() < 0.6)))
    if r.random() < 0.2:
        tail["fm_takeaway"] = True
        fields.append(("takeaway", "s", w.fill(r.choice(W.TAKEAWAYS))))
    if head.explicit_slug:
        fields.append(("slug", "s", head.stem))
    text = front_matter(fields, yaml) + body(w, r.random() < 0.7, fm_points, tail)
    return f"{head.year}/{head.stem}.md", text


def company_file(seed, c):
    r = random.Random(f"{seed}:company:{c['name']}")
    fields = [f"name = {toml_str(c['name'])}"]
    if c["aliases"]:
        fields.append(f"aliases = {toml_list(c['aliases'])}")
    fields.append(f"homepage = {toml_str('https://' + c['domain'])}")
    fields.append(f"summary = {toml_str(c['summary'])}")
    prose = " ".join(cap(s.format(A=c["name"], y=r.randint(1975, 2021), k=r.randint(2, 40)))
                     for s in r.sample(W.PROFILE_SENTENCES, 4))
    return "+++\n" + "\n".join(fields) + "\n+++\n\n" + prose + "\n"


def story_file(seed, slug, title, summary):
    r = random.Random(f"{seed}:story:{slug}")
    prose = "\n\n".join(" ".join(r.sample(W.STORY_SENTENCES, 3)) for _ in range(2))
    return (f"+++\ntitle = {toml_str(title)}\nsummary = {toml_str(summary)}\n+++\n\n{prose}\n")


CONFIG = """# A generated benchmark site (bench/gen_corpus.py, seed {seed}, {count} briefings).
title = "AI Briefings (benchmark)"
description = "Generated briefings for timing the build."
base_url = "https://bench.example.org/"
language = "en"
timezone = "UTC"
author = "Briefing Desk"
paginate = 10

[markdown]
smart_punctuation = true
"""

ABOUT = """+++
title = "About"
+++

This site is generated by `bench/gen_corpus.py` to time `briefing`. Its
briefings are assembled from word lists: names, numbers and events are
invented.
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(out, count, seed):
    """Writes the whole site into `out`; returns (markdown bytes, body words)."""
    content = os.path.join(out, "content")
    write(os.path.join(out, "briefing.toml"), CONFIG.format(seed=seed, count=count))
    write(os.path.join(content, "pages", "about.md"), ABOUT)
    for c in W.COMPANIES:
        write(os.path.join(content, "companies", slugify(c["name"]) + ".md"), company_file(seed, c))
    for slug, title, summary in W.STORIES:
        write(os.path.join(content, "stories", slug + ".md"), story_file(seed, slug, title, summary))
    heads = make_heads(seed, count)
    total_bytes = total_words = 0
    for head in heads:
        rel, text = briefing(seed, head, heads)
        write(os.path.join(content, rel), text)
        total_bytes += len(text.encode("utf-8"))
        total_words += words_in(text.split("\n+++\n", 1)[-1] if text.startswith("+++") else text.split("\n---\n", 1)[-1])
    return total_bytes, total_words


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--count", type=int, default=1000, help="number of briefings (default 1000)")
    ap.add_argument("--out", required=True, help="site folder to write (must be absent or empty)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--force", action="store_true", help="delete --out first when it exists")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("-n must be zero or more")
    if os.path.exists(args.out):
        if args.force:
            shutil.rmtree(args.out)
        elif os.listdir(args.out):
            sys.exit(f"gen_corpus.py: {args.out} is not empty (use --force)")
    md_bytes, body_words = generate(args.out, args.count, args.seed)
    avg = body_words / max(args.count, 1)
    print(f"{args.count} briefings, {md_bytes / 1e6:.1f} MB of Markdown, "
          f"{avg:.0f} words per briefing on average -> {args.out}")


if __name__ == "__main__":
    main()
