"""Tests of the benchmark: the corpus generator, the floor and the runner.

    python3 -m unittest discover -s bench -p 'test_*.py'

The tests that run `briefing` or the floor use the binaries `cargo test`
leaves in target/debug (or BRIEFING_BIN and FLOOR_BIN), and are skipped when
those are missing.
"""

import math
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import corpus_words as W  # noqa: E402
import gen_corpus  # noqa: E402
import live  # noqa: E402
import runner  # noqa: E402


def binary(env, *candidates):
    path = os.environ.get(env)
    if path:
        return path
    for c in candidates:
        p = os.path.join(ROOT, "target", c)
        if os.path.exists(p):
            return p
    return None


BRIEFING = binary("BRIEFING_BIN", "debug/briefing", "release/briefing")
FLOOR = binary("FLOOR_BIN", "debug/examples/floor", "release/examples/floor")
WRITE_TREE = binary("WRITE_TREE_BIN", "debug/examples/write_tree", "release/examples/write_tree")


def read_tree(root):
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = f.read()
    return files


def split(text):
    """(front matter, body) of a generated briefing."""
    delim = text[:3]
    end = text.index(f"\n{delim}\n", 3)
    return text[4:end], text[end + 5:]


def prose_words(body):
    """Words of the body outside code blocks, headings and closing lines."""
    body = re.sub(r"```.*?```", "", body, flags=re.S)
    lines = [ln for ln in body.splitlines()
             if not ln.startswith(("## ", "Source: ", "Author: "))]
    return len(" ".join(lines).split())


class Corpus:
    """One generated site shared by the tests of a class."""

    def __init__(self, count):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "site")
        gen_corpus.generate(self.root, count, 7)
        self.files = {k: v.decode("utf-8") for k, v in read_tree(self.root).items()}
        self.briefings = {k: v for k, v in self.files.items()
                          if re.match(r"content/\d{4}/", k)}


class GeneratorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = Corpus(300)

    @classmethod
    def tearDownClass(cls):
        cls.corpus.tmp.cleanup()

    def test_same_count_and_seed_give_identical_files(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            for out in (a, b):
                subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "-n", "40",
                                "--out", os.path.join(out, "s")], check=True, capture_output=True)
            self.assertEqual(read_tree(os.path.join(a, "s")), read_tree(os.path.join(b, "s")))

    def test_another_seed_gives_other_text(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            gen_corpus.generate(a, 20, 7)
            gen_corpus.generate(b, 20, 8)
            seven, eight = read_tree(a), read_tree(b)
        self.assertEqual(len(seven), len(eight))
        self.assertNotEqual(set(seven), set(eight))

    def test_site_layout(self):
        files = self.corpus.files
        self.assertIn('base_url = "https://bench.example.org/"', files["briefing.toml"])
        self.assertEqual(len(self.corpus.briefings), 300)
        companies = [k for k in files if k.startswith("content/companies/")]
        stories = [k for k in files if k.startswith("content/stories/")]
        self.assertEqual(len(companies), 25)
        self.assertEqual(len(stories), 15)
        self.assertIn("content/pages/about.md", files)
        years = {k.split("/")[1] for k in self.corpus.briefings}
        self.assertEqual(years, {"2021", "2022", "2023", "2024", "2025", "2026"})

    def test_bodies_have_the_length_and_blocks_of_a_briefing(self):
        for path, text in self.corpus.briefings.items():
            matter, body = split(text)
            words = prose_words(body)
            self.assertTrue(600 <= words <= 1200, f"{path}: {words} words")
            self.assertGreaterEqual(body.count("\n## "), 4, path)
            self.assertRegex(body, r"\n- ", path)
            self.assertRegex(body, r"\n1\. ", path)
            self.assertRegex(body, r"\n> ", path)
            self.assertTrue("\nIn simple terms, " in body or "takeaway" in matter, path)
            self.assertTrue("key_points" in matter or "## What changed" in body, path)
            self.assertTrue(re.search(r"^sources?[ :]", matter, re.M) or "\nSource: https://" in body,
                            path)

    def test_tables_and_code_blocks_in_about_one_in_five(self):
        bodies = [split(t)[1] for t in self.corpus.briefings.values()]
        tables = sum("\n|---|" in b for b in bodies) / len(bodies)
        code = sum("\n```" in b for b in bodies) / len(bodies)
        self.assertTrue(0.13 <= tables <= 0.27, tables)
        self.assertTrue(0.13 <= code <= 0.27, code)
        langs = set(re.findall(r"\n```(\w+)\n", "".join(bodies)))
        self.assertEqual(langs, {"rust", "python", "json"})

    def test_front_matter_varies_like_real_authors(self):
        texts = list(self.corpus.briefings.values())
        yaml = sum(t.startswith("---\n") for t in texts) / len(texts)
        self.assertTrue(0.04 <= yaml <= 0.18, yaml)
        all_text = "".join(texts)
        authors = {a for a in W.AUTHORS if a in all_text}
        tags = {t for t in W.TAGS if f'"{t}"' in all_text}
        stories = {s for s, _, _ in W.STORIES if f'"{s}"' in all_text}
        self.assertEqual(len(W.AUTHORS), 30)
        self.assertEqual(len(W.TAGS), 40)
        self.assertGreaterEqual(len(authors), 28)
        self.assertGreaterEqual(len(tags), 38)
        self.assertEqual(len(stories), 15)
        self.assertTrue(any("authors" in split(t)[0] for t in texts))
        self.assertTrue(any(re.search(r"\*\*[^*]+:\*\*", t) for t in texts))

    def test_links_to_other_briefings_name_existing_files(self):
        links = 0
        for path, text in self.corpus.briefings.items():
            for target in re.findall(r"\]\((\.\./\d{4}/[^)#]+\.md)\)", text):
                links += 1
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
                self.assertIn(resolved, self.corpus.files, f"{path} -> {target}")
        self.assertGreater(links, 50)

    def test_slugify_matches_briefing_for_generated_titles(self):
        self.assertEqual(gen_corpus.slugify("OpenAI's $10B deal & more"), "openais-10b-deal-more")
        long = "word " * 30
        slug = gen_corpus.slugify(long)
        self.assertLessEqual(len(slug), 80)
        self.assertFalse(slug.endswith("-"))


@unittest.skipUnless(BRIEFING, "build target/debug/briefing first (cargo test does)")
class BuildTest(unittest.TestCase):
    def test_generated_site_builds_and_checks_clean(self):
        corpus = Corpus(60)
        with corpus.tmp:
            out = os.path.join(corpus.tmp.name, "out")
            build = subprocess.run([BRIEFING, "--site", corpus.root, "build", "--output", out],
                                   capture_output=True, text=True)
            self.assertEqual(build.returncode, 0, build.stderr)
            self.assertEqual(build.stderr.strip(), "", "no warnings expected")
            pages = os.listdir(os.path.join(out, "briefings"))
            self.assertEqual(len(pages), 60)
            self.assertEqual(len(os.listdir(os.path.join(out, "companies"))), 25 + 1)
            check = subprocess.run([BRIEFING, "--site", corpus.root, "check"],
                                   capture_output=True, text=True)
            self.assertEqual(check.returncode, 0, check.stderr)

    @unittest.skipUnless(os.path.exists(runner.SHARED_GEN), "needs ../shared/bench/gen_corpus.py")
    def test_adapted_shared_neutral_site_builds(self):
        with tempfile.TemporaryDirectory() as tmp:
            site = runner.shared_corpus(tmp, "neutral", 300)
            out = os.path.join(tmp, "out")
            build = subprocess.run([BRIEFING, "--site", site, "build", "--output", out],
                                   capture_output=True, text=True)
            self.assertEqual(build.returncode, 0, build.stderr)
            self.assertEqual(len(os.listdir(os.path.join(out, "briefings"))), 300)


@unittest.skipUnless(FLOOR, "build the floor first (cargo test builds examples)")
class FloorTest(unittest.TestCase):
    def test_floor_writes_one_page_per_briefing_with_highlighted_code(self):
        corpus = Corpus(60)
        with corpus.tmp:
            out = os.path.join(corpus.tmp.name, "floor")
            subprocess.run([FLOOR, corpus.root, out], check=True, capture_output=True)
            self.assertEqual(len(os.listdir(out)), 60)
            for path, text in corpus.briefings.items():
                stem = os.path.basename(path)[:-3]
                with open(os.path.join(out, stem, "index.html"), encoding="utf-8") as f:
                    html = f.read()
                self.assertIn("<h2>", html)
                self.assertNotIn("+++", html)
                if "```rust" in text:
                    self.assertIn('<pre class="code hl-code" data-lang="rust"><code><span class="hl-source hl-rust">', html)


@unittest.skipUnless(WRITE_TREE, "build write_tree first (cargo test builds examples)")
class WriteTreeTest(unittest.TestCase):
    def test_copies_the_tree_and_reports_what_it_wrote(self):
        with tempfile.TemporaryDirectory() as tmp:
            tree, copy = os.path.join(tmp, "tree"), os.path.join(tmp, "copy")
            os.makedirs(os.path.join(tree, "a", "b"))
            for name, data in [("index.html", b"x" * 100), ("a/b/index.html", b"y"), (".hidden", b"zz")]:
                with open(os.path.join(tree, name), "wb") as f:
                    f.write(data)
            done = subprocess.run([WRITE_TREE, tree, copy], check=True, capture_output=True, text=True)
            self.assertEqual(read_tree(copy), read_tree(tree))
            fig = runner.written(done.stdout)
            self.assertEqual((fig["files"], fig["bytes"]), (3, 103))
            self.assertGreaterEqual(fig["cpu"], 0)
            # It never writes into a folder that holds something.
            refused = subprocess.run([WRITE_TREE, tree, tree], capture_output=True, text=True)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("is not empty", refused.stderr)
            self.assertEqual(read_tree(copy), read_tree(tree))


class RunnerTest(unittest.TestCase):
    def test_measure_reports_the_process_and_its_output(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out")
            script = ("import os,sys; o=sys.argv[1]; os.makedirs(o+'/a'); "
                      "open(o+'/index.html','w').write('x'*100); open(o+'/a/index.html','w').write('y'); "
                      "open(o+'/feed.xml','w').write('z'*10); b=bytearray(64<<20); sum(range(10**6))")
            fig = runner.measure([sys.executable, "-c", script, out], out, os.path.join(tmp, "log"))
            self.assertEqual((fig["html"], fig["files"], fig["bytes"]), (2, 3, 111))
            self.assertGreater(fig["rss_mb"], 60)
            self.assertGreater(fig["cpu"], 0)
            self.assertGreaterEqual(fig["wall"], 0)
            # A second run starts from a fresh output folder.
            fig = runner.measure([sys.executable, "-c", script, out], out, os.path.join(tmp, "log"))
            self.assertEqual(fig["files"], 3)

    def test_a_clean_measure_starts_without_the_build_cache(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out")
            cache = os.path.join(tmp, ".out.briefing-cache")
            script = ("import os,sys; o=sys.argv[1]; os.makedirs(o, exist_ok=True); "
                      "open(o+'/index.html','a').write('x')")
            cmd = [sys.executable, "-c", script, out]
            os.makedirs(cache)
            runner.measure(cmd, out, os.path.join(tmp, "log"))
            self.assertFalse(os.path.exists(cache))
            # An incremental measure keeps what the previous build left.
            fig = runner.measure(cmd, out, os.path.join(tmp, "log"), clean=False)
            self.assertEqual(fig["bytes"], 2)

    def test_write_tree_figures_are_read_with_or_without_cpu_time(self):
        fig = runner.written("write_tree: 3 files, 103 bytes: wall 0.002 s, CPU 0.004 s\n")
        self.assertEqual(fig, {"files": 3, "bytes": 103, "wall": 0.002, "cpu": 0.004})
        fig = runner.written("write_tree: 3 files, 103 bytes: wall 0.002 s, CPU unknown\n")
        self.assertTrue(math.isnan(fig["cpu"]))
        with self.assertRaises(ValueError):
            runner.written("Error: no files under x")

    def test_median_of_rounds(self):
        runs = [{"wall": 3.0, "cpu": 1}, {"wall": 1.0, "cpu": 2}, {"wall": 2.0, "cpu": 3}]
        self.assertEqual(runner.median_of(runs), {"wall": 2.0, "cpu": 2, "rounds": 3})


class LiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = Corpus(12)

    def test_edits_change_one_paragraph_or_the_tags_and_are_undone(self):
        victim = live.pick_victim(self.corpus.root)
        with open(victim, encoding="utf-8") as f:
            original = f.read()
        added = live.body_edit(original, 0)
        self.assertEqual(len(added), len(original) + len(live.SENTENCE.format(k=0)))
        heading = original.index("\n## ")
        self.assertEqual(added[:heading], original[:heading], "front matter and lead unchanged")
        self.assertEqual(live.body_edit(added, 1), original)
        for text in (original, original.replace("tags:\n", "tags = []\n", 1)):
            tagged = live.tag_edit(text, 0)
            self.assertNotEqual(tagged, text)
            self.assertIn('"bench-live-edit"', tagged)
            self.assertEqual(live.tag_edit(tagged, 1), text)

    @unittest.skipUnless(BRIEFING, "no briefing binary")
    def test_serve_is_timed_from_the_write_to_the_reload_event(self):
        with tempfile.TemporaryDirectory() as tmp:
            site = os.path.join(tmp, "site")
            gen_corpus.generate(site, 12, 7)
            victim = live.pick_victim(site)
            with open(victim, encoding="utf-8") as f:
                original = f.read()
            figures = live.measure(BRIEFING, site, victim, 2, os.path.join(tmp, "serve.log"))
            self.assertEqual(figures["body"]["edits"], 2)
            self.assertEqual(figures["tag"]["edits"], 2)
            for kind in ("body", "tag"):
                self.assertGreater(figures[kind]["end_to_end_ms"], figures[kind]["build_ms"])
            with open(victim, encoding="utf-8") as f:
                self.assertEqual(f.read(), original, "the edited file is restored")


if __name__ == "__main__":
    unittest.main()
