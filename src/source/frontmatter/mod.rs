//! Split a content file into front matter and body, and parse the front matter
//! into its typed [`Schema`].
//!
//! Parsing runs in two passes so that every problem is reported at its place
//! in the file: first the front matter is read as a map of top-level keys with
//! their byte spans (`toml`'s `DeTable`, `serde-saphyr`'s `Spanned`), which
//! gives every unknown and every missing key at once; only a front matter
//! whose keys are right is then deserialized into the schema's struct. Parser
//! positions are relative to the front matter, so each is shifted by the
//! offset of the line after the opening delimiter.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use toml::de::DeTable;

use super::SourceFile;
use super::schema::Schema;
use crate::diag::{self, Diagnostic};

/// The language of a front matter, decided by its delimiter line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML between `+++` lines.
    Toml,
    /// YAML between `---` lines.
    Yaml,
}

impl Format {
    /// The delimiter line that opens and closes this format.
    pub fn delimiter(self) -> &'static str {
        match self {
            Format::Toml => "+++",
            Format::Yaml => "---",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Yaml => "YAML",
        }
    }
}

/// A file's typed front matter, where its keys are, and where its body starts.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// The front matter, deserialized.
    pub matter: T,
    /// Which language the front matter was written in.
    pub format: Format,
    /// Byte span (in the whole file) of the VALUE of each top-level key present.
    pub spans: BTreeMap<String, Range<usize>>,
    /// Byte span (in the whole file) of the opening delimiter line, used for file-level complaints.
    pub opening: Range<usize>,
    /// Byte offset in the file where the body (after the closing delimiter line) starts.
    pub body_offset: usize,
}

impl<T> Parsed<T> {
    /// The body of `text`, the file this front matter was parsed from.
    pub fn body<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.body_offset..).unwrap_or("")
    }

    /// The span of a key's value, or of the opening delimiter when absent.
    pub fn span_of(&self, key: &str) -> Range<usize> {
        self.spans
            .get(key)
            .cloned()
            .unwrap_or_else(|| self.opening.clone())
    }
}

/// Splits `file` and parses its front matter as the schema `T`.
///
/// Returns every problem of the file at once: each unknown key (with the
/// closest known key), each missing required key, or else the first value of
/// the wrong type; a syntax error stops parsing on its own. Dates are left as
/// written for the caller to resolve in the site's time zone.
pub fn parse<T: Schema>(file: &SourceFile) -> Result<Parsed<T>, Vec<Diagnostic>> {
    let text = file.text();
    let report = |problems: Vec<Problem>| -> Vec<Diagnostic> {
        problems
            .into_iter()
            .map(|p| Diagnostic::error_at(&file.display_path, text, p.span, p.message))
            .collect()
    };
    let split = split(text).map_err(|p| report(vec![p]))?;
    let source = Matter {
        text: &text[split.matter.clone()],
        base: split.matter.start,
        opening: split.opening.clone(),
    };
    let (matter, keys) = match split.format {
        Format::Toml => parse_toml::<T>(&source),
        Format::Yaml => parse_yaml::<T>(&source),
    }
    .map_err(report)?;
    let spans = keys.into_iter().map(|key| (key.name, key.value)).collect();
    Ok(Parsed {
        matter,
        format: split.format,
        spans,
        opening: split.opening,
        body_offset: split.body_offset,
    })
}

/// Something wrong at a byte range of the whole file.
#[derive(Debug)]
struct Problem {
    span: Range<usize>,
    message: String,
}

/// Where the parts of a file are, as byte ranges of the whole file.
#[derive(Debug, PartialEq, Eq)]
struct Split {
    format: Format,
    opening: Range<usize>,
    matter: Range<usize>,
    body_offset: usize,
}

/// Finds the delimiter lines. The closing line is the first later line equal
/// to the opening one; trailing spaces and tabs are allowed on both.
fn split(text: &str) -> Result<Split, Problem> {
    let mut lines = text.split_inclusive('\n').scan(0, |start, line| {
        let range = *start..*start + line.len();
        *start = range.end;
        Some((range, line))
    });
    let first = lines
        .next()
        .map(|(range, line)| (range, delimiter_of(line)));
    let Some((first_range, Some(format))) = first else {
        let end = text.find('\n').unwrap_or(text.len());
        return Err(Problem {
            span: 0..end,
            message: "missing front matter: start the file with `+++` (TOML) or `---` (YAML)"
                .into(),
        });
    };
    let opening = 0..format.delimiter().len();
    for (range, line) in lines {
        if delimiter_of(line) == Some(format) {
            return Ok(Split {
                format,
                opening,
                matter: first_range.end..range.start,
                body_offset: range.end,
            });
        }
    }
    Err(Problem {
        span: opening,
        message: format!(
            "front matter opened here is never closed (expected a closing `{}` line)",
            format.delimiter()
        ),
    })
}

fn delimiter_of(line: &str) -> Option<Format> {
    match line.trim_end_matches('\n').trim_end_matches([' ', '\t']) {
        "+++" => Some(Format::Toml),
        "---" => Some(Format::Yaml),
        _ => None,
    }
}

/// The front matter text and where it sits in the file.
struct Matter<'t> {
    text: &'t str,
    /// Byte offset of `text` in the file.
    base: usize,
    opening: Range<usize>,
}

impl Matter<'_> {
    /// A range of the front matter as a range of the file. A parser error
    /// "at the end" points at the last character of the front matter rather
    /// than at the closing delimiter, which the parser never saw.
    fn to_file(&self, range: Range<usize>) -> Range<usize> {
        let last = self.text.len().saturating_sub(1);
        let start = range.start.min(last);
        let end = range.end.clamp(start, self.text.len());
        self.base + start..self.base + end
    }

    fn syntax_error(&self, format: Format, range: Range<usize>, raw: &str) -> Problem {
        Problem {
            span: self.to_file(range),
            message: format!("invalid {} in front matter: {}", format.name(), clean(raw)),
        }
    }
}

/// One top-level key, with byte ranges in the whole file.
#[derive(Debug)]
struct TopKey {
    name: String,
    key: Range<usize>,
    value: Range<usize>,
}

/// One problem per unknown key (at the key) and per missing required key (at
/// the opening delimiter).
fn check_keys<T: Schema>(keys: &[TopKey], opening: &Range<usize>) -> Vec<Problem> {
    let mut problems: Vec<Problem> = keys
        .iter()
        .filter(|key| !T::KEYS.contains(&key.name.as_str()))
        .map(|key| Problem {
            span: key.key.clone(),
            message: unknown_key_message(&key.name, T::KEYS),
        })
        .collect();
    problems.sort_by_key(|p| p.span.start);
    problems.extend(
        T::REQUIRED
            .iter()
            .filter(|required| !keys.iter().any(|key| key.name == **required))
            .map(|required| Problem {
                span: opening.clone(),
                message: format!("missing required key `{required}`"),
            }),
    );
    problems
}

fn unknown_key_message(name: &str, known: &[&str]) -> String {
    let shown = shorten(name, 60);
    match crate::diag::closest(name, known) {
        Some(key) => format!("unknown key `{shown}` in front matter; did you mean `{key}`?"),
        None => {
            let all: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "unknown key `{shown}` in front matter; expected one of: {}",
                all.join(", ")
            )
        }
    }
}

/// A serde error at `at` (a file offset), reworded and prefixed with the
/// top-level key whose value contains it.
fn type_problem(keys: &[TopKey], span: Range<usize>, raw: &str) -> Problem {
    let at = span.start;
    // saphyr places errors raised by a visitor at the key; the value is
    // what is wrong, so point there.
    if let Some(key) = keys.iter().find(|key| key.key.contains(&at)) {
        return Problem {
            span: key.value.clone(),
            message: format!("invalid `{}`: {}", key.name, clean(raw)),
        };
    }
    let owner = keys
        .iter()
        .filter(|key| key.key.start <= at)
        .max_by_key(|key| key.key.start);
    let message = match owner {
        Some(key) => format!("invalid `{}`: {}", key.name, clean(raw)),
        None => format!("invalid front matter: {}", clean(raw)),
    };
    Problem { span, message }
}

// ---------------------------------------------------------------------------
// TOML

fn parse_toml<T: Schema>(matter: &Matter<'_>) -> Result<(T, Vec<TopKey>), Vec<Problem>> {
    // toml's parser bounds nesting itself (a recursion guard of 80 levels), so
    // hostile input such as `a = [[[[…` 10,000 deep ends in a clean error.
    let table = DeTable::parse(matter.text).map_err(|err| {
        let range = err.span().unwrap_or(0..0);
        vec![matter.syntax_error(Format::Toml, range, err.message())]
    })?;
    let mut keys: Vec<TopKey> = table
        .get_ref()
        .iter()
        .map(|(key, value)| TopKey {
            name: key.get_ref().to_string(),
            key: shift(key.span(), matter.base),
            value: shift(value.span(), matter.base),
        })
        .collect();
    keys.sort_by_key(|key| key.key.start);
    let problems = check_keys::<T>(&keys, &matter.opening);
    if !problems.is_empty() {
        return Err(problems);
    }
    match T::deserialize(toml::de::Deserializer::from(table)) {
        Ok(value) => Ok((value, keys)),
        Err(err) => {
            let span = matter.to_file(err.span().unwrap_or(0..0));
            Err(vec![type_problem(&keys, span, err.message())])
        }
    }
}

fn shift(range: Range<usize>, base: usize) -> Range<usize> {
    base + range.start..base + range.end
}

// ---------------------------------------------------------------------------
// YAML

/// Limits that keep hostile YAML (alias bombs, deep nesting, huge documents)
/// cheap: a front matter is a few dozen keys, so these are far above honest
/// use. The depth limit is low because saphyr recurses per level and a debug
/// build spends ~25 KiB of stack on each; 32 levels fit a 2 MiB thread.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            flow_nesting_limit: 32,
            max_events: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: 100_000,
            max_documents: 1,
            max_total_scalar_bytes: 16 * 1024 * 1024,
            max_recorded_anchor_events: 20_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 20_000,
            max_replay_stack_depth: 16,
        },
        // YAML 1.2: `yes`/`no`/`on` are strings, so `draft: no` cannot
        // silently mean something the author did not write.
        strict_booleans: true,
        with_snippet: false,
    }
}

fn parse_yaml<T: Schema>(matter: &Matter<'_>) -> Result<(T, Vec<TopKey>), Vec<Problem>> {
    let options = yaml_options();
    let top: Option<TopLevel> = serde_saphyr::from_str_with_options(matter.text, options.clone())
        .map_err(|err| vec![yaml_error(matter, &err, None)])?;
    let keys = top.map(|top| top.into_keys(matter)).unwrap_or_default();
    let problems = check_keys::<T>(&keys, &matter.opening);
    if !problems.is_empty() {
        return Err(problems);
    }
    // An empty front matter is YAML null; read it as an empty mapping so that
    // a schema with no required keys gets its defaults.
    let text = if keys.is_empty() { "{}" } else { matter.text };
    match serde_saphyr::from_str_with_options::<T>(text, options) {
        Ok(value) => Ok((value, keys)),
        Err(err) => Err(vec![yaml_error(matter, &err, Some(&keys))]),
    }
}

/// A YAML error as a problem: a type error when the keys are known, otherwise
/// a syntax or limit error.
fn yaml_error(matter: &Matter<'_>, err: &serde_saphyr::Error, keys: Option<&[TopKey]>) -> Problem {
    let start = err
        .location()
        .map_or(0, |loc| yaml_offset(matter.text, &loc));
    let raw = err.without_snippet().to_string();
    match keys {
        Some(keys) => type_problem(keys, matter.to_file(start..start), &raw),
        // Only the top level is read without keys; a list or a scalar there
        // is not a front matter.
        None if clean(&raw) == "expected a table" => Problem {
            span: matter.to_file(start..start),
            message: "YAML front matter must be `key: value` lines".into(),
        },
        None => matter.syntax_error(Format::Yaml, start..start, &raw),
    }
}

/// Byte offset in the front matter of a saphyr location: its byte offset when
/// known (string input), else its 1-based line and character column.
fn yaml_offset(text: &str, loc: &Location) -> usize {
    if let Some(offset) = loc.span().byte_offset() {
        return usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
    }
    let line = usize::try_from(loc.line()).unwrap_or(usize::MAX);
    let col = usize::try_from(loc.column()).unwrap_or(usize::MAX);
    let start = diag::line_start(text, line);
    let line_text = text[start..].split('\n').next().unwrap_or("");
    let within = line_text
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    start + within
}

/// The top level of a YAML front matter: its keys and values with positions.
struct TopLevel(Vec<(Spanned<String>, Spanned<IgnoredAny>)>);

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopVisitor;

        impl<'de> Visitor<'de> for TopVisitor {
            type Value = TopLevel;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`key: value` lines")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(TopLevel(entries))
            }
        }

        deserializer.deserialize_map(TopVisitor)
    }
}

impl TopLevel {
    fn into_keys(self, matter: &Matter<'_>) -> Vec<TopKey> {
        let starts: Vec<usize> = self
            .0
            .iter()
            .map(|(key, _)| yaml_offset(matter.text, &key.referenced))
            .collect();
        let mut keys = Vec::with_capacity(self.0.len());
        for (i, (key, value)) in self.0.into_iter().enumerate() {
            let key_start = starts[i];
            let key_len = byte_len(&key.referenced).unwrap_or(key.value.len());
            let value_start = yaml_offset(matter.text, &value.referenced);
            let mut value_end = value_start + byte_len(&value.referenced).unwrap_or(0);
            // Block collections start with an empty event: stretch their
            // span to the text before the next key so the caret has a body.
            if value_end == value_start {
                let next = starts.get(i + 1).copied().unwrap_or(matter.text.len());
                let region = matter.text.get(value_start..next).unwrap_or("");
                value_end = value_start + without_trailing_comments(region).len();
            }
            keys.push(TopKey {
                name: key.value,
                key: shift(key_start..key_start + key_len, matter.base),
                value: shift(value_start..value_end.min(matter.text.len()), matter.base),
            });
        }
        keys
    }
}

/// `text` without trailing blank and comment-only lines.
fn without_trailing_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_end();
        let last_line = text.rfind('\n').map_or(0, |i| i + 1);
        if !text[last_line..].trim_start().starts_with('#') {
            return text;
        }
        text = &text[..last_line];
    }
}

fn byte_len(loc: &Location) -> Option<usize> {
    loc.span()
        .byte_len()
        .and_then(|len| usize::try_from(len).ok())
}

mod messages;
#[cfg(test)]
mod tests;

use messages::{clean, shorten};
