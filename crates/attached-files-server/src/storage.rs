//! The storage a [`StorageConfig`] names, opened: the metadata store, the object store (the
//! embedded one served by a task of this process) and the presigner, shared by the server and the
//! operator commands.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use attached_files::AttachedFiles;
use attached_files::embedded_s3::{self, AccessKey, DurableFs};
use attached_files::metadata::{MetadataStore, PostgresStore, SqliteStore, StoreError};
use attached_files::objects::{ObjectError, ObjectStore, S3Endpoint};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{Metadata, Objects, StorageConfig};

/// Why the storage could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot create data directory {}: {source}", path.display())]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {what}", path.display())]
    Malformed { path: PathBuf, what: String },
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Metadata(#[from] StoreError),
    #[error("object store: {0}")]
    Objects(#[from] ObjectError),
    #[error("presigner: {0}")]
    Presigner(String),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |source| StorageError::Io { path: path.to_owned(), source }
}

/// Who opens the storage: the server serves the embedded store on its configured address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Operator,
}

/// The embedded store's key pair, kept beside its data so every process on it agrees.
const EMBEDDED_KEY_FILE: &str = "embedded-s3-key.json";

/// Storage is open; in the embedded case the object store serves until `close`.
pub struct Storage {
    pub files: AttachedFiles,
    embedded: Option<EmbeddedStore>,
}

/// The embedded object store, served by a task of this process.
struct EmbeddedStore {
    url: String,
    stop: watch::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Storage {
    /// Opens the metadata store and the object store, serving the embedded one if it is in use.
    pub async fn open(config: &StorageConfig, role: Role) -> Result<Self, StorageError> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| StorageError::DataDir { path: config.data_dir.clone(), source })?;
        let metadata: Arc<dyn MetadataStore> = match &config.metadata {
            Metadata::Sqlite => Arc::new(SqliteStore::open(&config.data_dir.join("metadata.sqlite3"))?),
            // A server caches records; an operator command, gone in a moment, would only hold
            // the servers' writes up with a cache's lease.
            Metadata::Postgres { url } => Arc::new(match role {
                Role::Server => PostgresStore::connect_cached(url).await?,
                Role::Operator => PostgresStore::connect(url).await?,
            }),
            Metadata::Store(store) => store.clone(),
        };

        let (endpoint, embedded) = match &config.objects {
            Objects::External { endpoint, region, path_style } => {
                let endpoint = S3Endpoint {
                    url: Some(endpoint.clone()),
                    region: region.clone(),
                    force_path_style: *path_style,
                    credentials: None,
                };
                (endpoint, None)
            }
            Objects::Embedded { listen } => {
                let (endpoint, embedded) = EmbeddedStore::start(&config.data_dir, *listen, role).await?;
                (endpoint, Some(embedded))
            }
        };

        let client = endpoint.client().await;
        let objects = ObjectStore::new(client, &config.bucket);
        objects.ensure_bucket().await?;
        // URLs name the store as callers reach it: the public name if one is set, else the
        // server's own address (which an operator command's private port is not).
        let public_url = match (&config.public_s3_endpoint, &config.objects, role) {
            (Some(public), _, _) => Some(public.clone()),
            (None, Objects::Embedded { listen }, Role::Operator) => Some(format!("http://{listen}")),
            (None, _, _) => None,
        };
        let presigner = match public_url {
            Some(url) => S3Endpoint { url: Some(url), ..endpoint }.presigner().await,
            None => endpoint.presigner().await,
        };
        let presigner = presigner.map_err(|e| StorageError::Presigner(e.to_string()))?;
        let files = AttachedFiles::new(metadata, objects, presigner)
            .with_quota(config.quota)
            .with_default_limits(config.default_limits.clone())
            .with_scan(config.scan.clone());
        Ok(Self { files, embedded })
    }

    /// The URL of the embedded object store, if that is the one in use.
    pub fn embedded_url(&self) -> Option<&str> {
        self.embedded.as_ref().map(|embedded| embedded.url.as_str())
    }

    /// Stops the embedded object store after the requests in flight.
    pub async fn close(self) {
        if let Some(EmbeddedStore { stop, task, .. }) = self.embedded {
            drop(stop);
            let _ = task.await;
        }
    }
}

impl EmbeddedStore {
    /// Serves `data_dir/objects`: the server on its configured address, an operator command on
    /// a private port of its own.
    async fn start(data_dir: &Path, listen: SocketAddr, role: Role) -> Result<(S3Endpoint, Self), StorageError> {
        let key = embedded_key(data_dir)?;
        let objects_dir = data_dir.join("objects");
        let fs = DurableFs::new(&objects_dir).map_err(io_error(&objects_dir))?;
        let listen = match role {
            Role::Server => {
                // An hour is far longer than any upload; younger ones may still be running.
                match fs.remove_stale_partials(std::time::Duration::from_secs(3600)) {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "removed partial uploads left by a crash"),
                    Err(e) => tracing::warn!(error = %e, "could not sweep partial uploads"),
                }
                listen
            }
            Role::Operator => SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let listener =
            TcpListener::bind(listen).await.map_err(|source| StorageError::Listen { addr: listen, source })?;
        let addr = listener.local_addr().map_err(|source| StorageError::Listen { addr: listen, source })?;
        let url = format!("http://{addr}");
        let (stop, mut stopped) = watch::channel(());
        let task = tokio::spawn(embedded_s3::serve(listener, fs, key.clone(), async move {
            let _ = stopped.changed().await;
        }));
        let endpoint = S3Endpoint {
            url: Some(url.clone()),
            region: "us-east-1".into(),
            force_path_style: true,
            credentials: Some((key.access_key_id, key.secret_access_key)),
        };
        Ok((endpoint, Self { url, stop, task }))
    }
}

/// Reads the embedded store's key pair, or makes one on first use (readable by the owner only).
fn embedded_key(data_dir: &Path) -> Result<AccessKey, StorageError> {
    let path = data_dir.join(EMBEDDED_KEY_FILE);
    let parse = |text: &str| -> Result<AccessKey, StorageError> {
        let malformed = |what: String| StorageError::Malformed { path: path.clone(), what };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let field = |name: &str| value[name].as_str().map(str::to_owned);
        match (field("AccessKeyId"), field("SecretAccessKey")) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(AccessKey { access_key_id, secret_access_key }),
            _ => Err(malformed("expected AccessKeyId and SecretAccessKey".into())),
        }
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => return parse(&text),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_error(&path)(e)),
        Err(_) => {}
    }
    let key = AccessKey {
        access_key_id: format!("AK{}", uuid::Uuid::new_v4().simple()).to_uppercase(),
        secret_access_key: format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()),
    };
    let text = serde_json::json!({ "AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key });
    // Written aside and linked into place, so that two processes starting at once agree on one key.
    let partial = data_dir.join(format!(".{EMBEDDED_KEY_FILE}.{}", uuid::Uuid::new_v4().simple()));
    write_private(&partial, text.to_string().as_bytes()).map_err(io_error(&partial))?;
    let linked = std::fs::hard_link(&partial, &path);
    let _ = std::fs::remove_file(&partial);
    match linked {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            parse(&std::fs::read_to_string(&path).map_err(io_error(&path))?)
        }
        Err(e) => Err(io_error(&path)(e)),
    }
}

/// Writes a new file readable by its owner only, and syncs it.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
