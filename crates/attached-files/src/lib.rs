//! Attached files for the Amazon Connect attached-file API, independent of the HTTP layer.
//!
//! - [`files`]: the operations (Start, Complete, Get, BatchGet and Delete of attached files, the
//!   Describe, List and Update of each scope's configuration, the scan, the sweep of interrupted
//!   work, and the operator's ingest, set-status, list).
//! - [`configuration`]: what each attachment scope of an instance allows (size, extensions).
//! - [`record`]: the metadata of a file and its wire formats (times, ARNs, statuses).
//! - [`metadata`]: the metadata store trait, its embedded SQLite default and its PostgreSQL store
//!   for several replicas.
//! - [`objects`]: the object store over the S3 API (`aws-sdk-s3`) and the download-URL presigner.
//! - [`presign`]: the presigner with a signing key cached per day, for stores named by a URL.
//! - [`embedded_s3`]: the embedded, durable S3-compatible object store (s3s).

pub mod configuration;
pub mod embedded_s3;
pub mod files;
pub mod metadata;
pub mod objects;
pub mod presign;
pub mod record;

pub use configuration::{AttachmentScope, Configuration, ConfigurationUpdate, ScopeLimits};
pub use files::{
    AttachedFile, AttachedFiles, Batch, Disposition, FileError, FileRef, GetRequest, InvalidFile, Scan, StartRequest,
    StartedUpload, UploadUrl,
};
pub use metadata::{Quota, QuotaExceeded};
pub use record::{CreatedBy, FileRecord, FileStatus, Phase};
