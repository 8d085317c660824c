//! File IO helpers that name the path in every error.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("could not read `{}`", path.display()))
}

/// Reads a whole file as UTF-8 text.
pub fn read_to_string(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("could not read `{}`", path.display()))
}

/// Writes a file, replacing any file of the same name.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("could not write `{}`", path.display()))
}

/// Creates a directory and its missing parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path)
        .with_context(|| format!("could not create directory `{}`", path.display()))
}

/// Removes a directory tree; a missing directory is not an error.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("could not remove `{}`", path.display()))
        }
        _ => Ok(()),
    }
}

/// Renames a file or directory.
pub fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).with_context(|| {
        format!(
            "could not rename `{}` to `{}`",
            from.display(),
            to.display()
        )
    })
}

/// A relative path with `/` between its parts, whatever the platform's
/// separator (`2025/x.md`, `briefings/x/index.html`).
pub fn slash_path(rel: &Path) -> String {
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Whether `path` is itself a symbolic link (not followed).
pub fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Turns UTF-8 file bytes into the text the pipeline works on: no byte-order
/// mark, and `\n` line endings (CRLF accepted), so that positions are counted
/// the same way on every platform. Returns the byte offset of the first
/// invalid sequence when the bytes are not UTF-8.
pub fn normalize_text(bytes: Vec<u8>) -> Result<String, usize> {
    let mut text = String::from_utf8(bytes).map_err(|err| err.utf8_error().valid_up_to())?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    // Files are mostly read as they are: no copy unless there is a CR.
    if text.contains('\r') {
        text = text.replace("\r\n", "\n");
    }
    Ok(text)
}

/// A file time in nanoseconds since the Unix epoch (negative before it).
pub fn epoch_nanos(time: std::time::SystemTime) -> i128 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_strips_bom_and_crlf() {
        let text = normalize_text(b"\xEF\xBB\xBF+++\r\ntitle = \"a\"\r\n".to_vec()).unwrap();
        assert_eq!(text, "+++\ntitle = \"a\"\n");
    }

    #[test]
    fn normalize_reports_invalid_utf8_offset() {
        assert_eq!(normalize_text(b"ab\xFFcd".to_vec()), Err(2));
    }
}
