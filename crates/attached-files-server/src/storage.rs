//! Storage configuration, shared by the server and the operator commands, and its wiring.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use attached_files::configuration::{DEFAULT_ALLOWED_EXTENSIONS, DEFAULT_MAX_SIZE_BYTES};
use attached_files::embedded_s3::{self, AccessKey, DurableFs};
use attached_files::files::DEFAULT_QUOTA;
use attached_files::metadata::{MetadataStore, PostgresStore, SqliteStore};
use attached_files::objects::{ObjectStore, S3Endpoint};
use attached_files::{AttachedFiles, Quota, Scan, ScopeLimits};
use attached_files_server_sdk::model::FileExtension;
use tokio::net::TcpListener;
use tokio::sync::watch;

#[derive(Debug, Clone, clap::Args)]
pub struct StorageArgs {
    /// Directory of the metadata database and of the embedded object store; created if missing.
    #[arg(long, env = "ATTACHED_FILES_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// A PostgreSQL database for the metadata (`postgres://user:password@host:port/database`),
    /// shared by several servers. Without it the metadata is in SQLite in the data directory.
    #[arg(long, env = "ATTACHED_FILES_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Bucket that holds the files' bytes; created if missing.
    #[arg(long, env = "ATTACHED_FILES_BUCKET", default_value = "attached-files", global = true)]
    pub bucket: String,

    /// URL of an external S3-compatible object store. Without it the embedded store is used.
    /// Credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID, profiles, roles).
    #[arg(long, env = "ATTACHED_FILES_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,

    /// Region of the external object store (used for signing).
    #[arg(long, env = "ATTACHED_FILES_S3_REGION", default_value = "us-east-1", global = true)]
    pub s3_region: String,

    /// Address the external store by path (`host/bucket/key`) instead of by virtual host.
    #[arg(long, env = "ATTACHED_FILES_S3_PATH_STYLE", global = true)]
    pub s3_path_style: bool,

    /// Base URL put in download URLs, when callers reach the object store by another name than
    /// the server does. Defaults to the store's own URL.
    #[arg(long, env = "ATTACHED_FILES_PUBLIC_S3_ENDPOINT", global = true)]
    pub public_s3_endpoint: Option<String>,

    /// Address of the embedded object store's S3 endpoint, served by `serve`. Operator commands
    /// serve the store to themselves on a port of their own, and put this address in URLs.
    #[arg(long, env = "ATTACHED_FILES_EMBEDDED_S3_LISTEN", default_value = "127.0.0.1:9000", global = true)]
    pub embedded_s3_listen: SocketAddr,

    /// Most files an instance may hold; StartAttachedFileUpload beyond it is answered
    /// ServiceQuotaExceededException (402, TOTAL_FILE_COUNT_EXCEEDED).
    #[arg(long, env = "ATTACHED_FILES_MAX_FILES_PER_INSTANCE", default_value_t = DEFAULT_QUOTA.max_files, global = true)]
    pub max_files_per_instance: u64,

    /// Most bytes the files of an instance may take together (402, TOTAL_FILE_SIZE_EXCEEDED).
    #[arg(long, env = "ATTACHED_FILES_MAX_BYTES_PER_INSTANCE", default_value_t = DEFAULT_QUOTA.max_bytes, global = true)]
    pub max_bytes_per_instance: u64,

    /// The largest file, in bytes, of an attachment scope without a configuration of its own
    /// (UpdateAttachedFilesConfiguration sets one per instance and scope): 1 to 104857600.
    #[arg(long, env = "ATTACHED_FILES_DEFAULT_MAX_FILE_SIZE_BYTES", default_value_t = DEFAULT_MAX_SIZE_BYTES,
          value_parser = clap::value_parser!(u64).range(1..=104_857_600), global = true)]
    pub default_max_file_size_bytes: u64,

    /// The file extensions (comma-separated, without dots) of an attachment scope without a
    /// configuration of its own.
    #[arg(long, env = "ATTACHED_FILES_DEFAULT_ALLOWED_EXTENSIONS", value_delimiter = ',',
          default_values = DEFAULT_ALLOWED_EXTENSIONS, value_parser = file_extension, global = true)]
    pub default_allowed_extensions: Vec<String>,

    /// A program that judges each completed upload: it gets the path of a copy of the bytes as
    /// its argument and exits 0 to approve, 1 to reject, anything else to fail the file. The
    /// file is PROCESSING until then. Without it every completed upload is approved at once.
    #[arg(long, env = "ATTACHED_FILES_SCAN_COMMAND", global = true)]
    pub scan_command: Option<PathBuf>,
}

/// An extension as the model allows it (`FileExtension`): 1 to 10 letters, digits, `-` or `_`.
fn file_extension(text: &str) -> Result<String, String> {
    FileExtension::try_from(text.to_owned()).map(FileExtension::into_inner).map_err(|e| e.to_string())
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
    pub async fn open(args: &StorageArgs, role: Role) -> Result<Self, String> {
        std::fs::create_dir_all(&args.data_dir)
            .map_err(|e| format!("cannot create data directory {}: {e}", args.data_dir.display()))?;
        let metadata: Arc<dyn MetadataStore> = match &args.database_url {
            Some(url) => Arc::new(PostgresStore::connect(url).await.map_err(|e| e.to_string())?),
            None => Arc::new(SqliteStore::open(&args.data_dir.join("metadata.sqlite3")).map_err(|e| e.to_string())?),
        };

        let (endpoint, embedded) = match &args.s3_endpoint {
            Some(url) => {
                let endpoint = S3Endpoint {
                    url: Some(url.clone()),
                    region: args.s3_region.clone(),
                    force_path_style: args.s3_path_style,
                    credentials: None,
                };
                (endpoint, None)
            }
            None => {
                let (endpoint, embedded) = EmbeddedStore::start(args, role).await?;
                (endpoint, Some(embedded))
            }
        };

        let client = endpoint.client().await;
        let objects = ObjectStore::new(client, &args.bucket);
        objects.ensure_bucket().await.map_err(|e| e.to_string())?;
        // URLs name the store as callers reach it: the public name if one is set, else the
        // server's own address (which an operator command's private port is not).
        let public_url = match (&args.public_s3_endpoint, &embedded, role) {
            (Some(public), _, _) => Some(public.clone()),
            (None, Some(_), Role::Operator) => Some(format!("http://{}", args.embedded_s3_listen)),
            (None, _, _) => None,
        };
        let presigner = match public_url {
            Some(url) => S3Endpoint { url: Some(url), ..endpoint }.presigner().await,
            None => endpoint.presigner().await,
        };
        let quota = Quota { max_files: args.max_files_per_instance, max_bytes: args.max_bytes_per_instance };
        let scan = args.scan_command.clone().map_or(Scan::ApproveAll, Scan::Command);
        let files = AttachedFiles::new(metadata, objects, presigner.map_err(|e| e.to_string())?)
            .with_quota(quota)
            .with_default_limits(ScopeLimits {
                max_size_bytes: args.default_max_file_size_bytes,
                allowed_extensions: args.default_allowed_extensions.clone(),
            })
            .with_scan(scan);
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
    async fn start(args: &StorageArgs, role: Role) -> Result<(S3Endpoint, Self), String> {
        let key = embedded_key(&args.data_dir)?;
        let fs = DurableFs::new(args.data_dir.join("objects"))
            .map_err(|e| format!("cannot create the object directory in {}: {e}", args.data_dir.display()))?;
        let listen = match role {
            Role::Server => {
                // An hour is far longer than any upload; younger ones may still be running.
                match fs.remove_stale_partials(std::time::Duration::from_secs(3600)) {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "removed partial uploads left by a crash"),
                    Err(e) => tracing::warn!(error = %e, "could not sweep partial uploads"),
                }
                args.embedded_s3_listen
            }
            Role::Operator => SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let listener = TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let url = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
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
fn embedded_key(data_dir: &Path) -> Result<AccessKey, String> {
    let path = data_dir.join(EMBEDDED_KEY_FILE);
    let parse = |text: &str| -> Result<AccessKey, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?;
        let field = |name: &str| value[name].as_str().map(str::to_owned);
        match (field("AccessKeyId"), field("SecretAccessKey")) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(AccessKey { access_key_id, secret_access_key }),
            _ => Err(format!("{}: expected AccessKeyId and SecretAccessKey", path.display())),
        }
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => return parse(&text),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(format!("{}: {e}", path.display())),
        Err(_) => {}
    }
    let key = AccessKey {
        access_key_id: format!("AK{}", uuid::Uuid::new_v4().simple()).to_uppercase(),
        secret_access_key: format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()),
    };
    let text = serde_json::json!({ "AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key });
    // Written aside and linked into place, so that two processes starting at once agree on one key.
    let partial = data_dir.join(format!(".{EMBEDDED_KEY_FILE}.{}", uuid::Uuid::new_v4().simple()));
    write_private(&partial, text.to_string().as_bytes()).map_err(|e| format!("{}: {e}", partial.display()))?;
    let linked = std::fs::hard_link(&partial, &path);
    let _ = std::fs::remove_file(&partial);
    match linked {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            parse(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
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
