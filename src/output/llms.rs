//! For AI readers: `/llms.txt` (what the site is, and every briefing with
//! its one-line takeaway) and a Markdown twin of each briefing at
//! `/briefings/SLUG/index.md`, its metadata as TOML front matter.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::enrich::Briefing;
use crate::render::sink::Hasher;
use crate::render::{Key, OutputFile, Sink};
use crate::site::Site;

/// The Markdown twin of every briefing, handed to `sink` as it is made. A
/// twin whose inputs did not change since the sink's previous build is not
/// made again. Twins are made from the source files' text.
pub fn render_twins(site: &Site, sink: &dyn Sink) {
    site.briefings
        .par_iter()
        .for_each(|b| render_twin(&site.config, b, sink));
}

/// The Markdown twin of `b`, handed to `sink` unless the sink holds it.
pub fn render_twin(config: &Config, b: &Briefing, sink: &dyn Sink) {
    let path = twin_path(config, b);
    let key = twin_key(config, b);
    if !sink.unchanged(&path, key) {
        let bytes = twin(config, b).into_bytes();
        sink.put(OutputFile { path, bytes }, key);
    }
}

/// `llms.txt`, handed to `sink`.
pub fn render_index(site: &Site, sink: &dyn Sink) {
    let key = index_key(site);
    let path = "llms.txt";
    if sink.unchanged(path, key) {
        return;
    }
    let bytes = llms_txt(site).into_bytes();
    sink.put(
        OutputFile {
            path: path.to_owned(),
            bytes,
        },
        key,
    );
}

/// Everything `llms.txt` prints: the site's title, description and URL,
/// and each briefing's, story's and page's title, URL and line, in order.
/// Hashing them is cheaper than printing ten thousand lines to compare.
fn index_key(site: &Site) -> Key {
    let config = &site.config;
    let mut h = Hasher::new(0);
    h.bytes(b"llms.txt");
    h.value(&(
        &config.title,
        &config.description,
        &config.base_url,
        &config.base_path,
    ));
    for b in &site.briefings {
        let line = b.takeaway.as_deref().unwrap_or(&b.summary);
        h.value(&(&b.title, &b.url, line, &b.date.view.iso));
    }
    for s in &site.stories {
        h.value(&(&s.story.title, &s.story.url, &s.story.summary));
    }
    for p in &site.pages {
        h.value(&(&p.title, &p.url, &p.summary));
    }
    h.finish()
}

/// Everything a twin is made from: the briefing's metadata, its Markdown
/// (the file's body and the ranges cut from it) and the site's URL. The
/// briefing's digest, when known, stands for all three.
fn twin_key(config: &Config, b: &Briefing) -> Key {
    if let Some(digest) = b.digest {
        return Hasher::new(digest).bytes(b"twin").finish();
    }
    let mut h = Hasher::new(0);
    h.value(&twin_matter(config, b));
    h.bytes(crate::enrich::parsed_body(&b.origin).as_bytes());
    h.value(&b.promoted);
    h.finish()
}

fn twin_path(config: &Config, b: &Briefing) -> String {
    let dir = b.url.strip_prefix(&config.base_path).unwrap_or(&b.url);
    format!("{dir}index.md")
}

/// One line of Markdown link text: brackets and newlines would break it,
/// and a `<` could open raw HTML or an autolink in a Markdown renderer, so
/// it is escaped (with the backslash that could otherwise escape it back).
fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Runs of whitespace (line breaks included) become one space.
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '<' => out.push_str("\\<"),
                '[' => out.push('('),
                ']' => out.push(')'),
                c => out.push(c),
            }
        }
    }
    out
}

fn llms_txt(site: &Site) -> String {
    let config = &site.config;
    let abs = |url: &str| config.absolute(url);
    let mut out = format!("# {}\n\n", link_text(&config.title));
    if !config.description.is_empty() {
        let _ = writeln!(out, "> {}\n", link_text(&config.description));
    }
    out.push_str(
        "Each briefing is a short, sourced analysis of one piece of AI-industry news: what changed, \
         why, and what it means, with key points, a one-line takeaway and a link to the primary source. \
         Every briefing is also published as Markdown with its metadata as front matter: append \
         `index.md` to its URL.\n\n## Briefings\n\n",
    );
    // One line per briefing, made in parallel: ten thousand lines add up.
    let lines: Vec<String> = site
        .briefings
        .par_iter()
        .map(|b| {
            let line = b.takeaway.as_deref().unwrap_or(&b.summary);
            format!(
                "- [{}]({}index.md): {} ({})\n",
                link_text(&b.title),
                abs(&b.url),
                link_text(line),
                b.date.zoned.strftime("%Y-%m-%d")
            )
        })
        .collect();
    out.reserve(lines.iter().map(String::len).sum::<usize>() + 4096);
    lines.iter().for_each(|line| out.push_str(line));
    if !site.stories.is_empty() {
        out.push_str("\n## Story threads\n\n");
        for s in &site.stories {
            let summary = s
                .story
                .summary
                .as_deref()
                .map(|t| format!(": {}", link_text(t)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- [{}]({}){summary}",
                link_text(&s.story.title),
                abs(&s.story.url)
            );
        }
    }
    out.push_str("\n## Optional\n\n");
    for p in &site.pages {
        let _ = writeln!(
            out,
            "- [{}]({}): {}",
            link_text(&p.title),
            abs(&p.url),
            link_text(&p.summary)
        );
    }
    let _ = writeln!(
        out,
        "- [Companies]({}): every company covered, with its briefings",
        abs(&config.url("companies/"))
    );
    let _ = writeln!(out, "- [Atom feed]({})", abs(&config.url("atom.xml")));
    out
}

#[derive(Serialize)]
struct TwinMatter<'a> {
    title: Line<'a>,
    date: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<&'a str>,
    url: String,
    authors: Vec<Line<'a>>,
    summary: Line<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    takeaway: Option<Line<'a>>,
    key_points: Vec<Line<'a>>,
    tags: Vec<Line<'a>>,
    companies: Vec<Line<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    story: Option<Line<'a>>,
    sources: Vec<TwinSource<'a>>,
}

#[derive(Serialize)]
struct TwinSource<'a> {
    url: Line<'a>,
    title: Line<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Line<'a>>,
}

/// A front-matter value on one line. With a line break in it, toml writes
/// a multi-line string, and a line `+++` inside that would end the twin's
/// front matter early for whoever reads it; in metadata a line break means
/// no more than a space.
#[derive(Serialize)]
#[serde(transparent)]
struct Line<'a>(std::borrow::Cow<'a, str>);

fn line(text: &str) -> Line<'_> {
    // Line breaks are ASCII: a byte scan finds them without decoding.
    if text.bytes().any(|b| matches!(b, b'\n' | b'\r')) {
        Line(text.replace("\r\n", " ").replace(['\r', '\n'], " ").into())
    } else {
        Line(text.into())
    }
}

fn lines(texts: &[String]) -> Vec<Line<'_>> {
    texts.iter().map(|t| line(t)).collect()
}

fn twin_matter<'b>(config: &Config, b: &'b Briefing) -> TwinMatter<'b> {
    TwinMatter {
        title: line(&b.title),
        date: &b.date.view.iso,
        updated: b.updated.as_ref().map(|d| d.view.iso.as_str()),
        url: config.absolute(&b.url),
        authors: lines(&b.authors),
        summary: line(&b.summary),
        takeaway: b.takeaway.as_deref().map(line),
        key_points: b.key_points.iter().map(|k| line(&k.text)).collect(),
        tags: lines(&b.tags),
        companies: lines(&b.companies),
        story: b.story.as_deref().map(line),
        sources: b
            .sources
            .iter()
            .map(|s| TwinSource {
                url: line(&s.url),
                title: line(&s.title),
                publisher: s.publisher.as_deref().map(line),
            })
            .collect(),
    }
}

fn twin(config: &Config, b: &Briefing) -> String {
    // Every value is on one line (`Line`), so no line can end the front matter.
    let front = toml::to_string(&twin_matter(config, b)).unwrap_or_default();
    let title = link_text(&b.title);
    let markdown = b.body_markdown();
    let body = markdown.trim();
    // Sized once: the body is most of the twin.
    let mut out = String::with_capacity(front.len() + title.len() + body.len() + 16);
    for part in ["+++\n", &front, "+++\n\n# ", &title, "\n\n", body, "\n"] {
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_text_is_one_line_without_brackets_or_markup() {
        assert_eq!(
            link_text("  a [link]\n\t<b>\\<x>\u{2028}z  "),
            "a (link) \\<b>\\\\\\<x> z"
        );
        assert_eq!(link_text(""), "");
        assert_eq!(link_text(" \r\n "), "");
    }
}
