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

use super::stamps::{Stamps, file_key};
use crate::cache::{SharedStr, Spilled, Stored};
use crate::enrich::Briefing;
use crate::markdown::LinkResolver;
pub use crate::render::Key;
use crate::render::sink::Hasher;
use crate::source::SourceFile;

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
