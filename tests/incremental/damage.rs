//! Ways to damage the cache beside the output folder, for the test that a
//! damaged cache means a silent clean build.

use std::path::{Path, PathBuf};

use super::workspace::{Workspace, files_below};

/// Ways to damage a cache.
#[derive(Debug, Clone, Copy)]
pub enum Damage {
    /// Every file overwritten with bytes that mean nothing.
    Garbage,
    /// Every file cut to half its length.
    Truncate,
    /// One byte in the middle of every file changed.
    FlipByte,
    /// Every other file deleted, the first included.
    DeleteHalf,
    /// The whole cache folder removed.
    RemoveAll,
    /// The cache (and the output) written by another build of the program:
    /// a copy of the executable, as a rebuild or an upgrade leaves it.
    OtherExecutable,
}

impl Damage {
    /// Damages the cache of `ws`; `other` is a copy of the executable.
    pub fn apply(self, ws: &Workspace, other: &Path) {
        let cache = ws.cache();
        let files = files_below(&cache);
        match self {
            Damage::Garbage => {
                for (n, file) in (0u64..).zip(&files) {
                    let len = std::fs::metadata(file).map_or(0, |m| m.len()).max(64);
                    let junk: Vec<u8> = (0..len).map(|i| (i * 151 + n * 31 + 7) as u8).collect();
                    std::fs::write(file, junk).expect("overwrite a cache file");
                }
            }
            Damage::Truncate => {
                for file in &files {
                    let open = std::fs::OpenOptions::new().write(true).open(file);
                    let handle = open.expect("open a cache file");
                    let len = handle.metadata().expect("cache file metadata").len();
                    handle.set_len(len / 2).expect("truncate a cache file");
                }
            }
            Damage::FlipByte => {
                for file in &files {
                    let mut bytes = std::fs::read(file).expect("read a cache file");
                    let middle = bytes.len() / 2;
                    if let Some(byte) = bytes.get_mut(middle) {
                        *byte ^= 0x20;
                    }
                    std::fs::write(file, bytes).expect("rewrite a cache file");
                }
            }
            Damage::DeleteHalf => {
                for file in files.iter().step_by(2) {
                    std::fs::remove_file(file).expect("delete a cache file");
                }
            }
            Damage::RemoveAll => std::fs::remove_dir_all(&cache).expect("remove the cache"),
            Damage::OtherExecutable => {
                let out = ws.out();
                let status = std::process::Command::new(other)
                    .arg("--site")
                    .arg(ws.site.root())
                    .args(["build", "--output"])
                    .arg(&out)
                    .env("NO_COLOR", "1")
                    .output()
                    .expect("run the copy of briefing")
                    .status;
                assert!(status.success(), "the copy of briefing failed: {status}");
            }
        }
    }
}

/// A copy of the `briefing` executable with another modification time, in
/// a folder that lives as long as the returned guard.
pub fn copy_of_executable() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("briefing-copy");
    std::fs::copy(env!("CARGO_BIN_EXE_briefing"), &copy).expect("copy the executable");
    let file = std::fs::File::options()
        .write(true)
        .open(&copy)
        .expect("open the copy");
    let long_ago =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    file.set_modified(long_ago).expect("date the copy");
    (dir, copy)
}
