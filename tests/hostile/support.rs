//! Helpers for the hostile-input tests: fixture paths, an in-memory build,
//! and reading what a build produced.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use briefing::build::{Built, Options, build};
use briefing::diag::Diagnostic;
use briefing::render::OutputFile;
use dom_query::Document;

/// Most time one case may take. Generous for a debug build on a busy
/// two-core machine; a release build takes a fraction of it.
pub const TIME_LIMIT: Duration = Duration::from_secs(15);

/// `tests/sites/hostile`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/hostile")
}

/// The entries of a folder of cases, sorted.
pub fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    cases
}

/// Builds the site at `root` in memory, drafts and future briefings
/// included, at a fixed "now".
pub fn build_in_memory(root: &Path) -> Result<Built, Vec<Diagnostic>> {
    let options = Options {
        base_url: None,
        drafts: true,
        future: true,
        now: Some("2026-01-01T00:00:00Z".parse().expect("valid timestamp")),
        ..Options::default()
    };
    build(root, &options)
}

/// Every inertness problem in the built files.
pub fn assert_inert(files: &[OutputFile]) -> Vec<String> {
    files
        .iter()
        .flat_map(|f| super::inert::check_file(&f.path, &f.bytes))
        .collect()
}

/// The output path of a page URL (`/news/briefings/x/` → `briefings/x/index.html`).
pub fn page_path(built: &Built, url: &str) -> String {
    let base = &built.site.config.base_path;
    let rest = url.strip_prefix(base.as_str()).unwrap_or(url);
    format!("{rest}index.html")
}

/// A built file as text.
pub fn file(built: &Built, path: &str) -> String {
    let f = built
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no output file {path}"));
    String::from_utf8(f.bytes.clone()).expect("UTF-8")
}

/// What a reader of a page can see, decoded: its text and every attribute
/// value, one per line.
pub fn page_text(html: &str) -> String {
    let doc = Document::from(html);
    let mut out = String::new();
    for node in doc.root().descendants_it() {
        if node.is_element() {
            for attr in node.attrs() {
                out.push_str(&attr.value);
                out.push('\n');
            }
        } else if node.is_text() {
            out.push_str(&node.text());
            out.push('\n');
        }
    }
    out
}

/// A previous output as a build leaves it: the marker and one page.
pub fn previous_output(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(briefing::output::MARKER), "previous\n").unwrap();
    std::fs::write(dir.join("index.html"), "<p>previous build</p>\n").unwrap();
}
