//! The sink of `build`: files are written as they are rendered, into the
//! staging folder beside the output, so a build holds at most a few pages
//! in memory at a time.
//!
//! Two ways to finish:
//!
//! - **clean** (no usable manifest of the previous build): the staging
//!   folder holds the whole site and is swapped in atomically;
//! - **incremental** (the manifest in the cache names every file of the
//!   current output and the key it was made from): pages whose key did not
//!   change are left where they are, and only new and changed files are
//!   staged. Once every file is rendered without error, the manifest is
//!   removed, a journal of the update is written, the staged files are
//!   renamed into place one by one, files no longer produced are deleted,
//!   and a new manifest is written. A build that fails before that point
//!   leaves the output as it was; one killed during it is completed by the
//!   next build, from the journal, before anything else. When more than half
//!   of the files changed, the kept files are linked into the staging folder
//!   and the whole folder is swapped in at once, as in a clean build.

use foldhash::HashMap;
use rayon::prelude::*;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

mod strangers;

use super::{MARKER, Staging, safe_relative};
use crate::render::{Key, OutputFile, Sink};
use strangers::Lookout;

/// What the previous build left: every output file with the key it was
/// made from, and what the build needs to skip itself when nothing changed.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Fingerprint of every input of the build (see `build::inputs`).
    pub inputs: Key,
    /// The earliest moment (Unix seconds) at which a scheduled briefing
    /// becomes due, and the same inputs make another site.
    pub until: Option<i64>,
    /// What the build reported: summary figures and warnings.
    pub report: Report,
    /// Every output file, by path.
    files: Vec<(String, Record)>,
    /// Every folder of the output (`""` for the output itself) with its
    /// modification time when the build ended: a file anyone else puts
    /// there later changes its folder's time.
    folders: Vec<(String, i128)>,
}

/// What a build printed, to print it again when nothing changed.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Published briefings.
    pub briefings: usize,
    /// HTML pages written.
    pub pages: usize,
    /// Briefings held back as scheduled.
    pub scheduled: usize,
    /// Drafts held back.
    pub drafts: usize,
    /// The warnings, as printed.
    pub warnings: String,
}

/// One output file as the manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    key: Key,
    size: u64,
    /// Modification time in nanoseconds since the epoch: a file changed by
    /// anyone else since is never taken for the build's own.
    modified: i128,
}

/// Where the manifest of an output folder is kept.
pub fn manifest_path(output: &Path) -> PathBuf {
    crate::cache::dir_for(output).join("manifest.bin")
}

/// Reads the manifest of `output` if it can be trusted: the output exists,
/// was written by `briefing`, and the manifest is intact and current.
pub fn previous_manifest(output: &Path) -> Option<Manifest> {
    if !output.join(MARKER).is_file() {
        return None;
    }
    crate::cache::read(&manifest_path(output))
}

impl Manifest {
    /// HTML pages in the output.
    pub fn pages(&self) -> usize {
        self.files.iter().filter(|f| f.0.ends_with(".html")).count()
    }
}

/// What a build did to the output, for its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Files written.
    pub written: usize,
    /// Files kept as the previous build left them.
    pub kept: usize,
    /// Files removed.
    pub removed: usize,
}

/// The build's sink on disk.
pub struct Writer {
    output: PathBuf,
    staging: PathBuf,
    previous: Option<Arc<HashMap<String, Record>>>,
    /// The previous output's folders and their times (see [`Manifest`]).
    previous_folders: Arc<Vec<(String, i128)>>,
    /// What the output holds that the previous build did not put there.
    strangers: Lookout,
    /// Path, record, and whether the file was written (staged) by this build.
    records: Mutex<Vec<(String, Record, bool)>>,
    /// Folders of the staging folder made so far: a briefing's page and its
    /// twin share one, and asking the system for it again costs a call per
    /// file.
    folders: Mutex<foldhash::HashSet<PathBuf>>,
    failure: Mutex<Option<anyhow::Error>>,
}

impl Writer {
    /// Starts writing into a fresh staging folder. With `previous`, files
    /// whose key did not change are kept in the output as they are.
    pub fn new(staging: &Staging<'_>, previous: Option<Manifest>) -> Result<Writer> {
        crate::fs::remove_dir_all(staging.path())?;
        crate::fs::create_dir_all(staging.path())?;
        let (previous, previous_folders) = match previous {
            Some(m) => (
                Some(Arc::new(m.files.into_iter().collect::<HashMap<_, _>>())),
                Arc::new(m.folders),
            ),
            None => (None, Arc::default()),
        };
        let output = staging.output.to_path_buf();
        let strangers = match &previous {
            Some(previous) => Lookout::start(
                output.clone(),
                Arc::clone(previous),
                Arc::clone(&previous_folders),
            ),
            None => Lookout::default(),
        };
        Ok(Writer {
            output,
            staging: staging.path().to_path_buf(),
            previous,
            previous_folders,
            strangers,
            records: Mutex::new(Vec::new()),
            folders: Mutex::new(foldhash::HashSet::default()),
            failure: Mutex::new(None),
        })
    }

    /// Whether every file the previous build's manifest names is still in
    /// the output as that build left it (same size and modification time),
    /// and nothing else was put there.
    pub fn previous_intact(&self) -> bool {
        if self.previous.is_none() {
            return false;
        }
        let found = self.strangers.found();
        found.is_empty() && found.altered.is_empty()
    }

    /// Whether this build updates the previous output in place.
    pub fn is_incremental(&self) -> bool {
        self.previous.is_some()
    }

    /// How many files were written and kept, and how many of those in the
    /// output will go: files of the previous build that this one did not
    /// make (a page of a list that got shorter) and files put there by
    /// hand. Only the first two for a clean build.
    pub fn counts(&self) -> Counts {
        let records = lock(&self.records);
        let written = records.iter().filter(|r| r.2).count();
        let removed = self.previous.as_ref().map_or(0, |previous| {
            let still = records.iter().filter(|r| previous.contains_key(&r.0));
            previous.len() - still.count() + self.strangers.found().files.len()
        });
        Counts {
            written,
            kept: records.len() - written,
            removed,
        }
    }

    /// Puts the new site in place and returns its manifest (without the
    /// build's `inputs`, `until` and `report`, which the caller fills in).
    /// Call only after every file was handed to the sink without error.
    pub fn finish(self, staging: &Staging<'_>) -> Result<Manifest> {
        // Known before the writer is taken apart (none for a clean build).
        let strangers = self.strangers.found().clone();
        if let Some(err) = self.failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(err.context(format!(
                "could not write the site to `{}`; the previous output is untouched",
                self.output.display()
            )));
        }
        let records = self.records.into_inner().unwrap_or_else(|p| p.into_inner());
        let written = records.iter().filter(|r| r.2).count();
        let manifest_path = manifest_path(&self.output);
        crate::cache::invalidate(&manifest_path)?;
        // The folders an update in place changed, whose times are read
        // again; after a swap every folder is new.
        let touched: Option<foldhash::HashSet<String>> = match &self.previous {
            // When most files changed, the kept ones join the staged ones
            // and the whole folder is swapped in at once.
            Some(previous) if written * 2 <= records.len() => {
                let mut removals = removed(previous, &records);
                removals.extend(strangers.files);
                let journal = Journal {
                    moves: records
                        .iter()
                        .filter(|r| r.2)
                        .map(|r| r.0.clone())
                        .collect(),
                    removals,
                    folders: strangers.folders,
                };
                let journal_path = journal_path(&self.output);
                crate::cache::write(&journal_path, &journal)?;
                journal.apply(&self.output, &self.staging)?;
                crate::cache::invalidate(&journal_path)?;
                let changed = journal.moves.iter().chain(&journal.removals);
                let changed = changed.chain(&journal.folders).chain(&strangers.changed);
                Some(strangers::touched(changed))
            }
            previous => {
                if previous.is_some() {
                    link_kept(&self.output, &self.staging, &records)?;
                }
                crate::fs::write(
                    &self.staging.join(MARKER),
                    b"Written by briefing; the whole folder is replaced on each build.\n",
                )?;
                staging.swap()?;
                None
            }
        };
        let mut files: Vec<(String, Record)> =
            records.into_iter().map(|(p, r, _)| (p, r)).collect();
        // Paths are unique: an unstable sort gives the one order.
        files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let folders = strangers::folder_times(
            &self.output,
            &files,
            &self.previous_folders,
            touched.as_ref(),
        );
        Ok(Manifest {
            files,
            folders,
            ..Manifest::default()
        })
    }

    /// Removes what this build staged; the output stays as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    fn fail(&self, err: anyhow::Error) {
        let mut failure = lock(&self.failure);
        if failure.is_none() {
            *failure = Some(err);
        }
    }

    fn write(&self, path: &str, parts: &[&[u8]], key: Key) -> Result<Record> {
        let rel = safe_relative(path)?;
        let path = self.staging.join(rel);
        if let Some(parent) = path.parent()
            && !lock(&self.folders).contains(parent)
        {
            crate::fs::create_dir_all(parent)?;
            lock(&self.folders).insert(parent.to_path_buf());
        }
        let mut handle = std::fs::File::create(&path)
            .with_context(|| format!("could not create `{}`", path.display()))?;
        write_parts(&mut handle, parts)
            .with_context(|| format!("could not write `{}`", path.display()))?;
        let meta = handle
            .metadata()
            .with_context(|| format!("could not read `{}`", path.display()))?;
        Ok(Record {
            key,
            size: meta.len(),
            modified: modified_nanos(&meta),
        })
    }

    /// Writes one new or changed file, unless it is unchanged.
    fn take(&self, path: String, parts: &[&[u8]], key: Key) {
        if lock(&self.failure).is_some() {
            return;
        }
        // A file known only by its bytes that did not change stays in place.
        if self.unchanged(&path, key) {
            return;
        }
        match self.write(&path, parts, key) {
            Ok(record) => lock(&self.records).push((path, record, true)),
            Err(err) => self.fail(err),
        }
    }
}

impl Sink for Writer {
    fn wants_keys(&self) -> bool {
        true
    }

    fn unchanged(&self, path: &str, key: Key) -> bool {
        let Some(record) = self.previous.as_ref().and_then(|p| p.get(path)) else {
            return false;
        };
        if record.key != key {
            return false;
        }
        // Looked at from the start of the build (see `strangers`).
        let intact = !self.strangers.found().altered.contains(path);
        if intact {
            lock(&self.records).push((path.to_owned(), *record, false));
        }
        intact
    }

    fn put(&self, file: OutputFile, key: Key) {
        self.take(file.path, &[&file.bytes], key);
    }

    fn put_parts(&self, path: String, parts: Vec<bytes::Bytes>, key: Key) {
        let slices: Vec<&[u8]> = parts.iter().map(|p| &p[..]).collect();
        self.take(path, &slices, key);
    }

    fn paths(&self) -> Vec<String> {
        lock(&self.records).iter().map(|r| r.0.clone()).collect()
    }
}

/// Writes `parts` one after the other, a batch of them per system call
/// (the search index is some twenty thousand small parts, which are
/// neither joined in memory nor written one by one).
fn write_parts(file: &mut std::fs::File, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::IoSlice;
    // Linux takes at most 1,024 slices a call.
    for batch in parts.chunks(1024) {
        let mut slices: Vec<IoSlice<'_>> = batch.iter().map(|part| IoSlice::new(part)).collect();
        let mut rest = &mut slices[..];
        // Past any empty slices in front.
        IoSlice::advance_slices(&mut rest, 0);
        while !rest.is_empty() {
            match file.write_vectored(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(())
}

/// An update in place, written down before it starts: a build killed while
/// it moves files is completed by the next one (see [`recover`]).
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    /// Staged files to move into the output.
    moves: Vec<String>,
    /// Output files to delete.
    removals: Vec<String>,
    /// Output folders to delete, deepest first, once their files are gone.
    folders: Vec<String>,
}

fn journal_path(output: &Path) -> PathBuf {
    crate::cache::dir_for(output).join("journal.bin")
}

impl Journal {
    /// Deletes the files the new site no longer has (and what others put
    /// into the output), then moves the staged files into it: a folder put
    /// where a file goes is gone before the file comes. Safe to run again
    /// after an interruption: a file already deleted or moved is skipped.
    fn apply(&self, output: &Path, staging: &Path) -> Result<()> {
        for path in &self.removals {
            let rel = safe_relative(path)?;
            let target = output.join(&rel);
            match std::fs::remove_file(&target) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    return Err(err)
                        .with_context(|| format!("could not remove `{}`", target.display()));
                }
            }
            // Folders left empty go too, as a clean build would not make them.
            let mut dir = target.parent();
            while let Some(d) = dir {
                if d == output || std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        for path in &self.folders {
            // One that is not empty holds a file put there since: it stays.
            let _ = std::fs::remove_dir(output.join(safe_relative(path)?));
        }
        for path in &self.moves {
            let rel = safe_relative(path)?;
            let (from, target) = (staging.join(&rel), output.join(&rel));
            if std::fs::symlink_metadata(&from).is_err() {
                continue;
            }
            if let Some(parent) = target.parent() {
                crate::fs::create_dir_all(parent)?;
            }
            crate::fs::rename(&from, &target)?;
        }
        Ok(())
    }
}

/// Completes an update in place that a killed build left half done, so
/// that the output is the new site whole. Call with the output's lock held,
/// before the staging folder is cleared.
pub fn recover(output: &Path, staging: &Path) -> Result<()> {
    let path = journal_path(output);
    if let Some(journal) = crate::cache::read::<Journal>(&path) {
        journal.apply(output, staging)?;
    }
    crate::cache::invalidate(&path)
}

/// The previous build's files that this build did not produce.
fn removed(previous: &HashMap<String, Record>, records: &[(String, Record, bool)]) -> Vec<String> {
    let kept: foldhash::HashSet<&str> = records.iter().map(|r| r.0.as_str()).collect();
    let mut gone: Vec<String> = previous
        .keys()
        .filter(|p| !kept.contains(p.as_str()))
        .cloned()
        .collect();
    gone.sort();
    gone
}

/// Links the files kept from the previous output into the staging folder
/// (copies them where links are not possible), so that it holds the whole
/// new site.
fn link_kept(output: &Path, staging: &Path, records: &[(String, Record, bool)]) -> Result<()> {
    records
        .par_iter()
        .filter(|r| !r.2)
        .try_for_each(|(path, _, _)| {
            let rel = safe_relative(path)?;
            let (from, to) = (output.join(&rel), staging.join(&rel));
            if let Some(parent) = to.parent() {
                crate::fs::create_dir_all(parent)?;
            }
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to)
                    .with_context(|| format!("could not copy `{}`", from.display()))?;
            }
            Ok(())
        })
}

fn modified_nanos(meta: &std::fs::Metadata) -> i128 {
    meta.modified().map_or(0, crate::fs::epoch_nanos)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_left_by_a_killed_build_is_completed() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = dir.path().join(".public.briefing-new");
        for (path, text) in [
            (output.join(MARKER), "marker"),
            (output.join("a.html"), "old"),
            (output.join("gone/index.html"), "gone"),
            (staging.join("a.html"), "new"),
            (staging.join("b/index.html"), "added"),
        ] {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let journal = Journal {
            moves: vec!["a.html".into(), "b/index.html".into()],
            removals: vec!["gone/index.html".into()],
            folders: Vec::new(),
        };
        crate::cache::write(&journal_path(&output), &journal).unwrap();
        // Killed after the first move.
        std::fs::rename(staging.join("a.html"), output.join("a.html")).unwrap();
        recover(&output, &staging).unwrap();
        let read = |p: &str| std::fs::read_to_string(output.join(p)).unwrap();
        assert_eq!(read("a.html"), "new");
        assert_eq!(read("b/index.html"), "added");
        assert!(!output.join("gone").exists(), "emptied folders go too");
        assert!(!journal_path(&output).exists());
        // Nothing to do the second time.
        recover(&output, &staging).unwrap();
        assert_eq!(read("a.html"), "new");
    }

    #[test]
    fn the_previous_output_is_intact_only_while_its_files_are() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(output.join(MARKER), "").unwrap();
        std::fs::write(output.join("a.html"), "a").unwrap();
        let meta = std::fs::metadata(output.join("a.html")).unwrap();
        let manifest = || Manifest {
            files: vec![(
                "a.html".into(),
                Record {
                    key: 1,
                    size: meta.len(),
                    modified: modified_nanos(&meta),
                },
            )],
            ..Manifest::default()
        };
        let intact = || {
            super::super::with_output(&output, |staging| {
                let writer = Writer::new(staging, Some(manifest()))?;
                let intact = writer.previous_intact();
                writer.abandon();
                Ok(intact)
            })
            .unwrap()
        };
        assert!(intact());
        std::fs::write(output.join("a.html"), "changed").unwrap();
        assert!(!intact());
        std::fs::remove_file(output.join("a.html")).unwrap();
        assert!(!intact());
    }
}
