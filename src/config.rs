//! `briefing.toml`: the raw file, and the validated [`Config`] the build uses.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::diag::Diagnostic;

/// File name of the site configuration.
pub const FILE_NAME: &str = "briefing.toml";

/// `briefing.toml` as written. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    author: Option<String>,
    paginate: Option<usize>,
    paginate_lists: Option<usize>,
    words_per_minute: Option<usize>,
    footer: Option<String>,
    markdown: RawMarkdown,
    feeds: RawFeeds,
    new: RawNew,
    extra: Option<toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawNew {
    path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawFeeds {
    limit: Option<usize>,
    full_content: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawMarkdown {
    smart_punctuation: Option<bool>,
    unsafe_html: Option<bool>,
    highlight_theme: Option<String>,
    highlight_theme_dark: Option<String>,
}

/// Markdown settings.
#[derive(Debug, Clone)]
pub struct MarkdownConfig {
    /// Curly quotes, dashes and ellipses.
    pub smart_punctuation: bool,
    /// Pass raw HTML through unsanitized (trusted authors only).
    pub unsafe_html: bool,
    /// syntect theme for code in light mode.
    pub highlight_theme: String,
    /// syntect theme for code in dark mode.
    pub highlight_theme_dark: String,
}

/// Feed settings.
#[derive(Debug, Clone)]
pub struct FeedsConfig {
    /// Newest briefings per feed.
    pub limit: usize,
    /// Full HTML content in feed entries (else the summary only).
    pub full_content: bool,
}

/// Settings of `briefing new`.
#[derive(Debug, Clone)]
pub struct NewConfig {
    /// Where a new briefing goes below `content/`: a relative `/`-separated
    /// pattern ending in `.md`, with the placeholders `{year}`, `{month}`,
    /// `{day}` and `{slug}` (checked: it cannot leave `content/`).
    pub path: String,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site root (the folder holding `content/`).
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// One-sentence description.
    pub description: String,
    /// Absolute base URL with a trailing slash, or `/` when none is set.
    pub base_url: String,
    /// Path part of the base URL, with leading and trailing slash.
    pub base_path: String,
    /// Whether a real `base_url` was configured (or given on the command line).
    pub has_base_url: bool,
    /// Language tag.
    pub language: String,
    /// Time zone that front-matter dates are read in and shown in.
    pub timezone: TimeZone,
    /// Name of that time zone, as configured.
    pub timezone_name: String,
    /// Author used when a briefing names none.
    pub author: Option<String>,
    /// Briefings per home page.
    pub paginate: usize,
    /// Briefings per page of a tag, author or company.
    pub paginate_lists: usize,
    /// Reading speed for reading time.
    pub words_per_minute: usize,
    /// Footer line.
    pub footer: String,
    /// Markdown settings.
    pub markdown: MarkdownConfig,
    /// Feed settings.
    pub feeds: FeedsConfig,
    /// `briefing new` settings.
    pub new: NewConfig,
    /// Free-form `[extra]` table, passed to templates.
    pub extra: serde_json::Value,
}

impl Config {
    /// Reads `briefing.toml` from `root` (defaults when absent). Problems in the
    /// file are content problems, reported with their position.
    pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE_NAME);
        let display = PathBuf::from(FILE_NAME);
        if crate::fs::is_symlink(&path) {
            let msg = format!("{FILE_NAME} is a symlink: only the site's own files are read");
            return Err(vec![Diagnostic::error_file(&display, msg)]);
        }
        let text: Arc<str> = match std::fs::read(&path) {
            Ok(bytes) => match crate::fs::normalize_text(bytes) {
                Ok(text) => Arc::from(text),
                Err(at) => {
                    let msg = format!("{FILE_NAME} is not valid UTF-8 (byte {at})");
                    return Err(vec![Diagnostic::error_file(&display, msg)]);
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Arc::from(""),
            Err(err) => {
                let msg = format!("could not read {FILE_NAME}: {err}");
                return Err(vec![Diagnostic::error_file(&display, msg)]);
            }
        };
        let raw: RawConfig = toml::from_str(&text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            let message = err.message().trim().replace('\n', " ");
            vec![Diagnostic::error_at(&display, &text, span, message)]
        })?;
        // Values are checked after parsing; point at the key's line.
        let at_key = |key: &str, message: String| {
            let span = key_span(&text, key);
            vec![Diagnostic::error_at(&display, &text, span, message)]
        };
        Self::validate(root, raw, base_url_override, &at_key)
    }

    fn validate(
        root: &Path,
        raw: RawConfig,
        base_url_override: Option<&str>,
        at_key: &dyn Fn(&str, String) -> Vec<Diagnostic>,
    ) -> Result<Config, Vec<Diagnostic>> {
        // Destructured whole, so that a new key cannot be forgotten here.
        let RawConfig {
            title,
            description,
            base_url,
            language,
            timezone,
            author,
            paginate,
            paginate_lists,
            words_per_minute,
            footer,
            markdown,
            feeds,
            new,
            extra,
        } = raw;
        let RawNew { path: new_path } = new;
        let RawFeeds {
            limit: feed_limit,
            full_content,
        } = feeds;
        let RawMarkdown {
            smart_punctuation,
            unsafe_html,
            highlight_theme,
            highlight_theme_dark,
        } = markdown;

        let base = base_url_override.map(str::to_owned).or(base_url);
        let (base_url, base_path, has_base_url) = match base {
            Some(url) => {
                let (abs, path) = parse_base_url(&url).map_err(|m| at_key("base_url", m))?;
                (abs, path, true)
            }
            None => ("/".to_owned(), "/".to_owned(), false),
        };
        let timezone_name = timezone.unwrap_or_else(|| "UTC".to_owned());
        let tz = TimeZone::get(&timezone_name).map_err(|_| {
            at_key("timezone", format!(
                "unknown time zone `{timezone_name}`; use an IANA name such as `Europe/Berlin` or `UTC`"
            ))
        })?;
        let at_least_one = |key: &str, value: Option<usize>, default: usize| match value {
            Some(0) => Err(at_key(key, format!("`{key}` must be at least 1"))),
            value => Ok(value.unwrap_or(default)),
        };
        let paginate = at_least_one("paginate", paginate, 10)?;
        let paginate_lists = at_least_one("paginate_lists", paginate_lists, 50)?;
        let new_path = new_path.unwrap_or_else(|| "{year}/{slug}.md".to_owned());
        check_new_path(&new_path).map_err(|m| at_key("path", m))?;
        let words_per_minute = words_per_minute.unwrap_or(230).max(1);
        let title = title.unwrap_or_else(|| "Briefings".to_owned());
        let footer = footer.unwrap_or_else(|| title.clone());
        let extra = match extra {
            Some(table) => serde_json::to_value(table).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        Ok(Config {
            root: root.to_path_buf(),
            title,
            description: description.unwrap_or_default(),
            base_url,
            base_path,
            has_base_url,
            language: language.unwrap_or_else(|| "en".to_owned()),
            timezone: tz,
            timezone_name,
            author,
            paginate,
            paginate_lists,
            words_per_minute,
            footer,
            markdown: MarkdownConfig {
                smart_punctuation: smart_punctuation.unwrap_or(true),
                unsafe_html: unsafe_html.unwrap_or(false),
                highlight_theme: highlight_theme.unwrap_or_else(|| "InspiredGitHub".to_owned()),
                highlight_theme_dark: highlight_theme_dark
                    .unwrap_or_else(|| "base16-ocean.dark".to_owned()),
            },
            feeds: FeedsConfig {
                limit: feed_limit.unwrap_or(20).max(1),
                full_content: full_content.unwrap_or(true),
            },
            new: NewConfig { path: new_path },
            extra,
        })
    }

    /// Absolute URL of a site-relative URL (one that starts with `base_path`).
    pub fn absolute(&self, url: &str) -> String {
        if !self.has_base_url {
            return url.to_owned();
        }
        let rest = url
            .strip_prefix(&self.base_path)
            .unwrap_or(url.trim_start_matches('/'));
        format!("{}{}", self.base_url, rest)
    }

    /// Site-relative URL of a path below the site root (`tags/ai/` → `/base/tags/ai/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The `content/` folder.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
}

/// Span of a top-level `key =` line in the config text (start of the file
/// when the key is not found, e.g. a value given on the command line).
fn key_span(text: &str, key: &str) -> std::ops::Range<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = offset + (line.len() - trimmed.len());
            return start..start + key.len();
        }
        offset += line.len();
    }
    0..0
}

/// Checks a `[new] path` pattern: relative, `/`-separated, no `.`, `..` or
/// hidden segments, no reserved folder first, only known placeholders, and
/// a `.md` file at the end, so that every expansion stays a briefing inside
/// `content/`.
fn check_new_path(pattern: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`[new] path` {why}: `{pattern}`"));
    if !pattern.ends_with(".md") {
        return bad("must end in `.md`");
    }
    if pattern.starts_with('/') || pattern.contains(['\\', ':']) {
        return bad("must be a relative path below `content/`, with `/` separators");
    }
    let segments: Vec<&str> = pattern.split('/').collect();
    if segments.iter().any(|s| s.is_empty() || s.starts_with('.')) {
        return bad("must not have empty, `.`, `..` or hidden segments");
    }
    if segments.len() > 1 && matches!(segments[0], "pages" | "companies" | "stories") {
        return bad("must not start in a reserved folder (`pages/`, `companies/`, `stories/`)");
    }
    let mut rest = pattern;
    while let Some(open) = rest.find(['{', '}']) {
        let tail = &rest[open..];
        let close = tail.find('}').filter(|_| tail.starts_with('{'));
        let Some(close) = close else {
            return bad("has an unmatched brace");
        };
        if !matches!(&tail[..=close], "{year}" | "{month}" | "{day}" | "{slug}") {
            return bad("knows only the placeholders {year}, {month}, {day} and {slug}");
        }
        rest = &tail[close + 1..];
    }
    Ok(())
}

/// Checks a base URL and returns it with a trailing slash, and its path part.
fn parse_base_url(raw: &str) -> Result<(String, String), String> {
    let url = url::Url::parse(raw.trim())
        .map_err(|err| format!("`base_url` is not a valid URL ({err}): `{raw}`"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "`base_url` must be an absolute http(s) URL, not `{raw}`"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "`base_url` must not have a query or fragment: `{raw}`"
        ));
    }
    let mut abs = url.to_string();
    if !abs.ends_with('/') {
        abs.push('/');
    }
    let mut path = url.path().to_owned();
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((abs, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
        Config::load(dir.path(), None)
    }

    #[test]
    fn defaults_without_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), None).unwrap();
        assert!(!config.has_base_url);
        assert_eq!(config.base_path, "/");
        assert_eq!(config.paginate, 10);
        assert_eq!(config.paginate_lists, 50);
        assert_eq!(config.timezone_name, "UTC");
        assert!(config.markdown.smart_punctuation);
        assert!(!config.markdown.unsafe_html);
    }

    #[test]
    fn base_url_under_a_sub_path() {
        let config = load("base_url = \"https://user.github.io/briefings\"\n").unwrap();
        assert_eq!(config.base_url, "https://user.github.io/briefings/");
        assert_eq!(config.base_path, "/briefings/");
        assert_eq!(config.url("tags/ai/"), "/briefings/tags/ai/");
        assert_eq!(
            config.absolute("/briefings/tags/ai/"),
            "https://user.github.io/briefings/tags/ai/"
        );
    }

    #[test]
    fn pages_hold_at_least_one_briefing() {
        assert_eq!(load("paginate_lists = 3\n").unwrap().paginate_lists, 3);
        for key in ["paginate", "paginate_lists"] {
            let errs = load(&format!("title = \"x\"\n{key} = 0\n")).unwrap_err();
            assert_eq!((errs[0].line, errs[0].col), (2, 1));
            assert_eq!(errs[0].message, format!("`{key}` must be at least 1"));
        }
    }

    #[test]
    fn bad_values_point_at_their_key() {
        let errs = load("title = \"x\"\ntimezone = \"Mars/Olympus\"\n").unwrap_err();
        assert_eq!(errs[0].line, 2);
        assert!(
            errs[0].message.contains("Mars/Olympus"),
            "{}",
            errs[0].message
        );
        let errs = load("base_url = \"javascript:alert(1)\"\n").unwrap_err();
        assert!(errs[0].message.contains("http(s)"));
    }

    #[test]
    fn unknown_keys_are_rejected_with_position() {
        let errs = load("title = \"x\"\npaginat = 3\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].col), (2, 1));
        assert!(errs[0].message.contains("paginat"), "{}", errs[0].message);
    }
}
