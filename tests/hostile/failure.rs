//! Failing and racing writes: a build killed at any moment leaves the
//! previous output whole, two builds at once leave one complete output,
//! and a full disk or a read-only folder is a clear error (exit 2) that
//! leaves the previous output alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::harness::{TestSite, tree};

type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// A site big enough that writing it takes a while: `n` briefings whose
/// titles carry `version`.
fn generated_site(site: &TestSite, n: usize, version: &str) {
    for i in 0..n {
        site.write(
            &format!("content/2025/b{i}.md"),
            &format!(
                "+++\ntitle = \"Briefing {i} {version}\"\ndate = 2025-01-01\ntags = [\"t{}\"]\n+++\n{}\n",
                i % 40,
                "Some words in a paragraph. ".repeat(40)
            ),
        );
    }
}

fn briefing_cmd(site: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_briefing"));
    cmd.arg("--site")
        .arg(site)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn spawn_build(site: &Path, output: &Path, base_url: &str) -> Child {
    briefing_cmd(site, &["build", "--base-url", base_url, "--output"])
        .arg(output)
        .spawn()
        .expect("spawn briefing")
}

/// Whatever is left next to the output besides the output, its lock and
/// its build cache.
fn leftovers(output: &Path) -> Vec<String> {
    let name = output.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(&format!(".{name}.briefing-"))
                && !n.ends_with("-lock")
                && !n.ends_with("-cache")
        })
        .collect()
}

/// Kills builds at moments spread over a whole build and checks, after
/// each, that the output is exactly the previous build or exactly the new
/// one; then a last build completes and leaves no leftovers. Each round
/// builds the version the output does not hold yet, so that the two can
/// always be told apart.
#[test]
fn a_killed_build_leaves_a_complete_output() {
    let site = TestSite::empty();
    let out = site.root().join("public");
    let url = "https://example.org/";
    let mut references: Vec<Tree> = Vec::new();
    let mut full = Duration::ZERO;
    for version in ["A", "B"] {
        generated_site(&site, 300, version);
        let dir = site.root().join(format!("ref-{version}"));
        let started = Instant::now();
        assert!(
            spawn_build(site.root(), &dir, url)
                .wait()
                .unwrap()
                .success()
        );
        full = full.max(started.elapsed());
        references.push(tree(&dir));
    }
    assert_ne!(references[0], references[1]);
    generated_site(&site, 300, "A");
    assert!(
        spawn_build(site.root(), &out, url)
            .wait()
            .unwrap()
            .success()
    );
    let mut current = 0;
    let rounds = 24u32;
    let (mut kept, mut mid_write) = (0, 0);
    for round in 0..rounds {
        let next = 1 - current;
        generated_site(&site, 300, ["A", "B"][next]);
        let mut child = spawn_build(site.root(), &out, url);
        std::thread::sleep(full * round / rounds);
        let _ = child.kill();
        let _ = child.wait();
        // A half-written new output beside the old one: killed mid-write.
        mid_write += usize::from(!leftovers(&out).is_empty());
        let now = tree(&out);
        if now == references[current] {
            kept += 1;
        } else if now == references[next] {
            current = next;
        } else {
            panic!("round {round}: the output is neither the previous nor the new build");
        }
    }
    eprintln!(
        "killed {rounds} builds: {kept} left the previous output whole ({mid_write} of them \
         while writing the new one), the rest had finished"
    );
    assert!(kept > 0, "no kill landed before the swap");
    generated_site(&site, 300, ["A", "B"][current]);
    let run = spawn_build(site.root(), &out, url)
        .wait_with_output()
        .unwrap();
    assert!(run.status.success());
    assert_eq!(tree(&out), references[current]);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

/// Builds of the same site and output at the same moment, each for a
/// different base URL: the output is always exactly one of them.
#[test]
fn concurrent_builds_never_mix() {
    let site = TestSite::empty();
    generated_site(&site, 120, "A");
    let urls = [
        "https://one.example/",
        "https://two.example/",
        "https://three.example/",
    ];
    let mut references = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let dir = site.root().join(format!("ref{i}"));
        assert!(
            spawn_build(site.root(), &dir, url)
                .wait()
                .unwrap()
                .success()
        );
        references.push(tree(&dir));
    }
    let out = site.root().join("public");
    for round in 0..6 {
        let children: Vec<Child> = urls
            .iter()
            .map(|url| spawn_build(site.root(), &out, url))
            .collect();
        for child in children {
            let run = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(run.status.success(), "round {round}: {stderr}");
        }
        let now = tree(&out);
        assert!(
            references.contains(&now),
            "round {round}: the output mixes builds"
        );
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    }
}

/// Runs `script` as root of a private mount namespace (where a small tmpfs
/// can be mounted without touching the machine), or `None` when the system
/// does not allow it.
fn in_mount_namespace(script: &str) -> Option<std::process::Output> {
    let probe = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: mount namespaces are not available here");
        return None;
    }
    Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script])
        .env("NO_COLOR", "1")
        .output()
        .ok()
}

fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn a_full_disk_is_a_clear_error_and_keeps_the_previous_output() {
    let site = TestSite::empty();
    generated_site(&site, 60, "A");
    let disk = site.root().join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_briefing"));
    let script = format!(
        "set -e; mount -t tmpfs -o size=256k tmpfs {d}; mkdir {d}/public; \
         echo previous > {d}/public/.briefing-output; echo '<p>previous</p>' > {d}/public/index.html; \
         set +e; {b} --site {s} build --output {d}/public; echo \"status=$?\"; \
         cat {d}/public/index.html; ls -a {d}",
        d = shell_quote(&disk),
        b = shell_quote(bin),
        s = shell_quote(site.root()),
    );
    let Some(run) = in_mount_namespace(&script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stdout.contains("status=2"), "{stdout}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("could not write the site to"), "{stderr}");
    assert!(
        stderr.contains("the previous output is untouched"),
        "{stderr}"
    );
    assert!(stdout.contains("<p>previous</p>"), "{stdout}");
    assert!(
        !stdout.contains(".public.briefing-new"),
        "leftover: {stdout}"
    );
}

#[test]
fn a_read_only_output_folder_is_a_clear_error() {
    let site = TestSite::empty();
    generated_site(&site, 3, "A");
    let parent = site.root().join("ro");
    let out = parent.join("public");
    super::support::previous_output(&out);
    let before = tree(&out);
    let bin = Path::new(env!("CARGO_BIN_EXE_briefing"));
    let script = format!(
        "set -e; mount --bind {p} {p}; mount -o remount,bind,ro {p}; set +e; \
         {b} --site {s} build --output {o}; echo \"status=$?\"",
        p = shell_quote(&parent),
        o = shell_quote(&out),
        b = shell_quote(bin),
        s = shell_quote(site.root()),
    );
    let Some(run) = in_mount_namespace(&script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stdout.contains("status=2"), "{stdout}\n{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
    assert!(
        stderr.contains(&parent.display().to_string()),
        "names the path: {stderr}"
    );
    assert_eq!(tree(&out), before);
}
