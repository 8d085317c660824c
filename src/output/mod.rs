//! Stage 6, write: the built files go into a fresh directory beside the
//! output as they are rendered, which is then swapped in (or, for a small
//! incremental update, whose changed files are moved into place: see
//! [`writer`]). A failed or interrupted build leaves the previous output
//! untouched; the next build removes the leftovers.
//!
//! Nothing is written or deleted outside the output directory and its
//! siblings named after it (`.NAME.briefing-new`, `.NAME.briefing-old`, the
//! build cache `.NAME.briefing-cache`, and, while a build writes, the lock
//! `.NAME.briefing-lock` that makes concurrent builds take turns, see
//! [`lock`]).

pub mod assets;
pub mod crawlers;
pub mod feeds;
pub mod llms;
pub mod lock;
pub mod search;
pub mod writer;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::render::OutputFile;

/// Marker file that identifies a directory written by `briefing`, so that a
/// build never replaces a folder it did not create.
pub const MARKER: &str = ".briefing-output";

/// Checks that `output` may be used as the output of the site at `root`:
/// not the site root, not `content/` (or the theme folders), and not an
/// ancestor of any of them. Both paths are made absolute first.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf> {
    let root = absolute(root)?;
    let output = absolute(output)?;
    if output.parent().is_none() {
        bail!(
            "refusing to use `{}` as the output directory",
            output.display()
        );
    }
    for protected in [
        root.clone(),
        root.join("content"),
        root.join("templates"),
        root.join("static"),
    ] {
        if protected.starts_with(&output) {
            bail!(
                "refusing to use `{}` as the output directory: it holds `{}`, which a build would replace",
                output.display(),
                protected.display()
            );
        }
    }
    if output.starts_with(root.join("content")) {
        bail!(
            "refusing to write the output inside `content/`: `{}`",
            output.display()
        );
    }
    Ok(output)
}

/// An absolute, lexically normalised path (no `.` or `..`), without touching
/// the file system beyond the current directory.
fn absolute(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .context("could not read the current directory")?
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// `.NAME.briefing-SUFFIX` beside the output folder `NAME`.
pub(crate) fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.briefing-{suffix}"))
}

/// Writes `files` as the new content of `output` (already checked with
/// [`check_output_dir`]), replacing what was there only once every file is
/// written.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<()> {
    with_output(output, |staging| {
        crate::fs::create_dir_all(staging.path())?;
        fill(staging.path(), files)?;
        staging.swap()
    })
}

/// The folder a build fills before it replaces the output.
pub struct Staging<'a> {
    output: &'a Path,
    path: PathBuf,
}

impl Staging<'_> {
    /// The staging folder (`.NAME.briefing-new`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Puts the staging folder in place of the output, atomically where the
    /// platform can.
    pub fn swap(&self) -> Result<()> {
        let old = sibling(self.output, "old");
        swap(&self.path, self.output, &old).with_context(|| {
            format!(
                "could not write the site to `{}`; the previous output is untouched",
                self.output.display()
            )
        })
    }
}

/// Runs `f` while no other build can write to `output`: the previous output
/// of an interrupted build is put back and leftovers are removed first, and
/// the output is checked to be replaceable. A staging folder `f` leaves
/// behind is removed.
pub fn with_output<T>(output: &Path, f: impl FnOnce(&Staging) -> Result<T>) -> Result<T> {
    let staging = Staging {
        output,
        path: sibling(output, "new"),
    };
    let old = sibling(output, "old");
    if let Some(parent) = output.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    // Held until the new output is in place: another build of the same
    // output waits here rather than mixing its files with ours.
    lock::with_lock(&sibling(output, "lock"), || {
        lock::restore_interrupted(output, &old, MARKER)?;
        writer::recover(output, &staging.path)?;
        // Leftovers of an interrupted build.
        crate::fs::remove_dir_all(&staging.path)?;
        crate::fs::remove_dir_all(&old)?;
        if output.exists() {
            ensure_replaceable(output)?;
        }
        let result = f(&staging);
        let _ = std::fs::remove_dir_all(&staging.path);
        result
    })
}

/// Refuses to replace a non-empty folder that `briefing` did not write.
fn ensure_replaceable(output: &Path) -> Result<()> {
    if !output.is_dir() {
        bail!(
            "the output path `{}` exists and is not a directory",
            output.display()
        );
    }
    let mut entries = std::fs::read_dir(output)
        .with_context(|| format!("could not read `{}`", output.display()))?;
    if entries.next().is_none() || output.join(MARKER).is_file() {
        return Ok(());
    }
    bail!(
        "refusing to replace `{}`: it is not empty and was not written by briefing (no `{MARKER}` file); \
         remove it or choose another --output",
        output.display()
    )
}

fn fill(staging: &Path, files: &[OutputFile]) -> Result<()> {
    let mut dirs = BTreeSet::new();
    for f in files {
        let rel = safe_relative(&f.path)?;
        if let Some(parent) = rel.parent() {
            dirs.insert(parent.to_path_buf());
        }
    }
    for dir in &dirs {
        crate::fs::create_dir_all(&staging.join(dir))?;
    }
    files
        .par_iter()
        .try_for_each(|f| crate::fs::write(&staging.join(safe_relative(&f.path)?), &f.bytes))?;
    crate::fs::write(
        &staging.join(MARKER),
        b"Written by briefing; the whole folder is replaced on each build.\n",
    )
}

/// An output path must stay inside the output directory: relative, no `..`,
/// no root or drive prefix.
fn safe_relative(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if !ok {
        bail!("internal error: output path `{path}` would leave the output directory");
    }
    Ok(p.to_path_buf())
}

fn swap(staging: &Path, output: &Path, old: &Path) -> Result<()> {
    if output.exists() && lock::exchange(staging, output)? {
        // The previous output is now at `staging` and the new one is in
        // place; a copy that cannot be removed goes with the next build.
        let _ = std::fs::remove_dir_all(staging);
        return Ok(());
    }
    if output.exists() {
        crate::fs::rename(output, old)?;
        if let Err(err) = crate::fs::rename(staging, output) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(old, output);
            return Err(err);
        }
        crate::fs::remove_dir_all(old)?;
    } else {
        crate::fs::rename(staging, output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn refuses_dangerous_output_dirs() {
        let root = Path::new("/srv/site");
        assert!(check_output_dir(root, Path::new("/srv/site")).is_err());
        assert!(check_output_dir(root, Path::new("/srv")).is_err());
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/content")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/content/x")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/public/../content")).is_err());
        assert_eq!(
            check_output_dir(root, Path::new("/srv/site/public")).unwrap(),
            Path::new("/srv/site/public")
        );
        assert!(check_output_dir(root, Path::new("/tmp/out")).is_ok());
    }

    #[test]
    fn rejects_escaping_paths() {
        for bad in ["../x", "/etc/x", "a/../../b", ""] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
        assert!(safe_relative("a/b/index.html").is_ok());
    }

    #[test]
    fn replaces_previous_output_and_cleans_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("a/index.html", "one"), file("gone.html", "x")]).unwrap();
        // A leftover from an interrupted build.
        std::fs::create_dir_all(sibling(&out, "new").join("junk")).unwrap();
        write_site(&out, &[file("a/index.html", "two")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("gone.html").exists());
        assert!(!sibling(&out, "new").exists());
        assert!(!sibling(&out, "old").exists());
    }

    #[test]
    fn never_replaces_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep").unwrap();
        let err = write_site(&out, &[file("index.html", "x")]).unwrap_err();
        assert!(err.to_string().contains("not written by briefing"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep"
        );
    }
}
