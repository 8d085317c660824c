//! The enrichment cache: briefings as the previous build enriched them, so
//! that an unchanged briefing is not parsed as Markdown, highlighted and
//! enriched again.
//!
//! An entry is reused only when everything its enrichment read is the same:
//! the program, `briefing.toml` and the build options, the known companies
//! (the `global` key), the file's path and text (its text key: a file whose
//! text key matches is not even parsed), its slug and URL, and the URL of
//! every content file its links named (recorded while it was enriched, and
//! looked up again). Only briefings enriched without a
//! warning are kept, so a build from the cache reports exactly what a clean
//! build would.
//!
//! Entries live in [`BUCKETS`] files by a hash of their path: an edit
//! rewrites one bucket, not the whole cache.

use foldhash::{HashMap, HashSet, HashSetExt};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::{SharedStr, Spilled, Stored};
use crate::diag::Diagnostic;
use crate::enrich::Briefing;
use crate::markdown::LinkResolver;
pub use crate::render::Key;
use crate::render::sink::Hasher;
use crate::source::{SourceFile, Stamp, walk};

/// Number of bucket files.
pub const BUCKETS: usize = 64;

/// Links a briefing's enrichment resolved, with their answers.
pub type Lookups = Vec<(String, Option<String>)>;

/// One briefing as the cache keeps it.
#[derive(Serialize, Deserialize)]
pub struct Entry {
    /// [`text_key`] of the file it was made from.
    pub text_key: Key,
    /// The link lookups its enrichment made.
    pub lookups: Lookups,
    /// The front matter's `title` and `slug` as written: what the file's
    /// URL is made from, known without parsing the file again.
    pub title: String,
    /// See `title`.
    pub slug: Option<String>,
    /// The enriched briefing (its `origin.file` is not stored).
    pub briefing: Briefing,
}

/// An entry as written. The briefing's body HTML (which the briefing's own
/// encoding leaves out) and its search entry follow the bucket's entries,
/// in the file's tail: the entry says where.
#[derive(Serialize)]
struct EntryRef<'a> {
    text_key: Key,
    lookups: &'a Lookups,
    title: &'a str,
    slug: Option<&'a str>,
    briefing: &'a Briefing,
    html: Range<usize>,
    search: Range<usize>,
}

/// An entry as read: see [`EntryRef`].
#[derive(Deserialize)]
struct EntryIn {
    text_key: Key,
    lookups: Lookups,
    title: String,
    slug: Option<String>,
    briefing: Briefing,
    html: Range<usize>,
    search: Range<usize>,
}

/// One bucket file's value, as read: the global key it was written under
/// and its entries by path.
type BucketIn = (Key, Vec<(String, EntryIn)>);

/// What a build keeps of a briefing it may reuse later, besides the
/// briefing itself.
#[derive(Debug, Clone)]
pub struct Reusable {
    /// Path below `content/`.
    pub path: String,
    /// See [`Entry`].
    pub text_key: Key,
    /// See [`Entry`].
    pub lookups: Lookups,
    /// See [`Entry`].
    pub title: String,
    /// See [`Entry`].
    pub slug: Option<String>,
}

impl Reusable {
    /// The [`Briefing::digest`] of `b`, enriched from what this records:
    /// its text key (the program, `briefing.toml`, the options, the known
    /// companies, the file's path and text), the answers to its link
    /// lookups, its slug and URL, and whether it is scheduled (the one field
    /// the clock decides).
    pub fn digest(&self, b: &Briefing) -> Key {
        let mut h = Hasher::new(self.text_key);
        h.value(&(&self.lookups, &b.slug, &b.url, b.scheduled));
        h.finish()
    }
}

/// What the previous builds left, ready to be taken from.
#[derive(Default)]
pub struct Cache {
    dir: Option<PathBuf>,
    global: Key,
    entries: HashMap<String, Entry>,
    /// The paths each bucket file held when loaded.
    loaded: Vec<HashSet<String>>,
}

impl Cache {
    /// An empty cache that saves nothing (`check`, tests).
    pub fn none(global: Key) -> Cache {
        Cache {
            global,
            loaded: vec![HashSet::new(); BUCKETS],
            ..Cache::default()
        }
    }

    /// Loads the cache kept in `dir`, keeping only entries written under
    /// the same `global` key. Missing or damaged buckets are empty.
    pub fn load(dir: &Path, global: Key) -> Cache {
        let buckets: Vec<Vec<(String, Entry)>> = (0..BUCKETS)
            .into_par_iter()
            .map(|b| read_bucket(&bucket_path(dir, b), global).unwrap_or_default())
            .collect();
        let mut cache = Cache {
            dir: Some(dir.to_path_buf()),
            ..Cache::none(global)
        };
        for (b, entries) in buckets.into_iter().enumerate() {
            for (path, entry) in entries {
                cache.loaded[b].insert(path.clone());
                cache.entries.insert(path, entry);
            }
        }
        cache
    }

    /// A cache in `dir` that starts empty (`--no-cache`), to be saved.
    pub fn fresh(dir: &Path, global: Key) -> Cache {
        Cache {
            dir: Some(dir.to_path_buf()),
            ..Cache::none(global)
        }
    }

    /// A cache holding what a previous build in this process enriched;
    /// saves nothing. Entries made under another `global` key never match.
    pub fn from_memo(memo: Memo, global: Key) -> Cache {
        Cache {
            entries: memo.0,
            ..Cache::none(global)
        }
    }

    /// The key of everything that goes into the cache's entries.
    pub fn global(&self) -> Key {
        self.global
    }

    /// Takes the entry of `file` (whose [`file_key`] is given) if it was
    /// made from the same file under
    /// the same global key. Whether it can be used also depends on the
    /// file's route and links: see [`Entry::usable`].
    pub fn take(&mut self, file: &SourceFile, file_key: Key) -> Option<Entry> {
        let entry = self.entries.get(&file.content_path)?;
        if entry.text_key != text_key_of(self.global, file_key) {
            return None;
        }
        let mut entry = self.entries.remove(&file.content_path)?;
        entry.briefing.origin.file = file.clone();
        Some(entry)
    }

    /// Writes bucket `b` if its entries changed. `members` holds every
    /// briefing of the bucket that may be cached, with what it is kept
    /// with, and whether it was enriched by this build (rather than taken
    /// from the cache).
    ///
    /// The briefings written then read their HTML back from the file when
    /// it is needed, and let their own copies go: a site's bodies go to
    /// the cache anyway, and are not also held in memory until every page
    /// is rendered.
    pub fn save_bucket(
        &self,
        b: usize,
        members: &mut [(&Reusable, &mut Briefing, bool)],
    ) -> anyhow::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let fresh = members.iter().any(|m| m.2);
        let dropped = {
            let kept: HashSet<&str> = members.iter().map(|m| m.0.path.as_str()).collect();
            self.loaded[b].iter().any(|p| !kept.contains(p.as_str()))
        };
        if !fresh && !dropped {
            return Ok(());
        }
        let mut texts: Vec<(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)> =
            Vec::with_capacity(members.len());
        for (_, briefing, _) in members.iter() {
            let search = match &briefing.search_entry {
                Some(entry) => std::borrow::Cow::Borrowed(entry.as_str()),
                None => std::borrow::Cow::Owned(crate::output::search::entry_json(briefing)),
            };
            texts.push((briefing.html()?, search));
        }
        // Each text's place in the tail, in order.
        let mut end = 0;
        let mut place = |text: &str| {
            end += text.len();
            end - text.len()..end
        };
        let places: Vec<(Range<usize>, Range<usize>)> = texts
            .iter()
            .map(|(html, search)| (place(html), place(search)))
            .collect();
        let entries: Vec<(&str, EntryRef<'_>)> = members
            .iter()
            .zip(&places)
            .map(|((r, briefing, _), (html, search))| {
                let entry = EntryRef {
                    text_key: r.text_key,
                    lookups: &r.lookups,
                    title: &r.title,
                    slug: r.slug.as_deref(),
                    briefing,
                    html: html.clone(),
                    search: search.clone(),
                };
                (r.path.as_str(), entry)
            })
            .collect();
        let tail: Vec<&[u8]> = texts
            .iter()
            .flat_map(|(html, search)| [html.as_bytes(), search.as_bytes()])
            .collect();
        let path = bucket_path(dir, b);
        let start = crate::cache::write_with_tail(&path, &(self.global, entries), &tail)?;
        // The texts borrow the briefings, which change below.
        drop(tail);
        drop(texts);
        // A file that cannot be opened again leaves the briefings as they
        // are.
        let Ok(file) = std::fs::File::open(&path) else {
            return Ok(());
        };
        let file = std::sync::Arc::new(file);
        for ((_, briefing, _), (html, _)) in members.iter_mut().zip(places) {
            let at = start + html.start as u64..start + html.end as u64;
            briefing.cached_html = Some(Stored::Spilled(Spilled::new(file.clone(), at)));
            briefing.body.html = String::new();
        }
        Ok(())
    }
}

impl Entry {
    /// Whether the cached briefing is what enriching its file now would
    /// give: same route, and every link it looked up resolves as before.
    pub fn usable(&self, slug: &str, url: &str, resolver: &dyn LinkResolver) -> bool {
        self.briefing.slug == slug
            && self.briefing.url == url
            && self
                .lookups
                .iter()
                .all(|(path, found)| resolver.resolve(path) == *found)
    }
}

/// Briefings a build enriched, and the stamps of the files it read, kept in
/// memory for the next build of the same process (`serve`).
#[derive(Default)]
pub struct Memo(HashMap<String, Entry>, Stamps);

impl Memo {
    /// Pairs a build's briefings with its [`Built::reusable`] list (the
    /// briefings not in it are dropped) and keeps its [`Built::stamps`].
    ///
    /// [`Built::reusable`]: super::Built::reusable
    /// [`Built::stamps`]: super::Built::stamps
    pub fn new(briefings: Vec<Briefing>, reusable: Vec<Reusable>, stamps: Stamps) -> Memo {
        let mut meta: HashMap<String, Reusable> =
            reusable.into_iter().map(|r| (r.path.clone(), r)).collect();
        Memo(
            briefings
                .into_iter()
                .filter_map(|briefing| {
                    let r = meta.remove(&briefing.origin.file.content_path)?;
                    let entry = Entry {
                        text_key: r.text_key,
                        lookups: r.lookups,
                        title: r.title,
                        slug: r.slug,
                        briefing,
                    };
                    Some((r.path, entry))
                })
                .collect(),
            stamps,
        )
    }

    /// Whether it holds no briefing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes out the stamps.
    pub fn take_stamps(&mut self) -> Stamps {
        std::mem::take(&mut self.1)
    }
}

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

/// The key of a briefing file under a global key: its path and text.
pub fn text_key(global: Key, file: &SourceFile) -> Key {
    text_key_of(global, file_key(file))
}

/// [`text_key`] from the file's [`file_key`].
pub fn text_key_of(global: Key, file_key: Key) -> Key {
    let mut h = Hasher::new(global);
    h.value(&file_key);
    h.finish()
}

/// Answers link lookups from another resolver and writes each down.
pub struct Recording<'a> {
    inner: &'a dyn LinkResolver,
    seen: Mutex<Lookups>,
}

impl<'a> Recording<'a> {
    /// Records the lookups made through it.
    pub fn new(inner: &'a dyn LinkResolver) -> Self {
        Recording {
            inner,
            seen: Mutex::new(Vec::new()),
        }
    }

    /// The lookups made, in order.
    pub fn into_lookups(self) -> Lookups {
        self.seen.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

impl LinkResolver for Recording<'_> {
    fn resolve(&self, path: &str) -> Option<String> {
        let url = self.inner.resolve(path);
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path.to_owned(), url.clone()));
        url
    }
}

/// The entries of the bucket file at `path` if they were written under
/// `global`. Their briefings share the file's bytes for their HTML and
/// search entries.
fn read_bucket(path: &Path, global: Key) -> Option<Vec<(String, Entry)>> {
    let (file, (key, entries), tail): (_, BucketIn, _) = crate::cache::read_with_tail(path)?;
    if key != global {
        return None;
    }
    let text = |range: Range<usize>| {
        let at = tail.checked_add(range.start)?..tail.checked_add(range.end)?;
        SharedStr::at(&file, at)
    };
    entries
        .into_iter()
        .map(|(path, e)| {
            let mut briefing = e.briefing;
            briefing.cached_html = Some(Stored::Mapped(text(e.html)?));
            briefing.search_entry = Some(text(e.search)?);
            let entry = Entry {
                text_key: e.text_key,
                lookups: e.lookups,
                title: e.title,
                slug: e.slug,
                briefing,
            };
            Some((path, entry))
        })
        .collect()
}

/// The bucket file the briefing at `path` (below `content/`) is kept in.
pub fn bucket_of(path: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(path.as_bytes()) % BUCKETS as u64) as usize
}

fn bucket_path(dir: &Path, bucket: usize) -> PathBuf {
    dir.join(format!("enrich-{bucket:02}.bin"))
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
