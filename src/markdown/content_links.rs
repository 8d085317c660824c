//! Links from one content file to another (`../2025/other.md#part`): which
//! destinations are such links, and the `content/`-relative path they name.

use super::url_safety::{percent_decode, scheme};

/// A destination that names another content file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ContentLink<'d> {
    /// The path as written, percent-decoded (`../2025/other.md`).
    pub(crate) path: String,
    /// What follows the path, kept on the resolved URL: `#part`, `?x`, or "".
    pub(crate) suffix: &'d str,
}

/// Why a content link has no target.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// `..` climbs out of `content/`.
    AboveRoot,
}

/// The content file `dest` names: a relative destination (no scheme, not
/// starting with `/` or `#`) whose path ends in `.md`.
pub(crate) fn parse(dest: &str) -> Option<ContentLink<'_>> {
    if dest.is_empty() || dest.starts_with(['/', '#']) || scheme(dest).is_some() {
        return None;
    }
    let split = dest.find(['?', '#']).unwrap_or(dest.len());
    let (path, suffix) = dest.split_at(split);
    // Decode only what might name a content file: most links do not.
    if !path.ends_with(".md") && !path.contains('%') {
        return None;
    }
    let path = percent_decode(path);
    path.ends_with(".md")
        .then_some(ContentLink { path, suffix })
}

/// Join `relative` to the directory of `from` (both `/`-separated and
/// relative to `content/`), resolving `.` and `..`.
pub(crate) fn resolve(from: &str, relative: &str) -> Result<String, Unresolved> {
    let mut segments: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    // The last segment of `from` is the file itself, not a directory.
    segments.pop();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop().ok_or(Unresolved::AboveRoot)?;
            }
            name => segments.push(name),
        }
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(path: &str, suffix: &'static str) -> Option<ContentLink<'static>> {
        Some(ContentLink {
            path: path.to_owned(),
            suffix,
        })
    }

    #[test]
    fn recognises_relative_markdown_destinations() {
        assert_eq!(parse("other.md"), link("other.md", ""));
        assert_eq!(parse("./other.md#part"), link("./other.md", "#part"));
        assert_eq!(
            parse("../2025/other.md?x=1#p"),
            link("../2025/other.md", "?x=1#p")
        );
        assert_eq!(parse("my%20notes.md"), link("my notes.md", ""));
    }

    #[test]
    fn leaves_other_destinations_alone() {
        for dest in [
            "",
            "https://example.com/a.md",
            "/abs/a.md",
            "#a.md",
            "mailto:a.md",
            "image.png",
            "a.md.png",
            "dir/",
        ] {
            assert_eq!(parse(dest), None, "{dest:?}");
        }
    }

    #[test]
    fn resolves_against_the_linking_file() {
        assert_eq!(resolve("2025/a.md", "other.md"), Ok("2025/other.md".into()));
        assert_eq!(resolve("2025/a.md", "./x/../b.md"), Ok("2025/b.md".into()));
        assert_eq!(resolve("2025/a.md", "../2024/b.md"), Ok("2024/b.md".into()));
        assert_eq!(
            resolve("a.md", "pages//about.md"),
            Ok("pages/about.md".into())
        );
        assert_eq!(resolve("a.md", "../b.md"), Err(Unresolved::AboveRoot));
        assert_eq!(
            resolve("2025/a.md", "../../b.md"),
            Err(Unresolved::AboveRoot)
        );
    }
}
