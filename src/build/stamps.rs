//! What lets a build know a content file without reading it: the stamp
//! (size, times, inode) and fingerprint of every file the builds read,
//! kept in the cache folder, and the walk that uses them.

use foldhash::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::render::Key;
use crate::render::sink::Hasher;
use crate::source::{SourceFile, Stamp, walk};

/// The [`Stamp`] and [`file_key`] of every content file the builds read,
/// with when each stamp was taken: what lets a build know a file without
/// reading it. A file is known when its stamp is the same as recorded and
/// had settled when it was taken (see [`Stamp::settled_before`]).
#[derive(Debug, Clone, Default)]
pub struct Stamps {
    files: HashMap<String, Known>,
}

/// What [`Stamps`] records of one file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Known {
    stamp: Stamp,
    key: Key,
    /// When the walk that took the stamp started, in nanoseconds since the
    /// epoch.
    taken: i128,
}

impl Stamps {
    /// The stamps kept in the cache folder `dir`; none if there are none
    /// (or they are damaged or were written by another program).
    pub fn load(dir: &Path) -> Stamps {
        let files: Vec<(String, Known)> = crate::cache::read(&stamps_path(dir)).unwrap_or_default();
        Stamps {
            files: files.into_iter().collect(),
        }
    }

    /// The [`file_key`] of the file at `path` (below `content/`) if its
    /// stamp is `stamp` and had settled when it was taken.
    pub fn known(&self, path: &str, stamp: &Stamp) -> Option<Key> {
        let known = self.files.get(path)?;
        (known.stamp == *stamp && known.stamp.settled_before(known.taken)).then_some(known.key)
    }

    /// Records the stamp and key of each of `files` that was read (by a
    /// walk that started at `taken`), and forgets the files that are gone.
    /// Returns whether anything changed.
    pub fn update(&mut self, files: &[SourceFile], keys: &[Key], taken: i128) -> bool {
        let mut changed = false;
        for (f, &key) in files.iter().zip(keys) {
            if let Some(stamp) = f.stamp.filter(|_| f.is_read()) {
                let known = Known { stamp, key, taken };
                self.files.insert(f.content_path.clone(), known);
                changed = true;
            }
        }
        if self.files.len() != files.len() {
            let present: HashSet<&str> = files.iter().map(|f| f.content_path.as_str()).collect();
            self.files.retain(|path, _| present.contains(path.as_str()));
            changed = true;
        }
        changed
    }

    /// How many files are known.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes the stamps into the cache folder `dir`.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        let files: Vec<(&str, &Known)> = self.files.iter().map(|(p, k)| (p.as_str(), k)).collect();
        crate::cache::write(&stamps_path(dir), &files)
    }
}

/// Walks the content files and fingerprints each: a file whose stamp
/// `stamps` knows is not read (see [`Stamps`]); the files read are
/// recorded in `stamps`, which are saved in the cache folder when they
/// change. Returns the files, their fingerprints and how many were read.
pub fn load_content(
    root: &Path,
    cache_dir: Option<&Path>,
    stamps: &mut Stamps,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<SourceFile>, Vec<Key>, usize) {
    let taken = jiff::Timestamp::now().as_nanosecond();
    let (files, load_diags) =
        walk::load_except(root, &|path, stamp| stamps.known(path, stamp).is_some());
    diags.extend(load_diags);
    // Every file's fingerprint, once: for the build's and for the cache's.
    // A file the walk left unread is one whose fingerprint is known.
    let file_keys: Vec<Key> = files
        .par_iter()
        .map(|f| {
            let known = || stamps.known(&f.content_path, f.stamp.as_ref()?);
            (!f.is_read())
                .then(known)
                .flatten()
                .unwrap_or_else(|| file_key(f))
        })
        .collect();
    let read = files.iter().filter(|f| f.is_read()).count();
    if stamps.update(&files, &file_keys, taken)
        && let Some(dir) = cache_dir
        && let Err(err) = stamps.save(dir)
    {
        let msg = format!(
            "could not save the build cache ({err:#}); the next build will read every file again"
        );
        diags.push(Diagnostic::error_file(Path::new(crate::config::FILE_NAME), msg).warning());
    }
    (files, file_keys, read)
}

fn stamps_path(dir: &Path) -> PathBuf {
    dir.join("sources.bin")
}

/// The fingerprint of a content file: its paths and text.
pub fn file_key(file: &SourceFile) -> Key {
    let mut h = Hasher::new(0);
    h.bytes(file.content_path.as_bytes())
        .bytes(file.display_path.to_string_lossy().as_bytes())
        .bytes(file.text().as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Kind;

    const SECOND: i128 = 1_000_000_000;

    fn stamp(size: u64, at: i128) -> Stamp {
        Stamp {
            size,
            modified: at,
            changed: at,
            inode: 7,
        }
    }

    /// A file as a walk leaves it: read (its text given) or not.
    fn walked(path: &str, stamp: Stamp, read: bool) -> SourceFile {
        let disk = Path::new("/nowhere");
        let mut file = match read {
            true => SourceFile::new(path.into(), path.into(), Kind::Briefing, "text"),
            false => SourceFile::unread(path.into(), path.into(), Kind::Briefing, disk),
        };
        file.stamp = Some(stamp);
        file
    }

    #[test]
    fn a_file_is_known_by_a_stamp_that_had_settled() {
        let mut stamps = Stamps::default();
        let old = stamp(10, 100 * SECOND);
        let fresh = stamp(10, 199 * SECOND);
        let files = [walked("a.md", old, true), walked("b.md", fresh, true)];
        assert!(stamps.update(&files, &[1, 2], 200 * SECOND));
        assert_eq!(stamps.known("a.md", &old), Some(1));
        // Modified a second before the stamp was taken: it may have changed
        // again within the same tick of a coarse clock.
        assert_eq!(stamps.known("b.md", &fresh), None);
        // Any difference in size, times or inode is another file.
        for other in [
            stamp(11, 100 * SECOND),
            stamp(10, 100 * SECOND + 1),
            Stamp { inode: 8, ..old },
            Stamp {
                changed: 150 * SECOND,
                ..old
            },
        ] {
            assert_eq!(stamps.known("a.md", &other), None, "{other:?}");
        }
        assert_eq!(stamps.known("c.md", &old), None);
    }

    #[test]
    fn update_records_files_read_and_forgets_files_gone() {
        let mut stamps = Stamps::default();
        let old = stamp(10, 100 * SECOND);
        let files = [walked("a.md", old, true), walked("b.md", old, true)];
        assert!(stamps.update(&files, &[1, 2], 200 * SECOND));
        // Nothing read, nothing gone: nothing to save.
        let unread = [walked("a.md", old, false), walked("b.md", old, false)];
        assert!(!stamps.update(&unread, &[1, 2], 300 * SECOND));
        // `b.md` renamed to `c.md`: the new name is read, the old one goes.
        let renamed = [walked("a.md", old, false), walked("c.md", old, true)];
        assert!(stamps.update(&renamed, &[1, 3], 300 * SECOND));
        assert_eq!(stamps.len(), 2);
        assert_eq!(stamps.known("b.md", &old), None);
        assert_eq!(stamps.known("c.md", &old), Some(3));
    }
}
