//! The build cache, kept beside the output in `.NAME.briefing-cache/`:
//! what the previous build produced and from what, so that the next build
//! redoes only what an edit touches.
//!
//! Every cache file starts with a stamp naming the exact `briefing`
//! executable that wrote it. A file that is missing, unreadable, truncated,
//! written by another version or another build of the program, or that does
//! not decode is simply not used: the build then does the work from
//! scratch. A cache can make a build faster, never make it wrong.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::render::Key;
use crate::render::sink::Hasher;

/// Format of the cache files; bumped when their layout changes.
const FORMAT: u32 = 2;

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"BRFCACHE";

/// The cache folder of an output folder.
pub fn dir_for(output: &Path) -> PathBuf {
    crate::output::sibling(output, "cache")
}

/// Identifies this build of the program: its version and the size and
/// modification time of its executable. Any rebuild of `briefing` makes
/// every cache written by the previous one stale.
pub fn identity() -> Key {
    static IDENTITY: OnceLock<Key> = OnceLock::new();
    *IDENTITY.get_or_init(|| {
        let mut h = Hasher::new(u128::from(FORMAT));
        h.bytes(env!("CARGO_PKG_VERSION").as_bytes());
        let exe = std::env::current_exe().and_then(std::fs::metadata);
        match exe {
            Ok(meta) => {
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                h.value(&(meta.len(), modified));
            }
            // Without a way to tell builds apart, no cache is ever valid.
            Err(_) => {
                h.value(&std::time::SystemTime::now());
            }
        }
        h.finish()
    })
}

/// Reads a cache file written by [`write`]; `None` when it is missing,
/// stale or damaged in any way.
pub fn read<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let (bytes, body) = read_raw(path)?;
    postcard::from_bytes(&bytes[body]).ok()
}

/// Reads a cache file written by [`write`] without decoding it: the file's
/// bytes and where in them its value's encoding lies, for values that
/// borrow from the file (see [`SharedStr`]). `None` when the file is
/// missing, stale or damaged in any way.
pub fn read_raw(path: &Path) -> Option<(Bytes, std::ops::Range<usize>)> {
    let bytes = Bytes::of(path)?;
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (stamp, rest) = rest.split_at_checked(16)?;
    let (checksum, body) = rest.split_at_checked(16)?;
    if u128::from_le_bytes(stamp.try_into().ok()?) != identity()
        || u128::from_le_bytes(checksum.try_into().ok()?) != crate::render::sink::key_of_bytes(body)
    {
        return None;
    }
    let body = bytes.len() - body.len()..bytes.len();
    Some((bytes, body))
}

/// The bytes of a cache file. On Unix the file is mapped into memory, not
/// copied: most of a bucket is HTML that a build only looks at if a page
/// showing it is rendered again.
#[derive(Debug)]
pub struct Bytes {
    #[cfg(unix)]
    map: memmap2::Mmap,
    #[cfg(not(unix))]
    vec: Vec<u8>,
}

impl Bytes {
    fn of(path: &Path) -> Option<Bytes> {
        #[cfg(unix)]
        {
            let file = std::fs::File::open(path).ok()?;
            // SAFETY: the map is read-only and the program never changes a
            // cache file in place: a new version is written beside it and
            // renamed over it (see [`write`]), which leaves the mapped file
            // as it was until the map is dropped. Only a file truncated by
            // hand while a build runs could make a read through it fail.
            let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
            Some(Bytes { map })
        }
        #[cfg(not(unix))]
        {
            // Elsewhere a mapped file cannot be replaced while mapped.
            std::fs::read(path).ok().map(|vec| Bytes { vec })
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        #[cfg(unix)]
        return &self.map;
        #[cfg(not(unix))]
        return &self.vec;
    }
}

/// Text kept where it lies in a cache file read into memory, shared by
/// every value decoded from the file instead of copied out of it; or text
/// made by a build, shared the same way.
#[derive(Debug, Clone)]
pub struct SharedStr(Shared);

#[derive(Debug, Clone)]
enum Shared {
    InFile {
        file: std::sync::Arc<Bytes>,
        range: std::ops::Range<usize>,
    },
    Made(std::sync::Arc<str>),
}

impl SharedStr {
    /// The text `part` of `file` (bytes borrowed from `file` while decoding
    /// it, encoded as a string); `None` when `part` does not lie inside
    /// `file`.
    pub fn within(file: &std::sync::Arc<Bytes>, part: &[u8]) -> Option<SharedStr> {
        let start = (part.as_ptr() as usize).checked_sub(file.as_ptr() as usize)?;
        let range = start..start.checked_add(part.len())?;
        (range.end <= file.len()).then(|| {
            SharedStr(Shared::InFile {
                file: std::sync::Arc::clone(file),
                range,
            })
        })
    }

    /// The text; empty if the bytes are not UTF-8 (the file's checksum
    /// makes that a cache written by something else, which is never read).
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Shared::InFile { file, range } => {
                std::str::from_utf8(&file[range.clone()]).unwrap_or_default()
            }
            Shared::Made(text) => text,
        }
    }

    /// The text's bytes, not checked to be UTF-8 (for hashing).
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Shared::InFile { file, range } => &file[range.clone()],
            Shared::Made(text) => text.as_bytes(),
        }
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> SharedStr {
        SharedStr(Shared::Made(std::sync::Arc::from(text)))
    }
}

/// Writes a cache file atomically (a temporary file renamed into place).
pub fn write<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_sized(path, value, 0)
}

/// [`write`], for a value whose encoding takes about `capacity` bytes: the
/// file is encoded straight into one buffer of that size, its stamp and
/// checksum in front, rather than grown and copied.
pub fn write_sized<T: Serialize>(path: &Path, value: &T, capacity: usize) -> Result<()> {
    let mut head = Vec::with_capacity(HEADER + capacity);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&identity().to_le_bytes());
    // The checksum's place, filled once the body is encoded.
    head.extend_from_slice(&[0; 16]);
    let mut bytes = postcard::serialize_with_flavor(value, Appending(head))
        .with_context(|| format!("could not encode the cache file `{}`", path.display()))?;
    let checksum = crate::render::sink::key_of_bytes(&bytes[HEADER..]);
    bytes[HEADER - 16..HEADER].copy_from_slice(&checksum.to_le_bytes());
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("tmp");
    crate::fs::write(&temporary, &bytes)?;
    crate::fs::rename(&temporary, path)
}

/// Bytes before a cache file's encoded value: [`MAGIC`], the program's
/// [`identity`] and the value's checksum.
const HEADER: usize = MAGIC.len() + 16 + 16;

/// A postcard output that appends to the bytes it starts with.
struct Appending(Vec<u8>);

impl postcard::ser_flavors::Flavor for Appending {
    type Output = Vec<u8>;

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<Vec<u8>> {
        Ok(self.0)
    }
}

/// Removes a cache file; a file that cannot be removed is reported, since
/// it could describe an output that no longer exists.
pub fn invalidate(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("could not remove `{}`", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c/x.bin");
        write(&path, &("hello", 42u64)).unwrap();
        assert_eq!(read::<(String, u64)>(&path), Some(("hello".into(), 42)));
        let good = std::fs::read(&path).unwrap();
        for damaged in [
            good[..good.len() - 1].to_vec(),
            good[..10].to_vec(),
            {
                let mut flipped = good.clone();
                *flipped.last_mut().unwrap() ^= 1;
                flipped
            },
            b"garbage".to_vec(),
            Vec::new(),
        ] {
            std::fs::write(&path, damaged).unwrap();
            assert_eq!(read::<(String, u64)>(&path), None);
        }
        let mut other = good.clone();
        other[MAGIC.len()] ^= 1; // another executable's stamp
        std::fs::write(&path, other).unwrap();
        assert_eq!(read::<(String, u64)>(&path), None);
        invalidate(&path).unwrap();
        invalidate(&path).unwrap();
        assert_eq!(read::<(String, u64)>(&path), None);
    }
}
