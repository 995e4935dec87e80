//! The command line: flags and environment variables, turned into the library's plain
//! configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use attached_files::configuration::{DEFAULT_ALLOWED_EXTENSIONS, DEFAULT_MAX_SIZE_BYTES};
use attached_files::files::DEFAULT_QUOTA;
use attached_files::{FileStatus, Quota, Scan, ScopeLimits};
use attached_files_server::access;
use attached_files_server::config::Limits;
use attached_files_server::config::{self, Config, Metadata, Objects, Signatures, StorageConfig};
use attached_files_server_sdk::model::FileExtension;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the eight attached-file operations, and a health check at /ping) and the
    /// embedded object store, to which uploads go and from which downloads come, until SIGTERM or
    /// Ctrl-C; then finish the calls, uploads and downloads in flight.
    Serve(ServeArgs),
    /// Store a local file as a new attached file, the way the API does (Start, PUT, Complete, then
    /// the scan), and print it as GetAttachedFile's JSON body.
    Ingest {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
        /// The resource the file is attached to, such as a case; must be an ARN.
        #[arg(long)]
        associated_resource_arn: String,
        /// The file to store.
        file: PathBuf,
        /// FileName to report; defaults to the file's own name.
        #[arg(long)]
        name: Option<String>,
        /// FileUseCaseType: ATTACHMENT, the one value the model has.
        #[arg(long, default_value = "ATTACHMENT")]
        use_case: String,
        /// An idempotency key: ingesting again with the same one gives the same file.
        #[arg(long)]
        client_token: Option<String>,
        /// A tag as KEY=VALUE; repeat for more.
        #[arg(long = "tag", value_parser = parse_tag)]
        tags: Vec<(String, String)>,
        /// The Connect user who created the file.
        #[arg(long)]
        connect_user_arn: Option<String>,
        /// The verdict to record instead of the scan's: APPROVED, REJECTED, PROCESSING or FAILED.
        #[arg(long)]
        status: Option<FileStatus>,
    },
    /// Manage the access keys callers sign their requests with (SigV4), kept where the metadata
    /// is: in the PostgreSQL database with --database-url, else in the data directory.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Set a completed file's status (the attachment scan's verdict) and print the file.
    SetStatus {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
        /// The FileId that `ingest` printed.
        #[arg(long)]
        file_id: String,
        /// APPROVED, REJECTED, PROCESSING or FAILED.
        #[arg(long)]
        status: FileStatus,
    },
    /// Print every file of an instance, one GetAttachedFile JSON body a line, oldest first.
    List {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
    },
    /// Print what GetAttachedFile answers for a file, as its JSON body: the metadata and, for an
    /// approved file, a download URL served by `serve`.
    Get {
        /// The Amazon Connect instance the file belongs to.
        #[arg(long)]
        instance_id: String,
        /// The FileId that `ingest` printed.
        #[arg(long)]
        file_id: String,
        /// The resource the file is attached to; must match the one given at ingest.
        #[arg(long)]
        associated_resource_arn: String,
        /// Lifetime of the download URL, 5 to 300 seconds.
        #[arg(long, default_value_t = 300)]
        url_expiry_in_seconds: i32,
        /// Content-Disposition of the download: attachment or inline, with the file's name.
        #[arg(long, value_enum)]
        url_content_disposition: Option<DispositionArg>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a new access key and print it as the AWS CLI's environment variables.
    Create {
        /// An instance the key may be used on; repeat for more, or `*` for any.
        #[arg(long = "instance", required = true)]
        instances: Vec<String>,
        /// An operation the key may call (e.g. GetAttachedFile); repeat for more. Default: any.
        #[arg(long = "operation", default_value = access::ANY)]
        operations: Vec<String>,
        /// The ARN recorded as CreatedBy.AWSIdentityArn of files that calls signed with the key
        /// start without a CreatedBy. Default: arn:aws:iam::000000000000:user/<AccessKeyId>.
        #[arg(long)]
        identity_arn: Option<String>,
    },
    /// Print every access key (without its secret) and what it may be used for.
    List,
    /// Delete an access key: every `serve` on the same keys refuses its signatures within a second.
    Delete {
        /// The key's AccessKeyId.
        access_key_id: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address of the API.
    #[arg(long, env = "ATTACHED_FILES_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Calls in flight beyond which callers are answered ThrottlingException (429) at once.
    #[arg(long, env = "ATTACHED_FILES_MAX_CONCURRENT_REQUESTS", default_value_t = Limits::default().max_concurrent_requests as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_requests: u32,
    /// Longest request body accepted, in bytes; a longer one is answered 413.
    #[arg(long, env = "ATTACHED_FILES_MAX_REQUEST_BODY_BYTES", default_value_t = Limits::default().max_request_body_bytes)]
    pub max_request_body_bytes: u64,
    /// Let in every request without checking its signature, for local experiments only: anyone
    /// who reaches the API may then read and delete the files of every instance.
    #[arg(long, env = "ATTACHED_FILES_NO_VERIFY_SIGNATURES")]
    pub no_verify_signatures: bool,
    /// Accept only signatures scoped to this region (by default, any region).
    #[arg(long, env = "ATTACHED_FILES_REGION")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct StorageArgs {
    /// Directory of the metadata database and of the embedded object store; created if missing.
    #[arg(long, env = "ATTACHED_FILES_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// A PostgreSQL database for the metadata and the access keys
    /// (`postgres://user:password@host:port/database`), shared by several servers. Without it the
    /// metadata is in SQLite and the keys in a file, both in the data directory.
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
    #[arg(long, env = "ATTACHED_FILES_EMBEDDED_S3_LISTEN", default_value_t = config::EMBEDDED_S3_LISTEN, global = true)]
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

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DispositionArg {
    Attachment,
    Inline,
}

impl StorageArgs {
    pub fn config(&self) -> StorageConfig {
        StorageConfig {
            data_dir: self.data_dir.clone(),
            metadata: match &self.database_url {
                Some(url) => Metadata::Postgres { url: url.clone() },
                None => Metadata::Sqlite,
            },
            objects: match &self.s3_endpoint {
                Some(endpoint) => Objects::External {
                    endpoint: endpoint.clone(),
                    region: self.s3_region.clone(),
                    path_style: self.s3_path_style,
                },
                None => Objects::Embedded { listen: self.embedded_s3_listen },
            },
            bucket: self.bucket.clone(),
            public_s3_endpoint: self.public_s3_endpoint.clone(),
            quota: Quota { max_files: self.max_files_per_instance, max_bytes: self.max_bytes_per_instance },
            default_limits: ScopeLimits {
                max_size_bytes: self.default_max_file_size_bytes,
                allowed_extensions: self.default_allowed_extensions.clone(),
            },
            scan: self.scan_command.clone().map_or(Scan::ApproveAll, Scan::Command),
        }
    }
}

impl ServeArgs {
    pub fn config(&self, storage: StorageConfig) -> Config {
        Config {
            storage,
            limits: Limits {
                max_concurrent_requests: self.max_concurrent_requests as usize,
                max_request_body_bytes: self.max_request_body_bytes,
            },
            signatures: match self.no_verify_signatures {
                true => Signatures::NotVerified,
                false => Signatures::Verified { region: self.region.clone() },
            },
        }
    }
}

fn parse_tag(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .ok_or_else(|| format!("expected KEY=VALUE, got {text:?}"))
}

/// An extension as the model allows it (`FileExtension`): 1 to 10 letters, digits, `-` or `_`.
fn file_extension(text: &str) -> Result<String, String> {
    FileExtension::try_from(text.to_owned()).map(FileExtension::into_inner).map_err(|e| e.to_string())
}
