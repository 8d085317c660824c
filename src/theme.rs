//! The theme: templates and static files embedded in the binary, overridden
//! file by file by a site's own `templates/` and `static/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::diag::Diagnostic;

static EMBEDDED_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static EMBEDDED_STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Where a theme file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Built into the binary.
    Embedded,
    /// The site's own file, with the path shown in messages.
    Site(PathBuf),
}

/// One theme file.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Where it came from.
    pub origin: Origin,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Every template and static file of a site, by path relative to its folder
/// (`briefing.html`, `partials/card.html`, `style.css`), in sorted order.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Templates.
    pub templates: BTreeMap<String, ThemeFile>,
    /// Static files, copied to the output root.
    pub statics: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// The embedded theme with the site's overrides applied. Unreadable site
    /// files are problems; symlinks and special files are skipped with a warning.
    pub fn load(root: &Path) -> (Theme, Vec<Diagnostic>) {
        let mut theme = Theme::default();
        collect_embedded(&EMBEDDED_TEMPLATES, &mut theme.templates);
        collect_embedded(&EMBEDDED_STATIC, &mut theme.statics);
        let mut diags = Vec::new();
        overlay(root, "templates", &mut theme.templates, &mut diags);
        overlay(root, "static", &mut theme.statics, &mut diags);
        (theme, diags)
    }

    /// The embedded theme alone.
    pub fn embedded() -> Theme {
        let mut theme = Theme::default();
        collect_embedded(&EMBEDDED_TEMPLATES, &mut theme.templates);
        collect_embedded(&EMBEDDED_STATIC, &mut theme.statics);
        theme
    }
}

fn collect_embedded(dir: &Dir<'_>, into: &mut BTreeMap<String, ThemeFile>) {
    for entry in dir.entries() {
        if let Some(sub) = entry.as_dir() {
            collect_embedded(sub, into);
        } else if let Some(file) = entry.as_file() {
            let name = file.path().to_string_lossy().replace('\\', "/");
            let hidden = name.split('/').any(|part| part.starts_with('.'));
            if !hidden {
                let bytes = file.contents().to_vec();
                into.insert(
                    name,
                    ThemeFile {
                        origin: Origin::Embedded,
                        bytes,
                    },
                );
            }
        }
    }
}

fn overlay(
    root: &Path,
    folder: &str,
    into: &mut BTreeMap<String, ThemeFile>,
    diags: &mut Vec<Diagnostic>,
) {
    let base = root.join(folder);
    if crate::fs::is_symlink(&base) {
        // Its files would be published: never follow it out of the site.
        let msg = format!(
            "skipping `{folder}/`: it is a symlink, and theme files must be the site's own"
        );
        diags.push(Diagnostic::error_file(Path::new(folder), msg).warning());
        return;
    }
    if !base.is_dir() {
        return;
    }
    let walker = walkdir::WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(&base).to_path_buf();
                diags.push(Diagnostic::error_file(
                    &display(root, &path),
                    err.to_string(),
                ));
                continue;
            }
        };
        let path = entry.path();
        let shown = display(root, path);
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            let what = if kind.is_symlink() {
                "symlink"
            } else {
                "special file"
            };
            let msg = format!("skipping {what}: theme files must be regular files");
            diags.push(Diagnostic::error_file(&shown, msg).warning());
            continue;
        }
        let Ok(rel) = path.strip_prefix(&base) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        match std::fs::read(path) {
            Ok(bytes) => {
                into.insert(
                    name,
                    ThemeFile {
                        origin: Origin::Site(shown),
                        bytes,
                    },
                );
            }
            Err(err) => diags.push(Diagnostic::error_file(
                &shown,
                format!("could not read: {err}"),
            )),
        }
    }
}

/// A path relative to the site root, for messages.
pub fn display(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}
