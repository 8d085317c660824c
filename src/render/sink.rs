//! Where a build's files go as they are produced: kept in memory (`serve`,
//! `check`, tests) or written to disk at once (`build`, see
//! [`crate::output::writer`]), so that a build never needs to hold the whole
//! site in memory.
//!
//! Every file carries a [`Key`]: a 128-bit hash of everything its bytes are
//! made from (for a page, the template set and the page's whole context).
//! A sink that remembers the previous build's keys can tell the renderer
//! that a page is already in place, and the page is not rendered again.

use std::sync::Mutex;

use bytes::Bytes;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use super::OutputFile;

/// Fingerprint of one output file's inputs.
pub type Key = u128;

/// Receives the files of a build, from any rendering thread.
pub trait Sink: Sync {
    /// Whether the sink records keys (to reuse files in a later build), so that
    /// computing keys is worth it.
    fn wants_keys(&self) -> bool {
        false
    }

    /// Whether the previous build's file at `path` was made from the same
    /// inputs and is still in place. When it returns `true`, the file is
    /// kept as it is and counts as written by this build.
    fn unchanged(&self, _path: &str, _key: Key) -> bool {
        false
    }

    /// Takes one new or changed file.
    fn put(&self, file: OutputFile, key: Key);

    /// Takes one file given as consecutive parts (a large index printed in
    /// parallel pieces), so that a sink that writes to disk need not join
    /// them in memory first. `key` stands for its bytes as [`Sink::put`]'s
    /// does.
    fn put_parts(&self, path: String, parts: Vec<Bytes>, key: Key) {
        let bytes = parts.concat();
        self.put(OutputFile { path, bytes }, key);
    }

    /// The path of every file of the build so far, kept or new.
    fn paths(&self) -> Vec<String>;
}

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<Vec<OutputFile>>,
}

impl Memory {
    /// The files received, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self
            .files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, file: OutputFile, _key: Key) {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file);
    }

    fn paths(&self) -> Vec<String> {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(|f| f.path.clone())
            .collect()
    }
}

/// A streaming hasher that values can be serialized into.
#[derive(Clone)]
pub struct Hasher(Xxh3);

impl Hasher {
    /// A hasher seeded with `seed` (the inputs shared by many files).
    pub fn new(seed: Key) -> Self {
        let mut h = Hasher(Xxh3::new());
        h.bytes(&seed.to_le_bytes());
        h
    }

    /// Adds raw bytes, length-prefixed so that consecutive pieces cannot run
    /// into each other.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds a serializable value in a compact, unambiguous encoding.
    /// Returns `false` when the value cannot be serialized.
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> bool {
        postcard::to_io(value, &mut *self).is_ok()
    }

    /// The hash.
    pub fn finish(&self) -> Key {
        self.0.digest128()
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The key of a file known only by its bytes (feeds, search index, assets).
pub fn key_of_bytes(bytes: &[u8]) -> Key {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_values_apart() {
        let key = |a: &str, b: &str| {
            let mut h = Hasher::new(7);
            h.value(&(a, b));
            h.finish()
        };
        assert_eq!(key("ab", "c"), key("ab", "c"));
        assert_ne!(key("ab", "c"), key("a", "bc"));
        let mut seeded = Hasher::new(8);
        seeded.value(&("ab", "c"));
        assert_ne!(seeded.finish(), key("ab", "c"));
    }

    #[test]
    fn parts_are_joined() {
        let parts = vec![
            Bytes::from_static(b"[1,"),
            Bytes::new(),
            Bytes::from_static(b"2]"),
        ];
        let sink = Memory::default();
        sink.put_parts("x.json".into(), parts, 1);
        assert_eq!(sink.into_files()[0].bytes, b"[1,2]");
    }

    #[test]
    fn memory_sorts_what_it_received() {
        let sink = Memory::default();
        for path in ["b", "a"] {
            sink.put(
                OutputFile {
                    path: path.into(),
                    bytes: vec![],
                },
                0,
            );
        }
        let paths: Vec<String> = sink.into_files().into_iter().map(|f| f.path).collect();
        assert_eq!(paths, ["a", "b"]);
    }
}
