//! Static assets: the theme's files and the generated highlight stylesheet.
//! Stylesheets and scripts are also published under a content-hashed name
//! (`style.3f2a1c9e.css`) with a Subresource Integrity hash, so they can be
//! cached forever and changed safely.

use std::collections::BTreeMap;

use base64::Engine as _;
use sha2::{Digest, Sha256, Sha384};

use crate::config::Config;
use crate::render::OutputFile;
use crate::theme::Theme;

/// A published asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Site-relative URL of the published file (hashed for CSS and JS).
    pub url: String,
    /// `sha384-…` integrity value.
    pub integrity: String,
}

/// Every static file, and the published URL of each by its logical name.
#[derive(Debug, Default)]
pub struct Assets {
    /// Files to write.
    pub files: Vec<OutputFile>,
    /// Logical name (`style.css`) → published asset.
    pub by_name: BTreeMap<String, Asset>,
}

impl Assets {
    /// Collects the theme's static files plus generated ones.
    pub fn collect(config: &Config, theme: &Theme, generated: Vec<OutputFile>) -> Assets {
        let mut assets = Assets::default();
        let theme_files = theme
            .statics
            .iter()
            .map(|(name, f)| (name.clone(), f.bytes.clone()));
        let all: Vec<(String, Vec<u8>)> = theme_files
            .chain(generated.into_iter().map(|f| (f.path, f.bytes)))
            .collect();
        for (name, bytes) in all {
            let integrity = format!(
                "sha384-{}",
                base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes))
            );
            let published = match hashed_name(&name, &bytes) {
                Some(hashed) => {
                    assets.files.push(OutputFile {
                        path: hashed.clone(),
                        bytes: bytes.clone(),
                    });
                    hashed
                }
                None => name.clone(),
            };
            assets.by_name.insert(
                name.clone(),
                Asset {
                    url: config.url(&published),
                    integrity,
                },
            );
            // The plain name stays available for templates that link it directly.
            assets.files.push(OutputFile { path: name, bytes });
        }
        assets
    }

    /// The published URL of a static file, by its name in `static/`.
    pub fn url(&self, name: &str) -> Option<&str> {
        self.by_name
            .get(name.trim_start_matches('/'))
            .map(|a| a.url.as_str())
    }

    /// The asset of a name.
    pub fn get(&self, name: &str) -> Option<&Asset> {
        self.by_name.get(name.trim_start_matches('/'))
    }
}

/// `dir/name.HASH.ext` for stylesheets and scripts; `None` for other files.
fn hashed_name(name: &str, bytes: &[u8]) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !matches!(ext, "css" | "js") || stem.ends_with('/') || stem.is_empty() {
        return None;
    }
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    Some(format!("{stem}.{hex}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_css_and_js_are_hashed() {
        assert_eq!(
            hashed_name("style.css", b"body{}").unwrap().len(),
            "style.12345678.css".len()
        );
        assert!(
            hashed_name("js/search.js", b"x")
                .unwrap()
                .starts_with("js/search.")
        );
        assert_eq!(hashed_name("favicon.svg", b"x"), None);
        assert_eq!(hashed_name(".css", b"x"), None);
        assert_ne!(hashed_name("a.css", b"1"), hashed_name("a.css", b"2"));
    }
}
