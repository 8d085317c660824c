//! Content diagnostics: what is wrong with the content, where, and how to show it.
//!
//! A [`Diagnostic`] always names a file and a 1-based line and column counted in
//! that file (front-matter offsets included). Diagnostics are collected across a
//! whole run, sorted, and printed together; the caller decides the exit code.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot succeed.
    Error,
    /// The build succeeds but the author should look.
    Warning,
}

/// One problem in one content file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Path as shown to the user (relative to the site root where possible).
    pub path: PathBuf,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column (in characters) in the line.
    pub col: usize,
    /// What is wrong, as one sentence without a trailing period.
    pub message: String,
    /// The file text and the byte range the message points at, for the snippet.
    pub snippet: Option<(Arc<str>, Range<usize>)>,
}

impl Diagnostic {
    /// An error at a byte range of a file whose text is known.
    pub fn error_at(
        path: &Path,
        text: &Arc<str>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let (line, col) = line_col(text, start);
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            line,
            col,
            message: message.into(),
            snippet: Some((Arc::clone(text), start..end)),
        }
    }

    /// An error about a whole file (or a file whose text could not be read).
    pub fn error_file(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            message: message.into(),
            snippet: None,
        }
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic with its source snippet, as printed to the terminal.
    pub fn render(&self, color: bool) -> String {
        let header = self.to_string();
        let Some((text, span)) = &self.snippet else {
            return header;
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = inert(&self.path.display().to_string()).into_owned();
        // An empty span still deserves a caret: widen it to the next character.
        let mut span = span.clone();
        if span.is_empty() && span.end < text.len() {
            span.end = ceil_char_boundary(text, span.end + 1);
        }
        // Hand the renderer only the lines the span covers: it scans all the
        // source it is given, and a run can print thousands of diagnostics.
        let first = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let last = text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i);
        let excerpt = &text[first..last];
        let local = span.start - first..span.end.min(last) - first;
        let report = [level.primary_title(&self.message).element(
            Snippet::source(excerpt)
                .line_start(self.line)
                .path(&path)
                .annotation(AnnotationKind::Primary.span(local)),
        )];
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let body = renderer.render(&report);
        // The first line of annotate-snippets' output repeats the message; ours
        // leads with the grep-friendly `path:line:col: message` instead.
        match body.split_once('\n') {
            Some((_, rest)) => format!("{header}\n{rest}"),
            None => header,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {kind}: {}",
            inert(&self.path.display().to_string()),
            self.line,
            self.col,
            inert(&self.message)
        )
    }
}

/// `text` with the characters that could drive a terminal (escape
/// sequences, other controls, bidi overrides) written as `\u{…}`: a file
/// name or a front-matter key must not clear the screen or hide a message.
fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    let drives = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(drives) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if drives(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Sorts diagnostics by file and position so that output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message))
    });
}

/// The candidate closest to `word`, when one is close enough to be a likely
/// typo ("did you mean …?").
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|&c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Byte offset of the start of a 1-based line (the end of the text past the last line).
pub fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_in_messages_are_shown_escaped() {
        let d = Diagnostic::error_file(
            Path::new("content/\u{1b}[2J.md"),
            "key `\u{1b}]0;x\u{7}\u{202e}`",
        );
        let shown = d.to_string();
        assert!(!shown.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{shown}");
        assert!(
            shown.contains("\\u{1b}[2J.md") && shown.contains("\\u{202e}"),
            "{shown}"
        );
        assert!(!d.render(false).contains('\u{1b}'));
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncé d\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'd' is after a two-byte character.
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn closest_suggests_likely_typos_only() {
        let keys = ["title", "tags", "takeaway", "story"];
        assert_eq!(closest("titel", &keys), Some("title"));
        assert_eq!(closest("takeway", &keys), Some("takeaway"));
        assert_eq!(closest("zzz", &keys), None);
    }

    #[test]
    fn line_start_finds_lines() {
        let text = "a\nbb\nccc";
        assert_eq!(line_start(text, 1), 0);
        assert_eq!(line_start(text, 2), 2);
        assert_eq!(line_start(text, 3), 5);
        assert_eq!(line_start(text, 9), text.len());
    }

    #[test]
    fn display_is_grep_friendly() {
        let text: Arc<str> = Arc::from("title = 1\n");
        let d = Diagnostic::error_at(Path::new("content/a.md"), &text, 8..9, "bad title");
        assert_eq!(d.to_string(), "content/a.md:1:9: error: bad title");
        let shown = d.render(false);
        assert!(
            shown.starts_with("content/a.md:1:9: error: bad title\n"),
            "{shown}"
        );
        assert!(shown.contains("title = 1"), "{shown}");
    }
}
