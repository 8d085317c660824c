//! The enrichment cache: briefings as the previous build enriched them, so
//! that an unchanged briefing is not parsed as Markdown, highlighted and
//! enriched again.
//!
//! An entry is reused only when everything its enrichment read is the same:
//! the program, `briefing.toml` and the build options, the known companies
//! (the `global` key), the file's path, text, slug and URL (the entry's
//! key), and the URL of every content file its links named (recorded while
//! it was enriched, and looked up again). Only briefings enriched without a
//! warning are kept, so a build from the cache reports exactly what a clean
//! build would.
//!
//! Entries live in [`BUCKETS`] files by a hash of their path: an edit
//! rewrites one bucket, not the whole cache.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::enrich::Briefing;
use crate::markdown::LinkResolver;
pub use crate::render::Key;
use crate::render::sink::Hasher;
use crate::source::SourceFile;

/// Number of bucket files.
const BUCKETS: usize = 64;

/// Links a briefing's enrichment resolved, with their answers.
pub type Lookups = Vec<(String, Option<String>)>;

/// One bucket file's content.
type Bucket = (Key, Vec<(String, Key, Lookups, Briefing)>);

/// What the previous builds left, ready to be taken from.
#[derive(Default)]
pub struct Cache {
    dir: Option<PathBuf>,
    global: Key,
    entries: HashMap<String, (Key, Lookups, Briefing)>,
    /// The paths each bucket file held when loaded.
    loaded: Vec<HashSet<String>>,
}

impl Cache {
    /// An empty cache that saves nothing (`serve`, `check`, tests).
    pub fn none() -> Cache {
        Cache {
            loaded: vec![HashSet::new(); BUCKETS],
            ..Cache::default()
        }
    }

    /// Loads the cache kept in `dir`, keeping only entries written under
    /// the same `global` key. Missing or damaged buckets are empty.
    pub fn load(dir: &Path, global: Key) -> Cache {
        let buckets: Vec<Vec<(String, Key, Lookups, Briefing)>> = (0..BUCKETS)
            .into_par_iter()
            .map(
                |b| match crate::cache::read::<Bucket>(&bucket_path(dir, b)) {
                    Some((key, entries)) if key == global => entries,
                    _ => Vec::new(),
                },
            )
            .collect();
        let mut cache = Cache {
            dir: Some(dir.to_path_buf()),
            global,
            ..Cache::none()
        };
        for (b, entries) in buckets.into_iter().enumerate() {
            for (path, key, lookups, briefing) in entries {
                cache.loaded[b].insert(path.clone());
                cache.entries.insert(path, (key, lookups, briefing));
            }
        }
        cache
    }

    /// A cache holding what a previous build in this process enriched;
    /// saves nothing.
    pub fn from_memo(memo: Memo) -> Cache {
        Cache {
            entries: memo.0,
            ..Cache::none()
        }
    }

    /// A cache in `dir` that starts empty (`--no-cache`), to be saved.
    pub fn fresh(dir: &Path, global: Key) -> Cache {
        Cache {
            dir: Some(dir.to_path_buf()),
            global,
            ..Cache::none()
        }
    }

    /// Takes the entry of `file` if it was made from the same inputs and
    /// its links still resolve the same way.
    pub fn take(
        &mut self,
        file: &SourceFile,
        key: Key,
        resolver: &dyn LinkResolver,
    ) -> Option<(Lookups, Briefing)> {
        let (stored, lookups, _) = self.entries.get(&file.content_path)?;
        let same = *stored == key
            && lookups
                .iter()
                .all(|(path, url)| resolver.resolve(path) == *url);
        if !same {
            return None;
        }
        let (_, lookups, mut briefing) = self.entries.remove(&file.content_path)?;
        briefing.origin.file = file.clone();
        Some((lookups, briefing))
    }

    /// Writes the buckets whose entries changed. `current` holds every
    /// briefing that may be cached, with its key and lookups, and whether
    /// it was enriched by this build (rather than taken from the cache).
    pub fn save(&self, current: &[(Key, &Lookups, &Briefing, bool)]) -> anyhow::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let mut by_bucket: Vec<Vec<usize>> = vec![Vec::new(); BUCKETS];
        for (i, (_, _, b, _)) in current.iter().enumerate() {
            by_bucket[bucket_of(&b.origin.file.content_path)].push(i);
        }
        let failure = Mutex::new(None);
        by_bucket.par_iter().enumerate().for_each(|(b, members)| {
            let fresh = members.iter().any(|&i| current[i].3);
            let kept: HashSet<&str> = members
                .iter()
                .map(|&i| current[i].2.origin.file.content_path.as_str())
                .collect();
            let dropped = self.loaded[b].iter().any(|p| !kept.contains(p.as_str()));
            if !fresh && !dropped {
                return;
            }
            let entries: Vec<(&str, Key, &Lookups, &Briefing)> = members
                .iter()
                .map(|&i| {
                    let (key, lookups, briefing, _) = current[i];
                    (
                        briefing.origin.file.content_path.as_str(),
                        key,
                        lookups,
                        briefing,
                    )
                })
                .collect();
            if let Err(err) = crate::cache::write(&bucket_path(dir, b), &(self.global, entries)) {
                failure
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert(err);
            }
        });
        match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

/// Briefings a build enriched, kept in memory for the next build of the
/// same process (`serve`).
#[derive(Default)]
pub struct Memo(HashMap<String, (Key, Lookups, Briefing)>);

impl Memo {
    /// Pairs a build's briefings with its [`Built::reusable`] list; the
    /// briefings not in it are dropped.
    ///
    /// [`Built::reusable`]: super::Built::reusable
    pub fn new(briefings: Vec<Briefing>, reusable: Vec<(String, Key, Lookups)>) -> Memo {
        let mut meta: HashMap<String, (Key, Lookups)> = reusable
            .into_iter()
            .map(|(path, key, lookups)| (path, (key, lookups)))
            .collect();
        Memo(
            briefings
                .into_iter()
                .filter_map(|b| {
                    let (key, lookups) = meta.remove(&b.origin.file.content_path)?;
                    Some((b.origin.file.content_path.clone(), (key, lookups, b)))
                })
                .collect(),
        )
    }
}

/// The key of one briefing's enrichment inputs besides its links.
pub fn entry_key(global: Key, file: &SourceFile, slug: &str, url: &str) -> Key {
    let mut h = Hasher::new(global);
    h.bytes(file.content_path.as_bytes())
        .bytes(file.display_path.to_string_lossy().as_bytes())
        .bytes(file.text.as_bytes())
        .bytes(slug.as_bytes())
        .bytes(url.as_bytes());
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

fn bucket_of(path: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(path.as_bytes()) % BUCKETS as u64) as usize
}

fn bucket_path(dir: &Path, bucket: usize) -> PathBuf {
    dir.join(format!("enrich-{bucket:02}.bin"))
}
