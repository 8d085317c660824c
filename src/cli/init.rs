//! `briefing init DIR`: write a new site that builds at once, optionally with
//! a copy of the built-in theme to edit.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::Outcome;
use crate::starter::{self, StarterFile};
use crate::theme::Theme;

/// Write a new site into DIR: a commented briefing.toml, an example
/// briefing with the company profile and story it names, an About page and
/// a .gitignore. DIR is created if missing and must otherwise be empty
/// (a lone `.git` folder is allowed). `--site` plays no part.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to create the site in, relative to the current directory (not
    /// to `--site`); created if missing, refused unless empty.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Also copy every template and static file of the built-in theme into
    /// `templates/` and `static/`, to edit them (a file you delete falls
    /// back to the built-in one).
    #[arg(long)]
    pub with_theme: bool,
}

impl Args {
    /// Writes the starter files, then lists them and the commands to run next.
    pub fn run(self, _site: &Path) -> anyhow::Result<Outcome> {
        ensure_empty(&self.dir)?;
        let tz = jiff::tz::TimeZone::get(starter::TIMEZONE)
            .context("the starter's time zone is unknown to the bundled database")?;
        let today = jiff::Timestamp::now().to_zoned_datetime(tz).date();
        let files = starter::files(today);
        for file in &files {
            write_new(&self.dir, &file.path, file.text.as_bytes())?;
        }
        let theme = if self.with_theme {
            Some(write_theme(&self.dir)?)
        } else {
            None
        };
        report(&self.dir, &files, theme);
        Ok(Outcome::Success)
    }
}

/// Refuses a path that is a file, or a folder holding anything but `.git`;
/// creates the folder when it is missing.
fn ensure_empty(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        return crate::fs::create_dir_all(dir);
    }
    if !dir.is_dir() {
        bail!("`{}` exists and is not a folder", dir.display());
    }
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("could not list `{}`", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("could not list `{}`", dir.display()))?;
        // A fresh `git init` is a fine place for a site; anything else may be
        // someone's work, which init never mixes with or overwrites.
        if entry.file_name() != ".git" {
            bail!(
                "`{}` is not empty (it holds `{}`); choose a new or empty folder",
                dir.display(),
                entry.file_name().to_string_lossy()
            );
        }
    }
    Ok(())
}

/// Writes `rel` below `root`, creating its folders. Never replaces a file:
/// the folder was empty, so an existing file means someone else is writing
/// there at the same time.
fn write_new(root: &Path, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        crate::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("could not create `{}`", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("could not write `{}`", path.display()))
}

/// How many theme files were copied.
#[derive(Debug, Clone, Copy)]
struct ThemeCount {
    templates: usize,
    statics: usize,
}

/// Copies the embedded theme into `templates/` and `static/`.
fn write_theme(root: &Path) -> anyhow::Result<ThemeCount> {
    let theme = Theme::embedded();
    for (name, file) in &theme.templates {
        write_new(root, &format!("templates/{name}"), &file.bytes)?;
    }
    for (name, file) in &theme.statics {
        write_new(root, &format!("static/{name}"), &file.bytes)?;
    }
    Ok(ThemeCount {
        templates: theme.templates.len(),
        statics: theme.statics.len(),
    })
}

/// Prints what was written and what to run next.
fn report(dir: &Path, files: &[StarterFile], theme: Option<ThemeCount>) {
    println!("Created a new briefing site in {}:", dir.display());
    for file in files {
        println!("  {}", file.path);
    }
    if let Some(count) = theme {
        println!(
            "  templates/ ({} {}) and static/ ({} {}): the built-in theme, to edit",
            count.templates,
            super::plural(count.templates, "file", "files"),
            count.statics,
            super::plural(count.statics, "file", "files"),
        );
    }
    let shown = dir.display().to_string();
    let cd = if shown.contains([' ', '\'', '"']) {
        format!("cd '{}'", shown.replace('\'', r"'\''"))
    } else {
        format!("cd {shown}")
    };
    println!();
    println!("Next:");
    println!("  {cd}");
    println!("  briefing build                       # writes the site into public/");
    println!("  briefing new \"Your first headline\"   # starts a briefing in content/");
    println!();
    println!("Set base_url in briefing.toml to the address you will publish at.");
}
