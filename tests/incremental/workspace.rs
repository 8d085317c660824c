//! The site on disk and its builds: a [`Workspace`] that writes a
//! [`Model`] as an author would, runs `briefing build` incrementally and
//! cleanly, and compares the output trees byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::sample::Index;

use super::harness::{Run, TestSite, tree};
use super::model::Model;

/// The flag that makes the reference build ignore any cache.
const NO_CACHE: &str = "--no-cache";

/// An output tree: every file's bytes by relative path.
type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// A site written from a [`Model`], and an output folder that persists
/// across builds, with the cache beside it.
pub struct Workspace {
    pub site: TestSite,
    /// The text of every file of the site as last written.
    written: BTreeMap<String, String>,
    /// Holds the output folder and its sibling cache.
    outside: tempfile::TempDir,
}

impl Workspace {
    /// Writes the model's site into a fresh directory.
    pub fn new(model: &Model) -> Workspace {
        let mut ws = Workspace {
            site: TestSite::empty(),
            written: BTreeMap::new(),
            outside: tempfile::tempdir().expect("temp dir"),
        };
        ws.sync(model);
        ws
    }

    /// The persistent output folder.
    pub fn out(&self) -> PathBuf {
        self.outside.path().join("public")
    }

    /// The cache beside the output folder.
    pub fn cache(&self) -> PathBuf {
        self.outside.path().join(".public.briefing-cache")
    }

    /// Writes the files whose text differs from the model's, and removes
    /// those the model no longer has. Returns the paths of both, relative
    /// to the site's root.
    pub fn sync(&mut self, model: &Model) -> Vec<String> {
        let files = model.files();
        let mut changed = Vec::new();
        for rel in self.written.keys().filter(|rel| !files.contains_key(*rel)) {
            std::fs::remove_file(self.site.root().join(rel)).expect("remove a site file");
            changed.push(rel.clone());
        }
        for (rel, text) in &files {
            if self.written.get(rel) != Some(text) {
                self.site.write(rel, text);
                changed.push(rel.clone());
            }
        }
        self.written = files;
        changed
    }

    /// Writes one file the model does not describe (an author's mistake).
    pub fn write(&mut self, rel: &str, text: &str) {
        self.site.write(rel, text);
        self.written.insert(rel.into(), text.into());
    }

    /// Rewrites one file of the site with the bytes it already has;
    /// returns its path relative to the site's root.
    pub fn touch(&self, which: &Index) -> String {
        let files: Vec<(&String, &String)> = self.written.iter().collect();
        let (rel, text) = which.get(&files);
        self.site.write(rel, text);
        (*rel).clone()
    }

    /// An incremental build into the persistent output folder.
    pub fn build(&self) -> Run {
        self.build_with(&[])
    }

    /// [`Workspace::build`] with more arguments.
    pub fn build_with(&self, extra: &[&str]) -> Run {
        run_build(&self.site, &self.out(), extra)
    }

    /// Builds incrementally, then cleanly, and describes the first
    /// difference between the two outputs.
    pub fn check(&self) -> Result<(), String> {
        succeeded(&self.build(), "the incremental build")?;
        let expected = clean_tree(&self.site)?;
        same_trees(&expected, &tree(&self.out()))
    }
}

/// `briefing --site ROOT build --output OUT EXTRA…`.
fn run_build(site: &TestSite, out: &Path, extra: &[&str]) -> Run {
    let out = out.to_str().expect("temp paths are UTF-8");
    let mut args = vec!["build", "--output", out];
    args.extend_from_slice(extra);
    site.run(&args)
}

/// A build succeeded silently: exit status 0 and nothing on stderr.
pub fn succeeded(run: &Run, what: &str) -> Result<(), String> {
    if run.status == 0 && run.stderr.trim().is_empty() {
        return Ok(());
    }
    Err(format!(
        "{what} exited with {} and printed on stderr:\n{}\nstdout:\n{}",
        run.status, run.stderr, run.stdout
    ))
}

/// The files of a clean build of `site`: `--no-cache`, into a fresh folder.
fn clean_tree(site: &TestSite) -> Result<Tree, String> {
    let fresh = tempfile::tempdir().expect("temp dir");
    let out = fresh.path().join("public");
    succeeded(&run_build(site, &out, &[NO_CACHE]), "the clean build")?;
    Ok(tree(&out))
}

/// Compares two output trees; the error names the first differing path and
/// shows the bytes around the first difference.
pub fn same_trees(expected: &Tree, actual: &Tree) -> Result<(), String> {
    if let Some(p) = expected.keys().find(|p| !actual.contains_key(*p)) {
        return Err(format!("`{}` is missing from the output", p.display()));
    }
    if let Some(p) = actual.keys().find(|p| !expected.contains_key(*p)) {
        return Err(format!("`{}` should not be in the output", p.display()));
    }
    match expected.iter().find(|(path, want)| actual[*path] != **want) {
        Some((path, want)) => Err(format!(
            "`{}` differs from the clean build's\n{}",
            path.display(),
            diff_context(want, &actual[path])
        )),
        None => Ok(()),
    }
}

/// The bytes around the first difference of two files.
fn diff_context(want: &[u8], got: &[u8]) -> String {
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let window = |bytes: &[u8]| {
        let end = (at + 80).min(bytes.len());
        String::from_utf8_lossy(&bytes[at.saturating_sub(80).min(end)..end]).into_owned()
    };
    format!(
        "first difference at byte {at} (clean: {} bytes, incremental: {} bytes)\n  \
         clean:       {:?}\n  incremental: {:?}",
        want.len(),
        got.len(),
        window(want),
        window(got)
    )
}

/// The regular files below `dir`, sorted (none if it does not exist).
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The modification time and inode of every file below `dir`.
#[cfg(unix)]
pub fn stamps(dir: &Path) -> BTreeMap<PathBuf, (std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    let stamp = |path: &Path| {
        let meta = std::fs::metadata(path).expect("output file metadata");
        (meta.modified().expect("modification time"), meta.ino())
    };
    let files = files_below(dir).into_iter();
    files
        .map(|path| {
            (
                path.strip_prefix(dir).expect("below dir").to_path_buf(),
                stamp(&path),
            )
        })
        .collect()
}
