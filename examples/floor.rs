//! The benchmark's floor: the least work any build of a site has to do,
//! so that `briefing`'s own figures can be read against it.
//!
//! ```sh
//! cargo run --release --example floor -- SITE OUT
//! ```
//!
//! For every briefing under `SITE/content/` (the reserved folders `pages/`,
//! `companies/` and `stories/` are skipped), in parallel with rayon as the
//! real build is: read the file, drop the front matter, parse the body with
//! pulldown-cmark (the options `briefing` uses), highlight fenced code with
//! syntect (class-based HTML, as `briefing` does), write the HTML to
//! `OUT/STEM/index.html`. Nothing else: no front-matter parsing, no
//! templates, no listings, feeds or search index.
//!
//! It uses pulldown-cmark and syntect directly, not `briefing::markdown`,
//! so that the floor stays fixed when the project's Markdown stage changes.
//! rayon spreads the work; anyhow names the path of a failed read or write.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Folders of `content/` that hold no briefings.
const RESERVED: [&str; 3] = ["pages", "companies", "stories"];

/// The same allocator as the `briefing` binary, so that the floor measures
/// the libraries and not the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, out] = args.as_slice() else {
        bail!("usage: floor SITE OUT (renders every briefing of SITE/content into OUT)");
    };
    let started = Instant::now();
    let mut files = Vec::new();
    let content = Path::new(site).join("content");
    collect(&content, true, &mut files)?;
    files.sort();
    let syntaxes = SyntaxSet::load_defaults_newlines();
    let out = Path::new(out);
    let bytes: usize = files
        .par_iter()
        .map(|file| render_one(file, out, &syntaxes))
        .collect::<Result<Vec<usize>>>()?
        .into_iter()
        .sum();
    println!(
        "floor: {} briefings, {} bytes of HTML in {} ms",
        files.len(),
        bytes,
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Every `*.md` below `dir`, skipping the reserved folders at the top level.
fn collect(dir: &Path, top: bool, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .with_context(|| format!("reading {}", path.display()))?;
        let name = entry.file_name();
        if kind.is_dir() {
            if !(top && RESERVED.iter().any(|r| name == *r)) {
                collect(&path, false, files)?;
            }
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    Ok(())
}

/// Renders one briefing and writes it; returns the bytes written.
fn render_one(file: &Path, out: &Path, syntaxes: &SyntaxSet) -> Result<usize> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let html = render(body_of(&text), syntaxes);
    let stem = file
        .file_stem()
        .with_context(|| format!("no file name in {}", file.display()))?;
    let dir = out.join(stem);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("index.html");
    std::fs::write(&path, &html).with_context(|| format!("writing {}", path.display()))?;
    Ok(html.len())
}

/// The text after the closing `+++` or `---` line, or all of it when the
/// file has no front matter.
fn body_of(text: &str) -> &str {
    let Some(delim) = ["+++", "---"]
        .into_iter()
        .find(|d| text.starts_with(&format!("{d}\n")))
    else {
        return text;
    };
    let closing = format!("\n{delim}\n");
    match text[delim.len()..].find(&closing) {
        Some(i) => &text[delim.len() + i + closing.len()..],
        None => text,
    }
}

/// Markdown to HTML with highlighted code blocks.
fn render(body: &str, syntaxes: &SyntaxSet) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut events = Vec::new();
    // The open code block: its language and its text so far.
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(body, options) {
        match (event, &mut code) {
            (Event::Start(Tag::CodeBlock(kind)), _) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            (Event::Text(text), Some((_, buf))) => buf.push_str(&text),
            (Event::End(TagEnd::CodeBlock), _) => {
                if let Some((lang, buf)) = code.take() {
                    events.push(Event::Html(CowStr::from(highlight(&lang, &buf, syntaxes))));
                }
            }
            (event, _) => events.push(event),
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// syntect's class-based HTML for a known language, escaped text otherwise.
fn highlight(lang: &str, code: &str, syntaxes: &SyntaxSet) -> String {
    let escaped = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let body = match syntaxes.find_syntax_by_token(lang) {
        Some(syntax) if !lang.is_empty() => {
            let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
            let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, style);
            let ok = LinesWithEndings::from(code).all(|line| {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .is_ok()
            });
            if ok {
                generator.finalize()
            } else {
                escaped(code)
            }
        }
        _ => escaped(code),
    };
    let lang = escaped(lang);
    format!("<pre class=\"code hl-code\" data-lang=\"{lang}\"><code>{body}</code></pre>\n")
}
