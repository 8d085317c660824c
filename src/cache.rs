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
const FORMAT: u32 = 3;

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
    /// The text at `range` of `file`; `None` when `range` does not lie
    /// inside `file`.
    pub fn at(file: &std::sync::Arc<Bytes>, range: std::ops::Range<usize>) -> Option<SharedStr> {
        (range.start <= range.end && range.end <= file.len()).then(|| {
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

    /// The text's bytes, not checked again to be UTF-8 (a file's checksum
    /// vouches for them).
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Shared::InFile { file, range } => &file[range.clone()],
            Shared::Made(text) => text.as_bytes(),
        }
    }
}

impl AsRef<[u8]> for SharedStr {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> SharedStr {
        SharedStr(Shared::Made(std::sync::Arc::from(text)))
    }
}

/// Text a cache file holds: mapped with the file, or read from it each
/// time it is needed.
#[derive(Debug, Clone)]
pub enum Stored {
    /// See [`SharedStr`].
    Mapped(SharedStr),
    /// See [`Spilled`].
    Spilled(Spilled),
}

impl Stored {
    /// The text.
    pub fn text(&self) -> std::io::Result<std::borrow::Cow<'_, str>> {
        match self {
            Stored::Mapped(text) => Ok(std::borrow::Cow::Borrowed(text.as_str())),
            Stored::Spilled(text) => text.read().map(std::borrow::Cow::Owned),
        }
    }
}

/// Text a build wrote to a cache file and reads back each time it is
/// needed, rather than holding it in memory until then.
#[derive(Debug, Clone)]
pub struct Spilled {
    file: std::sync::Arc<std::fs::File>,
    range: std::ops::Range<u64>,
}

impl Spilled {
    /// The text `range` of `file`, a cache file whose tail holds it (see
    /// [`write_with_tail`]).
    pub fn new(file: std::sync::Arc<std::fs::File>, range: std::ops::Range<u64>) -> Spilled {
        Spilled { file, range }
    }

    /// The text, read from the file.
    pub fn read(&self) -> std::io::Result<String> {
        let len = usize::try_from(self.range.end - self.range.start)
            .map_err(|_| std::io::Error::other("text too long for this machine"))?;
        let mut bytes = vec![0; len];
        read_exact_at(&self.file, &mut bytes, self.range.start)?;
        String::from_utf8(bytes).map_err(std::io::Error::other)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                let rest = std::mem::take(&mut buf);
                buf = &mut rest[n..];
                offset += n as u64;
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Writes a cache file atomically (a temporary file renamed into place).
pub fn write<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_with_tail(path, value, &[]).map(|_| ())
}

/// [`write`], with `tail` after the value's encoding: texts written as
/// they are, which the value can point into by their place in the tail
/// (see [`read_with_tail`]). The file is encoded straight into one buffer
/// sized for it, its stamp and checksum in front, rather than grown and
/// copied. Returns where in the file the tail starts.
pub fn write_with_tail<T: Serialize>(path: &Path, value: &T, tail: &[&[u8]]) -> Result<u64> {
    let tail_len: usize = tail.iter().map(|part| part.len()).sum();
    // Room for a value about a fourth of its texts (most caches' values
    // are far smaller than the text they point to).
    let mut head = Vec::with_capacity(HEADER + tail_len + tail_len / 4 + 1024);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&identity().to_le_bytes());
    // The checksum's place, filled once the body is encoded.
    head.extend_from_slice(&[0; 16]);
    let mut bytes = postcard::serialize_with_flavor(value, Appending(head))
        .with_context(|| format!("could not encode the cache file `{}`", path.display()))?;
    let start = bytes.len() as u64;
    for part in tail {
        bytes.extend_from_slice(part);
    }
    let checksum = crate::render::sink::key_of_bytes(&bytes[HEADER..]);
    bytes[HEADER - 16..HEADER].copy_from_slice(&checksum.to_le_bytes());
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("tmp");
    crate::fs::write(&temporary, &bytes)?;
    crate::fs::rename(&temporary, path)?;
    Ok(start)
}

/// Reads a cache file written by [`write_with_tail`] and decodes its value:
/// the file, the value, and where in the file its tail starts. `None` when
/// the file is missing, stale or damaged in any way.
pub fn read_with_tail<T: DeserializeOwned>(
    path: &Path,
) -> Option<(std::sync::Arc<Bytes>, T, usize)> {
    let (bytes, body) = read_raw(path)?;
    let (value, rest) = postcard::take_from_bytes::<T>(&bytes[body]).ok()?;
    let tail = bytes.len() - rest.len();
    Some((std::sync::Arc::new(bytes), value, tail))
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

    #[test]
    fn a_tail_is_found_where_it_was_written_and_read_back_in_parts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.bin");
        let places = vec![0..5usize, 5..8];
        let start = write_with_tail(&path, &("v", &places), &[b"hello", b"abc"]).unwrap();
        let (file, (name, read_places), tail): (_, (String, Vec<std::ops::Range<usize>>), _) =
            read_with_tail(&path).unwrap();
        assert_eq!((name.as_str(), &read_places), ("v", &places));
        assert_eq!(tail as u64, start);
        let text = |r: &std::ops::Range<usize>| SharedStr::at(&file, tail + r.start..tail + r.end);
        assert_eq!(text(&places[0]).unwrap().as_str(), "hello");
        assert_eq!(text(&places[1]).unwrap().as_str(), "abc");
        assert!(
            SharedStr::at(&file, tail..tail + 9).is_none(),
            "past the end"
        );
        // The tail is checksummed with the rest.
        let mut damaged = std::fs::read(&path).unwrap();
        *damaged.last_mut().unwrap() ^= 1;
        let other = dir.path().join("d.bin");
        std::fs::write(&other, damaged).unwrap();
        assert!(read_with_tail::<(String, Vec<std::ops::Range<usize>>)>(&other).is_none());

        let handle = std::sync::Arc::new(std::fs::File::open(&path).unwrap());
        let spilled = Stored::Spilled(Spilled::new(handle.clone(), start + 5..start + 8));
        assert_eq!(spilled.text().unwrap(), "abc");
        // A file cut short under the build is an error, never other text.
        let whole = Spilled::new(handle, start..start + 8);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(start + 6)
            .unwrap();
        assert!(whole.read().is_err());
    }
}
