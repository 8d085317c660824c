//! Criterion benchmarks of the build's hot functions, on content from the
//! benchmark's own generator (`bench/gen_corpus.py`, which needs `python3`):
//!
//! - `frontmatter/parse`: split and parse one briefing's front matter;
//! - `markdown/*`: parse and render one body, without and with a code block;
//! - `slugify/title`: the slug of one title;
//! - `summary/first-paragraph`: the summary cut of one first paragraph;
//! - `build/200-briefings`: a whole in-memory build of a 200-briefing site.
//!
//! ```sh
//! cargo bench --bench pipeline            # all of them
//! cargo bench --bench pipeline -- markdown  # those whose name has "markdown"
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use briefing::build::{self, Options};
use briefing::markdown::{self, RenderInput};
use briefing::source::schema::BriefingMatter;
use briefing::source::{Kind, SourceFile, frontmatter};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// Briefings in the site of the whole-build benchmark.
const SITE_SIZE: usize = 200;

/// A generated site in a temporary folder, kept for the benchmarks' run.
struct Corpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Every briefing file, sorted by path.
    briefings: Vec<SourceFile>,
}

impl Corpus {
    fn generate(count: usize) -> Corpus {
        let dir = tempfile::tempdir().expect("a temporary folder for the corpus");
        let root = dir.path().join("site");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_corpus.py");
        let status = Command::new("python3")
            .arg(&script)
            .args(["-n", &count.to_string(), "--out"])
            .arg(&root)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3 runs bench/gen_corpus.py");
        assert!(status.success(), "bench/gen_corpus.py failed: {status}");
        let briefings = read_briefings(&root);
        Corpus {
            _dir: dir,
            root,
            briefings,
        }
    }

    /// The first briefing whose text contains `needle` and not `without`.
    fn pick(&self, needle: &str, without: &str) -> &SourceFile {
        self.briefings
            .iter()
            .find(|f| f.text().contains(needle) && !f.text().contains(without))
            .expect("the generated corpus has such a briefing")
    }
}

/// The briefings of `root/content/YEAR/`, as the loader would give them.
fn read_briefings(root: &Path) -> Vec<SourceFile> {
    let content = root.join("content");
    let mut files = Vec::new();
    for year in std::fs::read_dir(&content).expect("content/ is readable") {
        let year = year.expect("a content/ entry").path();
        let name = year
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        for file in std::fs::read_dir(&year).expect("a year folder is readable") {
            let path = file.expect("a year folder entry").path();
            let stem = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).expect("a briefing is UTF-8");
            files.push(SourceFile::new(
                Path::new("content").join(&name).join(stem),
                format!("{name}/{stem}"),
                Kind::Briefing,
                Arc::from(text),
            ));
        }
    }
    files.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    files
}

/// Every content path resolves, as in a site where every link is good.
fn resolve(path: &str) -> Option<String> {
    Some(format!("/briefings/{}/", path.trim_end_matches(".md")))
}

fn body_of(file: &SourceFile) -> &str {
    let parsed = frontmatter::parse::<BriefingMatter>(file).expect("generated front matter parses");
    &file.text()[parsed.body_offset..]
}

fn render(file: &SourceFile, options: &markdown::Options) -> markdown::Rendered {
    let body = body_of(file);
    markdown::render(RenderInput {
        events: markdown::parse(body, options),
        content_path: &file.content_path,
        resolver: &resolve,
        highlighter: build::highlighter(),
        options,
    })
}

fn benches(c: &mut Criterion) {
    let corpus = Corpus::generate(SITE_SIZE);
    let plain = corpus.pick("## What changed", "```");
    let code = corpus.pick("```rust", "| Term |");
    let options = markdown::Options {
        smart_punctuation: true,
        unsafe_html: false,
    };

    c.bench_function("frontmatter/parse", |b| {
        b.iter(|| frontmatter::parse::<BriefingMatter>(black_box(plain)).map(|p| p.body_offset))
    });
    c.bench_function("markdown/typical-body", |b| {
        b.iter(|| render(black_box(plain), &options).html.len())
    });
    c.bench_function("markdown/body-with-code", |b| {
        b.iter(|| render(black_box(code), &options).html.len())
    });

    let titles: Vec<String> = corpus
        .briefings
        .iter()
        .filter_map(|f| frontmatter::parse::<BriefingMatter>(f).ok())
        .map(|p| p.matter.title)
        .collect();
    let mut next = titles.iter().cycle();
    c.bench_function("slugify/title", |b| {
        b.iter(|| briefing::slug::slugify(black_box(next.next().expect("cycle never ends"))))
    });

    let first = render(plain, &options).plain_text;
    let first = first.lines().next().unwrap_or_default().to_owned();
    c.bench_function("summary/first-paragraph", |b| {
        b.iter(|| briefing::enrich::text::summary(black_box(&first)))
    });

    let opts = Options {
        now: Some("2026-11-26T00:00:00Z".parse().expect("a valid timestamp")),
        ..Options::default()
    };
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("200-briefings", |b| {
        b.iter(|| {
            let built = build::build(black_box(&corpus.root), &opts).expect("the site builds");
            built.files.len()
        })
    });
    group.finish();
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
