//! What a server is started with: one plain value, filled by the binary from its flags and
//! environment, or by a program or a test directly. [`Config::new`] gives the documented
//! defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use attached_files::files::DEFAULT_QUOTA;
use attached_files::metadata::MetadataStore;
use attached_files::{Quota, Scan, ScopeLimits};

/// A whole server: its storage, and what its API lets in.
#[derive(Clone)]
pub struct Config {
    pub storage: StorageConfig,
    pub limits: Limits,
    pub signatures: Signatures,
}

/// Where files live, and the rules they are kept under.
#[derive(Clone)]
pub struct StorageConfig {
    /// The SQLite database and the access keys beside it, and the embedded store's objects;
    /// created if missing.
    pub data_dir: PathBuf,
    pub metadata: Metadata,
    pub objects: Objects,
    /// The bucket of the files' bytes; created if missing.
    pub bucket: String,
    /// The base of upload and download URLs, when callers reach the store by another name than
    /// the server does; by default the store's own URL.
    pub public_s3_endpoint: Option<String>,
    pub quota: Quota,
    /// The limits of an attachment scope without a configuration of its own.
    pub default_limits: ScopeLimits,
    pub scan: Scan,
}

/// The metadata store.
#[derive(Clone)]
pub enum Metadata {
    /// SQLite in the data directory (`metadata.sqlite3`): the embedded default.
    Sqlite,
    /// A PostgreSQL database that several servers share (`postgres://user:password@host:port/db`),
    /// which also holds the access keys.
    Postgres { url: String },
    /// A store made by the caller (a test's, or another implementation of the trait).
    Store(Arc<dyn MetadataStore>),
}

/// The object store that holds the files' bytes.
#[derive(Debug, Clone)]
pub enum Objects {
    /// The embedded store over `data_dir/objects`, served by the server at `listen`.
    Embedded { listen: SocketAddr },
    /// An external S3-compatible store; credentials from the standard AWS chain.
    External { endpoint: String, region: String, path_style: bool },
}

/// Who may call the API.
#[derive(Debug, Clone)]
pub enum Signatures {
    /// Only requests signed (SigV4) with one of the access keys (the data directory's key file's,
    /// or with PostgreSQL the database's); with a region, only signatures scoped to it.
    Verified { region: Option<String> },
    /// Everyone, signed or not: for local experiments only.
    NotVerified,
}

/// The operating limits of the API.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Calls in flight beyond which callers get ThrottlingException.
    pub max_concurrent_requests: usize,
    /// Longest request body accepted.
    pub max_request_body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_concurrent_requests: 256, max_request_body_bytes: 64 * 1024 }
    }
}

/// The embedded store's default address.
pub const EMBEDDED_S3_LISTEN: SocketAddr =
    SocketAddr::V4(std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, 9000));

impl Config {
    /// A server on `data_dir` with every default: SQLite, the embedded store on
    /// [`EMBEDDED_S3_LISTEN`], signatures verified.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            storage: StorageConfig {
                data_dir: data_dir.into(),
                metadata: Metadata::Sqlite,
                objects: Objects::Embedded { listen: EMBEDDED_S3_LISTEN },
                bucket: "attached-files".into(),
                public_s3_endpoint: None,
                quota: DEFAULT_QUOTA,
                default_limits: ScopeLimits::default(),
                scan: Scan::ApproveAll,
            },
            limits: Limits::default(),
            signatures: Signatures::Verified { region: None },
        }
    }
}
