//! `import`: turn an article written elsewhere into a briefing.
//!
//! 1. A reader per format gives the article as Markdown, with the metadata
//!    its markup carries: [`text`] (plain text copied out of a web page),
//!    [`html`] (a whole page: Readability extraction + metadata), and
//!    [`markdown`] (Markdown without front matter).
//! 2. [`infer`] finds the rest in the body, the same way for every format:
//!    dateline, closing author and source lines, key points, takeaway;
//!    companies from the site's profiles, tags from the site's tags.
//! 3. [`write`] serializes the front matter and places the file at
//!    `content/YEAR/SLUG.md`.
//!
//! Every step says where each value came from ([`Report`]), so the author
//! knows what to check.

mod blocks;
mod boilerplate;
mod dates;
pub mod html;
pub mod infer;
pub mod lines;
pub mod markdown;
pub mod text;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::enrich::companies::{CompanyMatcher, KnownCompany};
use crate::source::schema::{BriefingMatter, CompanyMatter};
use crate::source::{Kind, frontmatter, walk};

/// The format of an article to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text as copied out of a web page.
    Text,
    /// An HTML page.
    Html,
    /// Markdown without front matter.
    Markdown,
}

impl Format {
    /// The format's name, as `--from` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Markdown => "markdown",
        }
    }
}

/// Guesses the format from the start of the input: markup → HTML, a `# `
/// heading or Markdown structure → Markdown, anything else → text.
pub fn detect(input: &str) -> Format {
    let start = input.trim_start().to_lowercase();
    let html_starts = [
        "<!doctype",
        "<html",
        "<head",
        "<body",
        "<article",
        "<p>",
        "<p ",
        "<div",
        "<main",
        "<?xml",
    ];
    if html_starts.iter().any(|s| start.starts_with(s)) {
        return Format::Html;
    }
    let first = input.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.starts_with("# ") {
        return Format::Markdown;
    }
    // Markdown structure: headings, emphasis-labelled bullets, links.
    let structural = input.lines().filter(|l| {
        let l = l.trim_start();
        l.starts_with("## ")
            || l.starts_with("- **")
            || l.starts_with("```")
            || l.contains("](http")
    });
    if structural.count() >= 2 {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// A value and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The value.
    pub value: String,
    /// Where it was found ("og:title", "first line"…).
    pub from: String,
}

impl Found {
    /// A value found at `from`.
    pub fn new(value: impl Into<String>, from: impl Into<String>) -> Self {
        Found {
            value: value.into(),
            from: from.into(),
        }
    }
}

/// What a format's reader gives: the article as Markdown, and the metadata
/// found in its markup.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// Headline.
    pub title: Option<Found>,
    /// Publication date as written.
    pub date: Option<Found>,
    /// Byline.
    pub author: Option<Found>,
    /// URL of the article.
    pub source: Option<Found>,
    /// Site name.
    pub publisher: Option<Found>,
    /// The article as Markdown.
    pub body: String,
    /// What the reader dropped or decided.
    pub notes: Vec<String>,
}

/// What import inferred, from where, and what it could not.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// "field: from — value" lines.
    pub inferred: Vec<String>,
    /// What could not be inferred, and why.
    pub missing: Vec<String>,
    /// What was dropped or needs a look.
    pub notes: Vec<String>,
}

impl Report {
    fn found(&mut self, what: &str, value: &str) {
        self.inferred.push(format!("{what} — {value}"));
    }
}

/// What the site knows that an import matches against.
#[derive(Debug)]
pub struct SiteInfo {
    /// Company profiles' names and aliases.
    pub companies: CompanyMatcher,
    /// Every tag the site's briefings use, sorted.
    pub tags: Vec<String>,
    /// Slug → content path of every briefing, to avoid a clash.
    pub slugs: BTreeMap<String, String>,
    /// The site's time zone (dates, "today").
    pub timezone: TimeZone,
}

impl SiteInfo {
    /// Reads the site's configuration, company profiles and briefings'
    /// tags and slugs. Files that do not parse are skipped: `build` reports
    /// them.
    pub fn load(root: &Path) -> Result<SiteInfo, Vec<Diagnostic>> {
        let config = Config::load(root, None)?;
        let (files, _) = walk::load(root);
        let mut known = Vec::new();
        let mut tags = std::collections::BTreeSet::new();
        let mut slugs = BTreeMap::new();
        for file in &files {
            match file.kind {
                Kind::Company => {
                    if let Ok(c) = frontmatter::parse::<CompanyMatter>(file) {
                        known.push(KnownCompany {
                            name: c.matter.name.trim().to_owned(),
                            aliases: c.matter.aliases,
                        });
                    }
                }
                Kind::Briefing => {
                    if let Ok(b) = frontmatter::parse::<BriefingMatter>(file) {
                        tags.extend(b.matter.tags.iter().map(|t| t.trim().to_owned()));
                        let slug = b.matter.slug.as_deref().unwrap_or(&b.matter.title);
                        if let Some(slug) = crate::slug::slugify(slug) {
                            slugs.insert(slug, file.content_path.clone());
                        }
                    }
                }
                Kind::Page | Kind::Story => {}
            }
        }
        Ok(SiteInfo {
            companies: CompanyMatcher::new(&known),
            tags: tags.into_iter().filter(|t| !t.is_empty()).collect(),
            slugs,
            timezone: config.timezone,
        })
    }
}

/// An imported briefing, ready to print or write.
#[derive(Debug)]
pub struct Imported {
    /// The whole file: front matter and body.
    pub text: String,
    /// Where it goes, relative to the site root (`content/YEAR/SLUG.md`).
    pub path: PathBuf,
    /// What was inferred from where.
    pub report: Report,
}

/// Imports one article: read it as `format`, infer its metadata against
/// the site, and render the briefing file. Errors are problems of the
/// input (no title, already a briefing) or a front matter that would not
/// read back.
pub fn import(input: &str, format: Format, site: &SiteInfo) -> anyhow::Result<Imported> {
    let extracted = match format {
        Format::Text => text::extract(input),
        Format::Html => html::extract(input),
        Format::Markdown => markdown::extract(input).map_err(anyhow::Error::msg)?,
    };
    let mut inferred = infer::infer(extracted, site).map_err(anyhow::Error::msg)?;
    let (slug, explicit) = choose_slug(&inferred.title, &inferred.date, site);
    let path = write::relative_path(inferred.date.day.year(), &slug);
    if explicit {
        inferred.report.notes.push(format!(
            "slug: `{slug}` (the title's slug is taken or empty); set in front matter"
        ));
    }
    let (source, sources) = match (&inferred.source, &inferred.publisher) {
        (Some(url), Some(publisher)) => (
            None,
            vec![write::SourceTable {
                url: url.clone(),
                title: inferred.title.clone(),
                publisher: publisher.clone(),
            }],
        ),
        (url, _) => (url.clone(), Vec::new()),
    };
    let matter = write::FrontMatter {
        title: inferred.title,
        date: inferred.date.value,
        author: inferred.author,
        source,
        sources,
        slug: explicit.then(|| slug.clone()),
        tags: inferred.tags,
        companies: inferred.companies,
        key_points: inferred.key_points,
        takeaway: inferred.takeaway,
    };
    let text = write::render(&matter, &inferred.body)?;
    Ok(Imported {
        text,
        path,
        report: inferred.report,
    })
}

/// The slug of the title, made unique among the site's briefings (another
/// briefing at the same path is the one `--force` replaces, not a clash).
/// Returns the slug and whether it must be written in front matter.
fn choose_slug(title: &str, date: &dates::FoundDate, site: &SiteInfo) -> (String, bool) {
    let year = date.day.year();
    let (base, mut explicit) = match crate::slug::slugify(title) {
        Some(slug) => (slug, false),
        None => (format!("imported-{}", date.day), true),
    };
    let clashes = |slug: &str| {
        site.slugs
            .get(slug)
            .is_some_and(|path| *path != format!("{year}/{slug}.md"))
    };
    let mut slug = base.clone();
    let mut n = 2;
    while clashes(&slug) {
        let suffix = format!("-{n}");
        let keep = base.len().min(crate::slug::MAX_LEN - suffix.len());
        slug = format!("{}{suffix}", base[..keep].trim_end_matches('-'));
        explicit = true;
        n += 1;
    }
    (slug, explicit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_from_the_start() {
        assert_eq!(detect("  <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(detect("<p>Hello</p>"), Format::Html);
        assert_eq!(detect("<article>x</article>"), Format::Html);
        assert_eq!(detect("\n# Title\n\nBody"), Format::Markdown);
        assert_eq!(detect("Title\n\n## A\n\n## B\n"), Format::Markdown);
        assert_eq!(detect("Title\n\nSome text.\n• a\n"), Format::Text);
        assert_eq!(detect("<script>alert(1)</script> is a title"), Format::Text);
    }

    #[test]
    fn slugs_avoid_other_briefings() {
        let site = SiteInfo {
            companies: CompanyMatcher::new(&[]),
            tags: vec![],
            slugs: BTreeMap::from([
                ("a-title".to_owned(), "2025/a-title.md".to_owned()),
                ("same".to_owned(), "2026/same.md".to_owned()),
            ]),
            timezone: TimeZone::UTC,
        };
        let date = dates::parse("2026-03-03", &TimeZone::UTC).unwrap();
        assert_eq!(
            choose_slug("A title", &date, &site),
            ("a-title-2".into(), true)
        );
        assert_eq!(choose_slug("Same", &date, &site), ("same".into(), false));
        assert_eq!(
            choose_slug("日本語", &date, &site),
            ("imported-2026-03-03".into(), true)
        );
    }
}
