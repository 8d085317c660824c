//! Taking turns on an output directory: two builds of one site at once
//! (a `build` run twice, or a CI job racing a developer) must leave one
//! complete output, never a mix, and a build killed at any moment must
//! leave the previous output in place.
//!
//! Each write holds an exclusive advisory lock on `.NAME.briefing-lock`
//! beside the output for its whole length (cleaning leftovers, filling the
//! fresh folder, swapping it in), so writes of the same output happen one
//! after the other. The lock is released by the kernel when the process
//! ends, however it ends, so a killed build never leaves a stale lock.
//!
//! The holder removes the lock file before it lets go, so that a build
//! leaves nothing beside its output. A build that was waiting then holds
//! a lock on a file that no longer has a name, while a newcomer could
//! create and lock a new one: so whoever gets the lock checks that the path
//! still names the file it locked, and starts over when it does not.
//!
//! The swap itself is one atomic `renameat2(RENAME_EXCHANGE)` on Linux, so
//! there is no instant at which the output path is missing; elsewhere (or
//! on a file system without it) it is two renames, and a build interrupted
//! between them is repaired by the next one ([`restore_interrupted`]).

use std::fs::{File, OpenOptions};
use std::path::Path;

use anyhow::{Context, Result};
use fd_lock::{RwLock, RwLockWriteGuard};

/// Runs `f` while holding the lock at `path`, waiting for any other
/// holder first; removes the lock file afterwards.
pub fn with_lock<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    loop {
        let mut lock = open(path)?;
        let held = acquire(&mut lock, path)?;
        if !still_named(&held, path) {
            continue;
        }
        let result = f();
        // Removed while still held: see the module doc.
        let _ = std::fs::remove_file(path);
        drop(held);
        return result;
    }
}

/// Whether `path` still names the open file `file`.
fn still_named(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        // Windows cannot remove a file that is open, so the name always
        // belongs to the file that was locked.
        let _ = (file, path);
        true
    }
}

/// Opens (creating it if needed) the lock file at `path`.
fn open(path: &Path) -> Result<RwLock<File>> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("could not open the build lock `{}`", path.display()))?;
    Ok(RwLock::new(file))
}

/// Waits until no other build holds `lock`, then holds it until the guard
/// is dropped.
fn acquire<'l>(lock: &'l mut RwLock<File>, path: &Path) -> Result<RwLockWriteGuard<'l, File>> {
    lock.write()
        .with_context(|| format!("could not lock `{}`", path.display()))
}

/// Swaps two existing directories in one step, where the platform can.
/// Returns `Ok(false)` when it cannot, and the caller falls back on renames.
pub fn exchange(a: &Path, b: &Path) -> Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            // Old kernels, and file systems such as some network ones.
            Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
            Err(err) => Err(std::io::Error::from(err))
                .with_context(|| format!("could not swap `{}` and `{}`", a.display(), b.display())),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// A build killed between the two renames of the fallback swap leaves no
/// output and the previous one at `old`: put it back before anything else.
pub fn restore_interrupted(output: &Path, old: &Path, marker: &str) -> Result<()> {
    let output_missing = std::fs::symlink_metadata(output).is_err();
    if output_missing && old.join(marker).is_file() {
        crate::fs::rename(old, output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_swaps_two_directories() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "from a").unwrap();
        if exchange(&a, &b).unwrap() {
            assert_eq!(std::fs::read_to_string(b.join("x")).unwrap(), "from a");
            assert!(!a.join("x").exists());
        }
    }

    #[test]
    fn restores_an_output_left_between_renames() {
        let dir = tempfile::tempdir().unwrap();
        let (out, old) = (dir.path().join("public"), dir.path().join(".old"));
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("m"), "").unwrap();
        restore_interrupted(&out, &old, "m").unwrap();
        assert!(out.join("m").is_file() && !old.exists());
        // With an output in place, nothing moves.
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("m"), "").unwrap();
        restore_interrupted(&out, &old, "m").unwrap();
        assert!(old.exists());
    }

    #[test]
    fn the_lock_file_is_gone_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let inside = with_lock(&path, || Ok(path.exists())).unwrap();
        assert!(inside && !path.exists());
        // A holder that waited on a file removed meanwhile starts over.
        let mut stale = open(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let held = acquire(&mut stale, &path).unwrap();
        assert!(!still_named(&held, &path));
    }

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let mut first = open(&path).unwrap();
        let guard = acquire(&mut first, &path).unwrap();
        let mut second = open(&path).unwrap();
        assert!(second.try_write().is_err(), "the lock is exclusive");
        drop(guard);
        assert!(second.try_write().is_ok());
    }
}
