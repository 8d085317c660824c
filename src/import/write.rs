//! The briefing file: TOML front matter serialized by `toml` (never
//! formatted by hand, so no title can break it), the body after it, and
//! its place in the site, `content/YEAR/SLUG.md`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::source::schema::BriefingMatter;
use crate::source::{Kind, SourceFile, frontmatter};

/// The front matter an import writes, in the order it is written.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FrontMatter {
    /// Headline.
    pub title: String,
    /// Publication date or date-time.
    pub date: toml::value::Datetime,
    /// Byline, when one was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// URL of the article, when no publisher is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The article with its title and publisher, when a publisher is known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceTable>,
    /// Set only when the file name's slug differs from the title's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The site's tags found in the text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Companies mentioned, by profile name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub companies: Vec<String>,
    /// Key points, `**Label:** text`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_points: Vec<String>,
    /// The one-line takeaway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub takeaway: Option<String>,
}

/// One entry of `sources`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceTable {
    /// Address.
    pub url: String,
    /// Headline.
    pub title: String,
    /// Who published it.
    pub publisher: String,
}

/// The whole briefing file: front matter and body. Checks that the result
/// reads back as a valid briefing front matter, so that a written file
/// never fails to parse.
pub fn render(matter: &FrontMatter, body: &str) -> Result<String> {
    let lines = |items: &[String]| items.iter().map(|i| one_line(i)).collect::<Vec<_>>();
    let matter = FrontMatter {
        title: one_line(&matter.title),
        date: matter.date,
        author: matter.author.as_deref().map(one_line),
        source: matter.source.as_deref().map(one_line),
        sources: matter
            .sources
            .iter()
            .map(|s| SourceTable {
                url: one_line(&s.url),
                title: one_line(&s.title),
                publisher: one_line(&s.publisher),
            })
            .collect(),
        slug: matter.slug.clone(),
        tags: lines(&matter.tags),
        companies: lines(&matter.companies),
        key_points: lines(&matter.key_points),
        takeaway: matter.takeaway.as_deref().map(one_line),
    };
    let toml = toml::to_string_pretty(&matter).context("could not serialize the front matter")?;
    let text = format!(
        "+++\n{}+++\n\n{}",
        ensure_newline(&toml),
        ensure_newline(body.trim_start())
    );
    let file = SourceFile::new(
        PathBuf::from("imported.md"),
        "imported.md".into(),
        Kind::Briefing,
        Arc::from(text.as_str()),
    );
    match frontmatter::parse::<BriefingMatter>(&file) {
        Ok(parsed) if parsed.matter.title == matter.title => Ok(text),
        Ok(_) => bail!("the written front matter does not read back the same title"),
        Err(diags) => {
            let messages: Vec<String> = diags.iter().map(ToString::to_string).collect();
            bail!(
                "the written front matter does not parse: {}",
                messages.join("; ")
            )
        }
    }
}

/// Collapses whitespace, so that every value is one line: a `+++` can then
/// never start a line of the front matter.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn ensure_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

/// `content/YEAR/SLUG.md` relative to the site root. The slug comes from
/// `crate::slug`, which only makes safe single path segments.
pub fn relative_path(year: i16, slug: &str) -> PathBuf {
    Path::new("content")
        .join(year.to_string())
        .join(format!("{slug}.md"))
}

/// Writes the briefing at `root/rel`, creating the year folder. Refuses to
/// replace an existing file unless `force`, and refuses to write through a
/// symlink (the content walk never follows them, so neither does import).
pub fn write(root: &Path, rel: &Path, text: &str, force: bool) -> Result<PathBuf> {
    let path = root.join(rel);
    let content = root.join("content");
    for dir in [content.as_path(), path.parent().unwrap_or(&content)] {
        if let Ok(meta) = std::fs::symlink_metadata(dir)
            && !meta.is_dir()
        {
            bail!(
                "`{}` is not a plain folder (a symlink or a file); not writing through it",
                dir.display()
            );
        }
    }
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() || !meta.is_file() => {
            bail!(
                "`{}` exists and is not a regular file; not replacing it",
                rel.display()
            )
        }
        Ok(_) if !force => bail!(
            "`{}` already exists; pass --force to replace it",
            rel.display()
        ),
        Ok(_) => crate::fs::write(&path, text.as_bytes())?,
        Err(_) => {
            // create_new: a file that appears meanwhile is still not replaced.
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| format!("could not create `{}`", path.display()))?;
            file.write_all(text.as_bytes())
                .with_context(|| format!("could not write `{}`", path.display()))?;
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn matter(title: &str) -> FrontMatter {
        FrontMatter {
            title: title.into(),
            date: toml::value::Datetime::from_str("2026-03-03").unwrap(),
            author: Some("Jane \"JR\" Roe".into()),
            source: None,
            sources: vec![SourceTable {
                url: "https://e.com/a".into(),
                title: title.into(),
                publisher: "E".into(),
            }],
            slug: None,
            tags: vec!["cloud".into()],
            companies: vec![],
            key_points: vec!["**A:** one\n+++\ntwo".into()],
            takeaway: Some("It's ''' fine \"\"\"".into()),
        }
    }

    #[test]
    fn hostile_values_cannot_break_the_front_matter() {
        let title = "Break +++ out\n+++\ndraft = true \"quoted\" 'single' \\ end";
        let text = render(&matter(title), "Body.\n").unwrap();
        assert!(text.starts_with("+++\ntitle = "), "{text}");
        let delimiters = text.lines().filter(|l| *l == "+++").count();
        assert_eq!(delimiters, 2, "{text}");
        assert!(!text.contains("\ndraft"), "{text}");
        assert!(text.ends_with("+++\n\nBody.\n"), "{text}");
    }

    #[test]
    fn refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let rel = relative_path(2026, "a");
        write(dir.path(), &rel, "one", false).unwrap();
        let err = write(dir.path(), &rel, "two", false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&rel)).unwrap(),
            "one"
        );
        write(dir.path(), &rel, "three", true).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&rel)).unwrap(),
            "three"
        );
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_symlinked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("content/2026")).unwrap();
        assert!(write(dir.path(), &relative_path(2026, "a"), "x", false).is_err());
        assert!(
            std::fs::read_dir(elsewhere.path())
                .unwrap()
                .next()
                .is_none()
        );
    }
}
