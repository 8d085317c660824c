//! The typed front matter of each kind of content file.
//!
//! One struct per [`Kind`](super::Kind): [`BriefingMatter`], [`PageMatter`],
//! [`CompanyMatter`] and [`StoryMatter`]. Each implements [`Schema`], which
//! lists its keys so that [`frontmatter::parse`](super::frontmatter::parse) can
//! reject unknown keys (with a suggestion) and report every missing required
//! key before serde sees the document.
//!
//! Dates are kept as written ([`RawDate`]); the caller resolves them with the
//! site's time zone through [`resolve_date`].

use std::fmt;

use jiff::ZonedDateTime;
use jiff::civil::DateTime;
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::{Offset, TimeZone};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Map, Value};

/// Implemented by each front-matter struct.
pub trait Schema: DeserializeOwned {
    /// Every top-level key this kind accepts, for "did you mean" and unknown-key checks.
    const KEYS: &'static [&'static str];
    /// Keys that must be present.
    const REQUIRED: &'static [&'static str];
}

/// Free-form `extra` table, passed to templates as JSON.
pub type Extra = Map<String, Value>;

/// The key under which `toml` hands a datetime to a self-describing visitor
/// (such as `serde_json::Value`); it is toml's private wire format.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// The front matter of a briefing (any `*.md` outside the reserved folders).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefingMatter {
    /// Headline.
    pub title: String,
    /// Publication date as written; a future date is held back (embargo).
    pub date: RawDate,
    /// Date of the last substantive update.
    #[serde(default)]
    pub updated: Option<RawDate>,
    /// Single author; `briefing.toml` gives the default.
    #[serde(default)]
    pub author: Option<String>,
    /// Several authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// URL of the primary reporting being briefed.
    #[serde(default)]
    pub source: Option<String>,
    /// Several sources, each a bare URL or a `{ url, title, publisher }` table.
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
    /// The 3–6 things that changed.
    #[serde(default)]
    pub key_points: Vec<String>,
    /// The one-line "in simple terms".
    #[serde(default)]
    pub takeaway: Option<String>,
    /// Meta description; the caller defaults it to the first paragraph.
    #[serde(default)]
    pub summary: Option<String>,
    /// Tag taxonomy.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Companies named, linking to company pages.
    #[serde(default)]
    pub companies: Vec<String>,
    /// Slug of the story thread this briefing belongs to.
    #[serde(default)]
    pub story: Option<String>,
    /// Shown only with `--drafts` and in `serve`.
    #[serde(default)]
    pub draft: bool,
    /// URL slug; the caller defaults it to the slug of the title.
    #[serde(default)]
    pub slug: Option<String>,
    /// Visible update history.
    #[serde(default)]
    pub updates: Vec<UpdateEntry>,
    /// Free-form data passed to templates.
    #[serde(default, deserialize_with = "extra")]
    pub extra: Extra,
}

impl Schema for BriefingMatter {
    const KEYS: &'static [&'static str] = &[
        "title",
        "date",
        "updated",
        "author",
        "authors",
        "source",
        "sources",
        "key_points",
        "takeaway",
        "summary",
        "tags",
        "companies",
        "story",
        "draft",
        "slug",
        "updates",
        "extra",
    ];
    const REQUIRED: &'static [&'static str] = &["title", "date"];
}

/// The front matter of a standalone page (`content/pages/`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMatter {
    /// Page title.
    pub title: String,
    /// URL slug; the caller defaults it to the slug of the title.
    #[serde(default)]
    pub slug: Option<String>,
    /// Meta description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Publication date as written.
    #[serde(default)]
    pub date: Option<RawDate>,
    /// Date of the last update as written.
    #[serde(default)]
    pub updated: Option<RawDate>,
    /// Shown only with `--drafts` and in `serve`.
    #[serde(default)]
    pub draft: bool,
    /// Menu order: lower comes first.
    #[serde(default)]
    pub weight: Option<i64>,
    /// Free-form data passed to templates.
    #[serde(default, deserialize_with = "extra")]
    pub extra: Extra,
}

impl Schema for PageMatter {
    const KEYS: &'static [&'static str] = &[
        "title", "slug", "summary", "date", "updated", "draft", "weight", "extra",
    ];
    const REQUIRED: &'static [&'static str] = &["title"];
}

/// The front matter of a company profile (`content/companies/`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyMatter {
    /// Display name, also matched in briefing text.
    pub name: String,
    /// Other names matched in briefing text ("Google DeepMind", "GDM").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The company's own site.
    #[serde(default)]
    pub homepage: Option<String>,
    /// URL slug; the caller defaults it to the slug of the name.
    #[serde(default)]
    pub slug: Option<String>,
    /// One-line description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Free-form data passed to templates.
    #[serde(default, deserialize_with = "extra")]
    pub extra: Extra,
}

impl Schema for CompanyMatter {
    const KEYS: &'static [&'static str] =
        &["name", "aliases", "homepage", "slug", "summary", "extra"];
    const REQUIRED: &'static [&'static str] = &["name"];
}

/// The front matter of a story thread's intro (`content/stories/`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryMatter {
    /// Title of the thread.
    pub title: String,
    /// One-line description of the thread.
    #[serde(default)]
    pub summary: Option<String>,
    /// URL slug; the caller defaults it to the slug of the title.
    #[serde(default)]
    pub slug: Option<String>,
    /// Free-form data passed to templates.
    #[serde(default, deserialize_with = "extra")]
    pub extra: Extra,
}

impl Schema for StoryMatter {
    const KEYS: &'static [&'static str] = &["title", "summary", "slug", "extra"];
    const REQUIRED: &'static [&'static str] = &["title"];
}

/// One entry of `sources`: written as a bare URL or as a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    /// Address of the source.
    pub url: String,
    /// Headline of the source article.
    pub title: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
}

/// The table form of a [`SourceEntry`].
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table with `url`, `title`, `publisher`"
)]
struct SourceTable {
    url: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
}

impl<'de> Deserialize<'de> for SourceEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A hand-written visitor rather than `#[serde(untagged)]`: untagged
        // enums lose the position and say "did not match any variant".
        struct EntryVisitor;

        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = SourceEntry;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a URL or a table with `url`, `title`, `publisher`")
            }

            fn visit_str<E: de::Error>(self, url: &str) -> Result<SourceEntry, E> {
                Ok(SourceEntry {
                    url: url.to_owned(),
                    title: None,
                    publisher: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SourceEntry, A::Error> {
                let table = SourceTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(SourceEntry {
                    url: table.url,
                    title: table.title,
                    publisher: table.publisher,
                })
            }
        }

        deserializer.deserialize_any(EntryVisitor)
    }
}

/// One entry of `updates`: what changed and when.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table with `date` and `note`")]
pub struct UpdateEntry {
    /// When the update was made, as written.
    pub date: RawDate,
    /// What changed.
    pub note: String,
}

/// A date or date-time exactly as written in the front matter.
///
/// Accepts a TOML date/datetime value (`date = 2025-01-21`) and a string
/// (YAML's `date: 2025-01-21`, or a quoted TOML string). Resolve it with
/// [`RawDate::resolve`] once the site's time zone is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawDate(String);

impl RawDate {
    /// Wraps the text of a date.
    pub fn new(text: impl Into<String>) -> Self {
        RawDate(text.into())
    }

    /// The date as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant this date names, shown in `tz`; see [`resolve_date`].
    pub fn resolve(&self, tz: &TimeZone) -> Result<ZonedDateTime, String> {
        resolve_date(&self.0, tz)
    }
}

impl fmt::Display for RawDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;

        impl<'de> Visitor<'de> for DateVisitor {
            type Value = RawDate;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2025-01-21 or 2025-01-21T09:30:00Z")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawDate, E> {
                Ok(RawDate(text.trim().to_owned()))
            }

            // toml hands its native datetime to visitors as a one-entry map
            // keyed by a private marker; anything else is not a date.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDate, A::Error> {
                let key: Option<String> = map.next_key()?;
                match key.as_deref() {
                    Some(TOML_DATETIME_KEY) => {
                        let text: String = map.next_value()?;
                        Ok(RawDate(text))
                    }
                    _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
                }
            }
        }

        deserializer.deserialize_any(DateVisitor)
    }
}

/// Deserializes `extra`, turning toml's datetime wrapper into its text so that
/// templates see `"2025-01-21"` rather than a private one-key table.
fn extra<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Extra, D::Error> {
    let mut map = Extra::deserialize(deserializer)?;
    for value in map.values_mut() {
        unwrap_toml_datetimes(value);
    }
    Ok(map)
}

fn unwrap_toml_datetimes(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.len() == 1
                && let Some(Value::String(text)) = map.get_mut(TOML_DATETIME_KEY)
            {
                let text = std::mem::take(text);
                *value = Value::String(text);
                return;
            }
            map.values_mut().for_each(unwrap_toml_datetimes);
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_toml_datetimes),
        _ => {}
    }
}

/// Resolves a date as written into an instant shown in `tz`.
///
/// Accepts `YYYY-MM-DD` (midnight in `tz`), an RFC 3339 date-time with `Z` or
/// an offset (that instant, shown in `tz`), and a date-time without offset
/// (`2025-01-21T10:00:00` or `2025-01-21 10:00:00`, read as local time in
/// `tz`; as in jiff's "compatible" mode, a wall time skipped by a DST change
/// moves forward by the gap and a repeated one means its first occurrence).
pub fn resolve_date(raw: &str, tz: &TimeZone) -> Result<ZonedDateTime, String> {
    let text = raw.trim();
    let invalid = || {
        format!(
            "invalid date `{raw}`: expected YYYY-MM-DD or an RFC 3339 date-time \
             such as 2025-01-21T09:30:00Z"
        )
    };
    // jiff's parser also takes compact ISO 8601 forms (`20250121`) and RFC
    // 9557 zone annotations; the front matter contract is narrower.
    if !has_rfc3339_shape(text) || text.contains('[') {
        return Err(invalid());
    }
    let pieces = Pieces::parse(text).map_err(|_| invalid())?;
    let date = pieces.date();
    let zoned = match (pieces.time(), pieces.offset()) {
        (None, None) => date.to_zoned_datetime(tz.clone()),
        (Some(time), None) => DateTime::from_parts(date, time).to_zoned_datetime(tz.clone()),
        (Some(time), Some(offset)) => {
            let offset = match offset {
                PiecesOffset::Numeric(numeric) => numeric.offset(),
                // `Z` and any future kind of offset mean UTC.
                _ => Offset::UTC,
            };
            offset
                .to_timestamp(DateTime::from_parts(date, time))
                .map(|instant| instant.to_zoned_datetime(tz.clone()))
        }
        (None, Some(_)) => return Err(invalid()),
    };
    // The text was a valid date: only the calendar's end is in the way.
    zoned.map_err(|_| {
        format!("date `{raw}` is out of range: a date must be earlier than 9999-12-30 22:00 UTC")
    })
}

/// Whether `text` starts `YYYY-MM-DD` and, if longer, continues with a `T`,
/// `t` or space before the time.
fn has_rfc3339_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 10 {
        return false;
    }
    let date_ok = bytes[..10].iter().enumerate().all(|(i, b)| match i {
        4 | 7 => *b == b'-',
        _ => b.is_ascii_digit(),
    });
    date_ok && (bytes.len() == 10 || matches!(bytes[10], b'T' | b't' | b' '))
}

#[cfg(test)]
mod tests;
