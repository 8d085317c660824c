//! What writing a built site costs on this disk, and nothing else: the
//! benchmark's second reference beside the floor.
//!
//! ```sh
//! cargo run --release --example write_tree -- TREE SCRATCH
//! ```
//!
//! Reads every file under `TREE` into memory (not timed), then writes them
//! all again under `SCRATCH`, in parallel with rayon as the build does: each
//! file's folder made where needed, the file created and written in one
//! call. It prints the files, the bytes, and the wall and CPU time of the
//! writing alone. Run on a build's output and on the floor's, the difference
//! is what the larger output costs any program that writes it, before it has
//! made a single byte of it.
//!
//! `SCRATCH` must not exist or be empty, so that a slip of the arguments
//! cannot write over a site.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use briefing::build::cpu_time;
use rayon::prelude::*;

/// The same allocator as the `briefing` binary and the floor.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [tree, scratch] = args.as_slice() else {
        bail!("usage: write_tree TREE SCRATCH (writes a copy of TREE into SCRATCH, timed)");
    };
    let (tree, scratch) = (Path::new(tree), Path::new(scratch));
    if scratch
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some())
    {
        bail!("{} is not empty", scratch.display());
    }
    let files = read_tree(tree)?;
    if files.is_empty() {
        bail!("no files under {}", tree.display());
    }
    let bytes: usize = files.iter().map(|(_, data)| data.len()).sum();

    let (started, cpu) = (Instant::now(), cpu_time());
    files.par_iter().try_for_each(|(path, data)| {
        let target = scratch.join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        std::fs::write(&target, data).with_context(|| format!("writing {}", target.display()))
    })?;
    let wall = started.elapsed();
    let cpu = cpu_time().zip(cpu).map(|(now, then)| now - then);

    println!(
        "write_tree: {} files, {} bytes: wall {:.3} s, CPU {}",
        files.len(),
        bytes,
        wall.as_secs_f64(),
        cpu.map_or("unknown".to_owned(), |cpu| format!(
            "{:.3} s",
            cpu.as_secs_f64()
        ))
    );
    Ok(())
}

/// Every regular file below `tree`, as its path under `tree` and its bytes.
fn read_tree(tree: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(tree).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", tree.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let relative = path
            .strip_prefix(tree)
            .with_context(|| format!("{} is not under {}", path.display(), tree.display()))?;
        files.push((relative.to_owned(), data));
    }
    Ok(files)
}
