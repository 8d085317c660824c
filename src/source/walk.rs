//! Walking `content/`: every regular `*.md` file, in a stable order.

use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Kind, SourceFile, Stamp};
use crate::diag::Diagnostic;

/// Reads every Markdown file under `root/content`. Hidden files and folders are
/// skipped; symlinks and special files (FIFOs, sockets, devices) are never
/// followed or read, and each gives a warning naming it. Files that cannot be
/// read or are not UTF-8 are errors.
pub fn load(root: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    load_except(root, &|_, _| false)
}

/// [`load`], except that the files for which `known(content_path, stamp)`
/// says the caller knows them already by their [`Stamp`] are not read now:
/// their text is read if and when it is asked for.
pub fn load_except(
    root: &Path,
    known: &(dyn Fn(&str, &Stamp) -> bool + Sync),
) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut diags = Vec::new();
    let mut found = Vec::new();
    if crate::fs::is_symlink(&content) {
        // Following it would read files from anywhere on the machine.
        let msg = "`content/` is a symlink: only the site's own files are read; make it a folder";
        diags.push(Diagnostic::error_file(Path::new("content"), msg));
        return (Vec::new(), diags);
    }
    if !content.is_dir() {
        let msg = "no `content/` folder: the site has nothing to build";
        diags.push(Diagnostic::error_file(Path::new("content"), msg).warning());
        return (Vec::new(), diags);
    }
    let walker = WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(&content);
                let shown = crate::theme::display(root, path);
                diags.push(Diagnostic::error_file(
                    &shown,
                    format!("could not read: {err}"),
                ));
                continue;
            }
        };
        let kind = entry.file_type();
        let path = entry.path();
        let is_md = path.extension().is_some_and(|ext| ext == "md");
        if kind.is_symlink() && !is_md && path.is_dir() {
            // Whatever such a folder holds would otherwise vanish unsaid.
            let shown = crate::theme::display(root, path);
            let msg = "skipping symlinked folder: only the site's own files are read; move its files into `content/`";
            diags.push(Diagnostic::error_file(&shown, msg).warning());
            continue;
        }
        if kind.is_dir() || !is_md {
            continue;
        }
        let shown = crate::theme::display(root, path);
        if !kind.is_file() {
            let what = if kind.is_symlink() {
                "symlink"
            } else {
                "special file"
            };
            let msg = format!("skipping {what}: only regular files are read");
            diags.push(Diagnostic::error_file(&shown, msg).warning());
            continue;
        }
        let Ok(rel) = path.strip_prefix(&content) else {
            continue;
        };
        let content_path = crate::fs::slash_path(rel);
        found.push((path.to_path_buf(), shown, content_path));
    }
    // Reading is IO-bound; doing it in parallel helps on cold caches.
    let read: Vec<Result<SourceFile, Diagnostic>> = found
        .into_par_iter()
        .map(|(path, shown, content_path)| {
            // The stamp is taken before the text is read: a write in between
            // leaves a stamp the next build will not recognize.
            let stamp = std::fs::symlink_metadata(&path)
                .map(|meta| Stamp::of(&meta))
                .map_err(|err| Diagnostic::error_file(&shown, format!("could not read: {err}")))?;
            let mut file = if known(&content_path, &stamp) {
                let kind = kind_of(&content_path);
                SourceFile::unread(shown, content_path, kind, &path)
            } else {
                read_one(&path, shown, content_path)?
            };
            file.stamp = Some(stamp);
            Ok(file)
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok(file) => files.push(file),
            Err(diag) => diags.push(diag),
        }
    }
    (files, diags)
}

fn read_one(
    path: &Path,
    shown: std::path::PathBuf,
    content_path: String,
) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|err| Diagnostic::error_file(&shown, format!("could not read: {err}")))?;
    // Keep the valid prefix to point at the bad byte's line and column.
    let prefix_of = |bytes: &[u8], at: usize| String::from_utf8_lossy(&bytes[..at]).into_owned();
    let text = match std::str::from_utf8(&bytes) {
        Ok(_) => crate::fs::normalize_text(bytes).unwrap_or_default(),
        Err(err) => {
            let at = err.valid_up_to();
            let prefix = prefix_of(&bytes, at);
            let (line, col) = crate::diag::line_col(&prefix, prefix.len());
            let mut diag =
                Diagnostic::error_file(&shown, "file is not valid UTF-8: save it as UTF-8");
            (diag.line, diag.col) = (line, col);
            return Err(diag);
        }
    };
    let kind = kind_of(&content_path);
    Ok(SourceFile::new(shown, content_path, kind, text))
}

/// The section a file belongs to, from its first folder below `content/`.
pub fn kind_of(content_path: &str) -> Kind {
    match content_path.split('/').next() {
        Some("pages") if content_path.contains('/') => Kind::Page,
        Some("companies") if content_path.contains('/') => Kind::Company,
        Some("stories") if content_path.contains('/') => Kind::Story,
        _ => Kind::Briefing,
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_reserved_folders() {
        assert_eq!(kind_of("2025/a.md"), Kind::Briefing);
        assert_eq!(kind_of("a.md"), Kind::Briefing);
        assert_eq!(kind_of("pages/about.md"), Kind::Page);
        assert_eq!(kind_of("companies/openai.md"), Kind::Company);
        assert_eq!(kind_of("stories/x.md"), Kind::Story);
        // A briefing that happens to be called pages.md is still a briefing.
        assert_eq!(kind_of("pages.md"), Kind::Briefing);
    }

    #[test]
    fn skips_hidden_non_md_and_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join(".hidden")).unwrap();
        std::fs::create_dir_all(content.join("dir.md")).unwrap();
        std::fs::write(content.join("a.md"), "\u{feff}x\r\ny").unwrap();
        std::fs::write(content.join(".b.md"), "x").unwrap();
        std::fs::write(content.join(".hidden/c.md"), "x").unwrap();
        std::fs::write(content.join("notes.txt"), "x").unwrap();
        std::fs::write(content.join("bad.md"), b"\xff").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", content.join("link.md")).unwrap();
        let (files, diags) = load(dir.path());
        let names: Vec<_> = files.iter().map(|f| f.content_path.as_str()).collect();
        assert_eq!(names, ["a.md"]);
        assert_eq!(&**files[0].text(), "x\ny");
        let messages: Vec<_> = diags.iter().map(ToString::to_string).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("bad.md") && m.contains("UTF-8")),
            "{messages:?}"
        );
        #[cfg(unix)]
        assert!(
            messages
                .iter()
                .any(|m| m.contains("link.md") && m.contains("symlink")),
            "{messages:?}"
        );
    }
}
