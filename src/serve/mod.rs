//! `briefing serve`: a live preview. The site is built in memory (drafts
//! and scheduled briefings included) and served from memory; the sources
//! are watched, and each change rebuilds the site and tells the browsers,
//! which reload or show the build's errors over the page.
//!
//! - [`server`] — the HTTP side: `Host` check, URL path → output file,
//!   content types, the connection loop;
//! - [`watch`] — file events, debounce, rebuild;
//! - [`reload`] — the server-sent event stream and the injected script;
//! - [`state`] — the files being served and the build status, shared by all.
//!
//! Nothing is read from or written to an output folder: a request can only
//! ever get a file of the last good build.

pub mod reload;
pub mod server;
pub mod state;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::build::Options;
use server::{AllowedHosts, App};
use state::Shared;

/// How `briefing serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Extra `Host` names to answer to, with or without a port.
    pub allow_hosts: Vec<String>,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// Builds the site, serves it and rebuilds on change until Ctrl-C. Only
/// tool failures (the port is taken, the watcher cannot start) are errors:
/// content problems are shown and the server keeps running.
pub fn run(root: &Path, settings: &Settings) -> anyhow::Result<()> {
    let listener =
        std::net::TcpListener::bind((settings.bind, settings.port)).with_context(|| {
            let addr = SocketAddr::new(settings.bind, settings.port);
            format!("could not listen on {addr}")
        })?;
    listener
        .set_nonblocking(true)
        .context("could not configure the listening socket")?;
    let port = listener
        .local_addr()
        .context("could not read the listening address")?
        .port();
    // The address a browser on this machine uses, also for the site's links.
    let shown = match settings.bind {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let url = format!("http://{}/", SocketAddr::new(shown, port));
    let options = Options::preview(url.clone());

    let shared = Arc::new(Shared::new());
    let mut session = watch::Session::default();
    watch::build_and_apply(root, &options, &shared, &mut session, None);
    let watch_root = std::fs::canonicalize(root)
        .with_context(|| format!("could not resolve `{}`", root.display()))?;
    watch::spawn(watch_root, options, Arc::clone(&shared), session)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the server's runtime")?;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = App {
        shared,
        hosts: Arc::new(AllowedHosts::new(
            settings.bind,
            port,
            &settings.allow_hosts,
        )),
        stop: stopping.clone(),
    };
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .context("could not hand the listening socket to the server")?;
        // Installed before the URL is announced: a Ctrl-C that follows the
        // announcement at once must stop the server, not kill it mid-write.
        let stop_requested = stop_signal();
        println!("Serving {url}");
        if !settings.bind.is_loopback() {
            println!(
                "Listening on {}: other machines reach it only with --allow-host",
                settings.bind
            );
        }
        println!("Watching content/, templates/, static/ and briefing.toml; press Ctrl-C to stop");
        if settings.open {
            open_browser(&url);
        }
        let server = tokio::spawn(server::serve(listener, server::router(app), stopping));
        stop_requested.await;
        // Nobody may be listening for the stop any more; that is fine.
        let _ = stop.send(true);
        let _ = server.await;
        anyhow::Ok(())
    })?;
    runtime.shutdown_timeout(Duration::from_millis(500));
    println!("Stopped");
    Ok(())
}

/// Installs the stop handlers now and returns a future that completes on
/// Ctrl-C (or, on Unix, a termination request).
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        if let (Some(mut interrupt), Some(mut terminate)) = handlers {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        ctrl_c().await;
    }
}

async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No handler could be installed: run until killed rather than stop now.
        std::future::pending::<()>().await;
    }
}

/// Opens `url` with the platform's opener. Best effort: a failure is only
/// mentioned.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut command = Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match command.spawn() {
        // Reaped on a thread of its own so that it never lingers as a zombie.
        Ok(mut child) => drop(std::thread::spawn(move || child.wait())),
        Err(err) => eprintln!("could not open a browser ({err}); open {url} yourself"),
    }
}
