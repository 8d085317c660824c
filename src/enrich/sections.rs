//! The content that is not a briefing: standalone pages, company profiles and
//! story intros. Their bodies are rendered like a briefing's, without
//! metadata extraction.

use crate::diag::Diagnostic;
use crate::markdown::{self, Rendered};
use crate::source::SourceFile;
use crate::source::frontmatter::Parsed;
use crate::source::schema::{CompanyMatter, PageMatter, StoryMatter};

use super::{Enriched, Env, Origin, conclude, render_body, text};

/// A standalone page such as About, at `/SLUG/`.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where it came from.
    pub origin: Origin,
    /// Title.
    pub title: String,
    /// URL slug.
    pub slug: String,
    /// Site-relative URL.
    pub url: String,
    /// Plain-text summary.
    pub summary: String,
    /// Draft flag.
    pub draft: bool,
    /// Navigation order (lower first), then title.
    pub weight: i64,
    /// Rendered body.
    pub body: Rendered,
    /// Front matter's `extra`.
    pub extra: serde_json::Value,
}

/// A company profile, at `/companies/SLUG/`.
#[derive(Debug, Clone)]
pub struct Company {
    /// Where the profile came from (`None` for a company named by briefings
    /// without a profile file).
    pub origin: Option<Origin>,
    /// Display name.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Site-relative URL.
    pub url: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// Homepage.
    pub homepage: Option<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Profile body as HTML.
    pub content_html: String,
    /// Front matter's `extra`.
    pub extra: serde_json::Value,
}

/// A story thread's intro, at `/stories/SLUG/`.
#[derive(Debug, Clone)]
pub struct Story {
    /// Where it came from.
    pub origin: Origin,
    /// Title.
    pub title: String,
    /// URL slug (the value briefings name in `story`).
    pub slug: String,
    /// Site-relative URL.
    pub url: String,
    /// Plain-text summary.
    pub summary: Option<String>,
    /// Intro body as HTML.
    pub content_html: String,
    /// Front matter's `extra`.
    pub extra: serde_json::Value,
}

fn render_plain(origin: &Origin, env: &Env<'_>, errors: &mut Vec<Diagnostic>) -> Rendered {
    let events = markdown::parse(super::parsed_body(origin), &env.markdown);
    render_body(events, origin, env, errors)
}

/// Enriches a standalone page.
pub fn page(
    file: &SourceFile,
    parsed: Parsed<PageMatter>,
    slug: String,
    url: String,
    env: &Env<'_>,
) -> Enriched<Page> {
    let origin = Origin::new(file, &parsed);
    let mut errors = Vec::new();
    let fm = parsed.matter;
    let body = render_plain(&origin, env, &mut errors);
    let summary = text::summary(fm.summary.as_deref().unwrap_or(&body.plain_text));
    let page = Page {
        origin,
        title: fm.title.trim().to_owned(),
        slug,
        url,
        summary,
        draft: fm.draft,
        weight: fm.weight.unwrap_or(0),
        body,
        extra: serde_json::Value::Object(fm.extra),
    };
    conclude(|| Some(page), errors)
}

/// Enriches a company profile.
pub fn company(
    file: &SourceFile,
    parsed: Parsed<CompanyMatter>,
    slug: String,
    url: String,
    env: &Env<'_>,
) -> Enriched<Company> {
    let origin = Origin::new(file, &parsed);
    let mut errors = Vec::new();
    let fm = parsed.matter;
    if let Some(home) = &fm.homepage
        && !is_http_url(home)
    {
        errors.push(origin.error_at_key(
            "homepage",
            format!("homepage must be an absolute http(s) URL, not `{home}`"),
        ));
    }
    let body = render_plain(&origin, env, &mut errors);
    let company = Company {
        name: fm.name.trim().to_owned(),
        slug,
        url,
        aliases: fm
            .aliases
            .iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect(),
        homepage: fm.homepage.map(|h| h.trim().to_owned()),
        summary: fm.summary.map(|s| s.trim().to_owned()),
        content_html: body.html,
        extra: serde_json::Value::Object(fm.extra),
        origin: Some(origin),
    };
    conclude(|| Some(company), errors)
}

/// Enriches a story intro.
pub fn story(
    file: &SourceFile,
    parsed: Parsed<StoryMatter>,
    slug: String,
    url: String,
    env: &Env<'_>,
) -> Enriched<Story> {
    let origin = Origin::new(file, &parsed);
    let mut errors = Vec::new();
    let fm = parsed.matter;
    let body = render_plain(&origin, env, &mut errors);
    let story = Story {
        title: fm.title.trim().to_owned(),
        slug,
        url,
        summary: fm.summary.map(|s| s.trim().to_owned()),
        content_html: body.html,
        extra: serde_json::Value::Object(fm.extra),
        origin,
    };
    conclude(|| Some(story), errors)
}

/// Whether `url` is an absolute http(s) URL.
pub fn is_http_url(url: &str) -> bool {
    url::Url::parse(url.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}
