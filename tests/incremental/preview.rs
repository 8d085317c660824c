//! The live preview's rebuilds, in process: `serve`'s build-and-apply step
//! on a [`Workspace`], told which files changed as the watcher would tell
//! it, and the files it serves compared with a clean build's.

use std::collections::BTreeMap;
use std::path::PathBuf;

use briefing::build::Options;
use briefing::serve::state::Shared;
use briefing::serve::watch::{How, Session, build_and_apply};

use super::workspace::{Workspace, same_trees};

/// A `serve` session on a workspace's site.
pub struct Preview {
    root: PathBuf,
    options: Options,
    shared: Shared,
    session: Session,
}

impl Preview {
    /// Builds the site as `serve` does first.
    pub fn start(ws: &Workspace) -> Preview {
        let options = Options {
            // Fixed, so that the clean build compared agrees on what is
            // scheduled.
            now: Some("2025-12-01T00:00:00Z".parse().expect("a timestamp")),
            ..Options::preview("http://127.0.0.1:4000/".into())
        };
        let mut preview = Preview {
            root: ws.site.root().to_path_buf(),
            options,
            shared: Shared::new(),
            session: Session::default(),
        };
        build_and_apply(
            &preview.root,
            &preview.options,
            &preview.shared,
            &mut preview.session,
            None,
        );
        preview
    }

    /// Rebuilds after the files at `changed` (relative to the site's root)
    /// changed.
    pub fn rebuild(&mut self, changed: &[String]) -> How {
        let paths: Vec<PathBuf> = changed.iter().map(|rel| self.root.join(rel)).collect();
        build_and_apply(
            &self.root,
            &self.options,
            &self.shared,
            &mut self.session,
            Some(&paths),
        )
    }

    /// The session's state between builds.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// How many builds changed what is served.
    pub fn generation(&self) -> u64 {
        self.shared.snapshot().generation
    }

    /// Compares the files served with those of a clean build in memory.
    pub fn check(&self) -> Result<(), String> {
        let clean = briefing::build::build(&self.root, &self.options).map_err(|diags| {
            let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
            format!("the clean build failed:\n{}", shown.join("\n"))
        })?;
        let expected: BTreeMap<PathBuf, Vec<u8>> = clean
            .files
            .into_iter()
            .map(|f| (PathBuf::from(f.path), f.bytes))
            .collect();
        let snapshot = self.shared.snapshot();
        let served: BTreeMap<PathBuf, Vec<u8>> = snapshot
            .files
            .list()
            .into_iter()
            .map(|path| {
                let bytes = snapshot.files.get(path).expect("listed").bytes();
                (PathBuf::from(path), bytes.to_vec())
            })
            .collect();
        same_trees(&expected, &served)
    }
}
