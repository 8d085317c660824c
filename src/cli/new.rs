//! `briefing new TITLE`: write a new draft briefing with its front matter
//! filled in and a body skeleton, at the place `[new] path` names, and print
//! its path.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use serde::Serialize;

use super::{Outcome, print_diagnostics};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::slug;
use crate::source::schema::{BriefingMatter, resolve_date};
use crate::source::{Kind, SourceFile, frontmatter};
use crate::theme::{Origin, Theme};

/// Name of the body skeleton among the theme's templates.
pub const SKELETON: &str = "new/briefing.md";

/// Write a new draft briefing below `content/`, at the place `[new] path`
/// in briefing.toml names (default `{year}/{slug}.md`), and print its path.
/// Line breaks in values become spaces: front-matter values are one line.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The headline (line breaks in it, and in other values, become spaces).
    #[arg(value_name = "TITLE")]
    pub title: String,
    /// Byline (default: `author` in briefing.toml, if any).
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// URL of the primary reporting being briefed (absolute http or https).
    #[arg(long, value_name = "URL")]
    pub source: Option<String>,
    /// A tag; repeat for several.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A company the briefing is about; repeat for several.
    #[arg(long = "company", value_name = "NAME")]
    pub companies: Vec<String>,
    /// Slug of the story thread it belongs to (`content/stories/SLUG.md`).
    #[arg(long, value_name = "SLUG")]
    pub story: Option<String>,
    /// Publication date, YYYY-MM-DD or an RFC 3339 date-time (default: now,
    /// in the site's time zone).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// URL slug and file name (default: the slug of the title); also written
    /// to the front matter.
    #[arg(long, value_name = "SLUG")]
    pub slug: Option<String>,
}

/// The front matter of the new briefing, in the order it is written.
#[derive(Debug, Serialize)]
struct Matter {
    title: String,
    date: toml::value::Datetime,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    companies: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    story: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<String>,
    draft: bool,
}

/// What the skeleton template sees.
#[derive(Debug, Serialize)]
struct SkeletonContext<'m> {
    title: &'m str,
    date: String,
    author: Option<&'m str>,
    source: Option<&'m str>,
    tags: &'m [String],
    companies: &'m [String],
    story: Option<&'m str>,
}

impl Args {
    /// Writes the briefing and prints its path (relative to the site) on
    /// stdout; notes go to stderr.
    pub fn run(self, site: &Path) -> anyhow::Result<Outcome> {
        let config = match Config::load(site, None) {
            Ok(config) => config,
            Err(diags) => {
                print_diagnostics(&diags);
                return Ok(Outcome::ContentProblems);
            }
        };
        let content = config.content_dir();
        if !content.is_dir() {
            bail!(
                "`{}` has no content/ folder; is it a briefing site? (`briefing init DIR` makes one)",
                site.display()
            );
        }
        let (matter, when) = self.matter(&config)?;
        let slug = match &matter.slug {
            Some(slug) => slug.clone(),
            None => slug::slugify(&matter.title).with_context(|| {
                format!(
                    "cannot make a file name from the title `{}`; pass --slug",
                    matter.title
                )
            })?,
        };
        let below_content = expand(&config.new.path, &when, &slug);
        let rel = format!("content/{below_content}");
        let body = match skeleton(site, &matter) {
            Ok(body) => body,
            Err(diags) => {
                print_diagnostics(&diags);
                return Ok(Outcome::ContentProblems);
            }
        };
        let matter_text = toml::to_string(&matter).context("could not write the front matter")?;
        let text = format!("+++\n{matter_text}+++\n\n{body}");
        read_back(&rel, &below_content, &text, &matter)?;
        write_new(&site.join(&rel), &rel, &text)?;
        if let Some(story) = &matter.story
            && !content
                .join("stories")
                .join(format!("{story}.md"))
                .is_file()
        {
            eprintln!(
                "note: content/stories/{story}.md does not exist yet; write it before you build"
            );
        }
        println!("{rel}");
        Ok(Outcome::Success)
    }

    /// Checks every value and turns the arguments into front matter, with
    /// the date in the site's time zone (for the file's path).
    fn matter(&self, config: &Config) -> anyhow::Result<(Matter, jiff::ZonedDateTime)> {
        let title = one_line(&self.title);
        if title.is_empty() {
            bail!("the title is empty");
        }
        let (date, when) = date(self.date.as_deref(), &config.timezone)?;
        let author = match &self.author {
            Some(author) => Some(non_empty(author, "--author")?),
            None => config.author.clone(),
        };
        let source = self.source.as_deref().map(check_source).transpose()?;
        let tags = (self.tags.iter())
            .map(|t| non_empty(t, "--tag"))
            .collect::<anyhow::Result<_>>()?;
        let companies = (self.companies.iter())
            .map(|c| non_empty(c, "--company"))
            .collect::<anyhow::Result<_>>()?;
        let story = self.story.as_deref().map(|s| check_slug(s, "--story"));
        let slug = self.slug.as_deref().map(|s| check_slug(s, "--slug"));
        let matter = Matter {
            title,
            date,
            author,
            source,
            tags,
            companies,
            story: story.transpose()?,
            slug: slug.transpose()?,
            draft: true,
        };
        Ok((matter, when))
    }
}

/// Collapses every run of whitespace, line breaks included, to one space:
/// a TOML string with a line break would be written as a multi-line string,
/// and one of its lines could then read as the closing `+++`.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(value: &str, flag: &str) -> anyhow::Result<String> {
    let value = one_line(value);
    if value.is_empty() {
        bail!("{flag} must not be empty");
    }
    Ok(value)
}

/// The front-matter date and the moment it names in the site's zone: now
/// to the second with its offset, or `--date` as written (YYYY-MM-DD stays
/// a date, read in the site's zone like any front-matter date).
fn date(
    given: Option<&str>,
    tz: &jiff::tz::TimeZone,
) -> anyhow::Result<(toml::value::Datetime, jiff::ZonedDateTime)> {
    let rfc3339 = |when: &jiff::ZonedDateTime| when.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let (text, when) = match given {
        None => {
            let now = jiff::Timestamp::now().to_zoned_datetime(tz.clone());
            (rfc3339(&now), now)
        }
        Some(raw) => {
            let when = resolve_date(raw, tz).map_err(|msg| anyhow::anyhow!("--date: {msg}"))?;
            let raw = raw.trim();
            // Keep the author's spelling when TOML reads it as is; a form
            // only the front-matter reader accepts is written out in full.
            if raw.parse::<toml::value::Datetime>().is_ok() {
                (raw.to_owned(), when)
            } else {
                (rfc3339(&when), when)
            }
        }
    };
    let datetime = text
        .parse::<toml::value::Datetime>()
        .with_context(|| format!("--date: `{text}` is not a TOML date"))?;
    Ok((datetime, when))
}

fn check_source(url: &str) -> anyhow::Result<String> {
    let url = url.trim();
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
            Ok(url.to_owned())
        }
        _ => bail!("--source must be an absolute http(s) URL, not `{url}`"),
    }
}

fn check_slug(value: &str, flag: &str) -> anyhow::Result<String> {
    if slug::is_valid(value) {
        return Ok(value.to_owned());
    }
    let hint = slug::slugify(value)
        .map(|s| format!(", such as `{s}`"))
        .unwrap_or_default();
    bail!("{flag} must be a slug (lower-case a-z, 0-9 and `-`){hint}, not `{value}`")
}

/// The `[new] path` pattern (validated with the config) with its
/// placeholders filled in; every value is digits or a slug, so the result
/// stays below `content/`.
fn expand(pattern: &str, when: &jiff::ZonedDateTime, slug: &str) -> String {
    pattern
        .replace("{year}", &format!("{:04}", when.year()))
        .replace("{month}", &format!("{:02}", when.month()))
        .replace("{day}", &format!("{:02}", when.day()))
        .replace("{slug}", slug)
}

/// The body skeleton: the site's `templates/new/briefing.md` or the
/// built-in one, rendered as Markdown (no HTML escaping).
fn skeleton(site: &Path, matter: &Matter) -> Result<String, Vec<Diagnostic>> {
    let (theme, diags) = Theme::load(site);
    let ours: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.path.starts_with("templates/new"))
        .collect();
    if ours.iter().any(Diagnostic::is_error) {
        return Err(ours);
    }
    print_diagnostics(&ours);
    let file = theme
        .templates
        .get(SKELETON)
        .expect("the embedded theme has templates/new/briefing.md");
    let shown = match &file.origin {
        Origin::Embedded => PathBuf::from(format!("(built-in theme) templates/{SKELETON}")),
        Origin::Site(path) => path.clone(),
    };
    let text = std::str::from_utf8(&file.bytes).map_err(|_| {
        vec![Diagnostic::error_file(
            &shown,
            "template is not valid UTF-8",
        )]
    })?;
    let context = SkeletonContext {
        title: &matter.title,
        date: matter.date.to_string(),
        author: matter.author.as_deref(),
        source: matter.source.as_deref(),
        tags: &matter.tags,
        companies: &matter.companies,
        story: matter.story.as_deref(),
    };
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::<&str>::new());
    let rendered = tera
        .add_raw_template(SKELETON, text)
        .and_then(|()| tera::Context::from_serialize(&context))
        .and_then(|ctx| tera.render(SKELETON, &ctx))
        .map_err(|err| vec![template_diagnostic(&err, &shown, &Arc::from(text))])?;
    let mut body = rendered.trim_start().to_owned();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    Ok(body)
}

/// A Tera error as a diagnostic at its place in the skeleton template.
fn template_diagnostic(err: &tera::Error, shown: &Path, text: &Arc<str>) -> Diagnostic {
    crate::render::tera_diagnostic(err, |_| Some((shown, text)), shown, None)
}

/// Reads the new file back with the build's own front-matter reader, so a
/// file that would not build (or would read a different title) is never
/// written.
fn read_back(rel: &str, below_content: &str, text: &str, matter: &Matter) -> anyhow::Result<()> {
    let file = SourceFile::new(
        PathBuf::from(rel),
        below_content.to_owned(),
        Kind::Briefing,
        Arc::from(text),
    );
    let parsed = frontmatter::parse::<BriefingMatter>(&file).map_err(|diags| {
        let why: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        anyhow::anyhow!(
            "internal error: the front matter for `{rel}` does not read back: {}",
            why.join("; ")
        )
    })?;
    if parsed.matter.title != matter.title || !parsed.matter.draft {
        bail!("internal error: the front matter for `{rel}` reads back differently");
    }
    Ok(())
}

/// Creates the file, never replacing one: `create_new` makes the check and
/// the creation one step.
fn write_new(path: &Path, rel: &str, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("`{rel}` already exists; choose another title or pass --slug")
        }
        Err(err) => {
            return Err(err).with_context(|| format!("could not create `{}`", path.display()));
        }
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("could not write `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(one_line("  a \n\n+++\r\n b\t"), "a +++ b");
    }

    #[test]
    fn patterns_expand_with_padded_numbers() {
        let tz = jiff::tz::TimeZone::UTC;
        let when = resolve_date("2031-02-03", &tz).unwrap();
        let path = expand("{year}/{month}/{day}-{slug}.md", &when, "a-b");
        assert_eq!(path, "2031/02/03-a-b.md");
    }

    #[test]
    fn dates_keep_their_spelling_and_zone() {
        let tz = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
        let (toml, when) = date(Some("2031-02-03"), &tz).unwrap();
        assert_eq!(toml.to_string(), "2031-02-03");
        assert_eq!((when.year(), when.month(), when.day()), (2031, 2, 3));
        // 20:00 UTC is the next morning in Tokyo: the path follows the site.
        let (toml, when) = date(Some("2031-02-03T20:00:00Z"), &tz).unwrap();
        assert_eq!(toml.to_string(), "2031-02-03T20:00:00Z");
        assert_eq!(when.day(), 4);
        assert!(date(Some("03/02/2031"), &tz).is_err());
    }

    #[test]
    fn now_is_written_with_its_offset() {
        let tz = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
        let (toml, _) = date(None, &tz).unwrap();
        assert!(toml.to_string().ends_with("+09:00"), "{toml}");
    }

    #[test]
    fn slugs_and_sources_are_checked() {
        assert!(check_slug("a-b", "--slug").is_ok());
        let err = check_slug("../A B", "--slug").unwrap_err().to_string();
        assert!(err.contains("`a-b`"), "{err}");
        assert!(check_source("https://example.com/x").is_ok());
        assert!(check_source("javascript:alert(1)").is_err());
        assert!(check_source("example.com").is_err());
    }
}
