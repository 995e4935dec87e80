//! A whole server, started from one [`Config`] and stopped by one shutdown: the storage (and the
//! embedded object store's task), the API on a listener, the key ring's reload, the scanner and
//! the sweep. [`Server::start`] returns a [`Handle`]; its shutdown stops accepting calls, lets the
//! calls in flight finish (for at most [`app::DRAIN_TIMEOUT`]), stops the background work, then
//! drains and stops the object store, and [`Handle::join`] returns once all of it has stopped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use attached_files::AttachedFiles;
use attached_files_server_sdk::MissingOperationsError;
use attached_files_server_sdk::sigv4::SigV4Plugin;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

use crate::access::{KeyError, KeyRing, KeyStore, Verification};
use crate::app;
use crate::config::{Config, Signatures};
use crate::storage::{Role, Storage, StorageError};

/// How often the sweep of deletes and abandoned uploads runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How often the scanner looks for uploads completed by other processes (this process's own are
/// scanned as soon as they are due).
pub const SCAN_POLL: Duration = Duration::from_secs(5);
/// An upload not completed this long after its start is deleted by the sweep.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the listener: {0}")]
    Listener(std::io::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the access keys: {0}")]
    Keys(#[from] KeyError),
    #[error(transparent)]
    Service(#[from] MissingOperationsError),
}

pub struct Server;

impl Server {
    /// Opens the storage `config` names, and serves the API on `listener` until the handle's
    /// shutdown.
    pub async fn start(config: Config, listener: TcpListener) -> Result<Handle, StartError> {
        let addr = listener.local_addr().map_err(StartError::Listener)?;
        let storage = Storage::open(&config.storage, Role::Server).await?;
        let files = Arc::new(storage.files.clone());
        let stop = CancellationToken::new();
        let mut background = JoinSet::new();
        let (verification, keys) = match config.signatures {
            Signatures::NotVerified => (Verification::Off, None),
            Signatures::Verified { region } => {
                // Where the metadata is: the data directory's key file, or the database's table.
                let ring = KeyRing::load(KeyStore::open(&config.storage).await?).await?;
                background.spawn(until(stop.clone(), ring.clone().reload_forever()));
                let plugin = SigV4Plugin::new(ring.clone());
                let plugin = match region {
                    Some(region) => plugin.region(region),
                    None => plugin,
                };
                (Verification::Signatures(plugin), Some(ring))
            }
        };
        let api = app::api(files.clone(), config.limits, verification)?;
        background.spawn(until(stop.clone(), scan(files.clone())));
        background.spawn(until(stop.clone(), sweep(files.clone())));

        let embedded_store_url = storage.embedded_url().map(str::to_owned);
        let api_stop = stop.clone();
        let task = tokio::spawn(async move {
            let served = app::run(listener, api, api_stop.clone().cancelled_owned()).await;
            api_stop.cancel(); // also when the API failed by itself
            background.join_all().await;
            storage.close().await;
            served
        });
        Ok(Handle { addr, embedded_store_url, files, keys, stop, task: Some(task) })
    }
}

/// A running server. Dropping it shuts the server down without waiting.
pub struct Handle {
    addr: SocketAddr,
    embedded_store_url: Option<String>,
    files: Arc<AttachedFiles>,
    keys: Option<KeyRing>,
    stop: CancellationToken,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Starts a server's shutdown from anywhere (a signal handler, a test); cloneable.
#[derive(Clone)]
pub struct Shutdown(CancellationToken);

impl Shutdown {
    pub fn trigger(&self) {
        self.0.cancel();
    }
}

impl Handle {
    /// The API's address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The embedded object store's URL, when it is the store in use.
    pub fn embedded_store_url(&self) -> Option<&str> {
        self.embedded_store_url.as_deref()
    }

    /// The files the server serves, for work beside the API (an operator's, a test's).
    pub fn files(&self) -> &Arc<AttachedFiles> {
        &self.files
    }

    /// The keys signatures are verified with; none when they are not verified.
    pub fn keys(&self) -> Option<&KeyRing> {
        self.keys.as_ref()
    }

    /// How to start the shutdown while another part of the program waits in [`Handle::join`].
    pub fn shutdown_trigger(&self) -> Shutdown {
        Shutdown(self.stop.clone())
    }

    /// Starts the shutdown: no new connections; the calls in flight finish.
    pub fn shutdown(&self) {
        self.stop.cancel();
    }

    /// Waits until everything has stopped: after a shutdown, or when the API failed by itself
    /// (its error).
    pub async fn join(mut self) -> std::io::Result<()> {
        let Some(task) = self.task.take() else { return Ok(()) };
        task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Runs `work` until `stop` is cancelled.
async fn until(stop: CancellationToken, work: impl Future<Output = ()>) {
    tokio::select! {
        () = stop.cancelled() => {}
        () = work => {}
    }
}

/// The scanner: runs the scan command on completed uploads as they become due.
async fn scan(files: Arc<AttachedFiles>) {
    files.scan_forever(SCAN_POLL).await;
}

/// The sweep, at start and every [`SWEEP_EVERY`].
async fn sweep(files: Arc<AttachedFiles>) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        match files.sweep(ABANDONED_AFTER).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "swept deleted and abandoned files"),
            Err(e) => tracing::error!(cause = %e, "the sweep failed; retrying later"),
        }
    }
}
