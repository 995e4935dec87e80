//! The attached-file operations, independent of the HTTP layer that exposes them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use crate::configuration::{AttachmentScope, Configuration, ConfigurationUpdate, ScopeLimits};
use crate::metadata::{Inserted, MetadataStore, PhaseWalk, Quota, QuotaExceeded, StoreError};
use crate::objects::{ObjectError, ObjectStore};
use crate::presign::Presigner;
use crate::record::{CreatedBy, FileRecord, FileStatus, Phase, is_valid_arn};

/// The lifetime of a URL when the caller does not choose one. (Its bounds are the model's, which
/// the generated types check before a request reaches the domain.)
pub const DEFAULT_URL_EXPIRY_SECONDS: u64 = 300;

/// How a browser should treat a download, carried in the URL as its Content-Disposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Attachment,
    Inline,
}

/// A StartAttachedFileUpload request, already checked against the model's constraints (by the
/// generated server SDK, or by the generated types for `ingest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartRequest {
    pub client_token: Option<String>,
    pub instance_id: String,
    pub file_name: String,
    pub file_size_in_bytes: u64,
    pub url_expiry_in_seconds: Option<u64>,
    pub file_use_case_type: String,
    pub associated_resource_arn: String,
    pub created_by: Option<CreatedBy>,
    pub tags: BTreeMap<String, String>,
    /// Who calls: recorded as `CreatedBy::AwsIdentityArn` when `created_by` names no one.
    pub caller_identity_arn: Option<String>,
}

/// What StartAttachedFileUpload answers: the new file, and where to PUT its bytes.
#[derive(Debug, Clone)]
pub struct StartedUpload {
    pub record: FileRecord,
    pub upload: UploadUrl,
}

/// A pre-signed PUT URL, and the headers the PUT must send (they are signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadUrl {
    pub url: String,
    pub expires_at: OffsetDateTime,
    pub headers: BTreeMap<String, String>,
}

/// A GetAttachedFile request, already checked against the model's constraints.
#[derive(Debug, Clone)]
pub struct GetRequest {
    pub instance_id: String,
    pub file_id: String,
    pub associated_resource_arn: String,
    pub url_expiry_in_seconds: Option<u64>,
    pub disposition: Option<Disposition>,
}

/// One file of an instance, as Complete, Delete and BatchGet name it.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub instance_id: String,
    pub file_id: String,
    pub associated_resource_arn: String,
}

/// What GetAttachedFile answers: the record, and a download URL when the file is approved.
#[derive(Debug, Clone)]
pub struct AttachedFile {
    pub record: FileRecord,
    pub download: Option<DownloadUrl>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadUrl {
    pub url: String,
    pub expires_at: OffsetDateTime,
}

/// What BatchGetAttachedFileMetadata answers: the files found, the ids of those that were not
/// (unknown, of another instance or resource, deleted), and of those whose lookup failed, with the
/// cause (for the log), each in the order asked.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub files: Vec<FileRecord>,
    pub not_found: Vec<String>,
    pub failed: Vec<(String, String)>,
}

/// Why an operation failed, in the terms of the API's errors.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Unknown file, a file of another instance, or of another resource: one answer for all three,
    /// so that a caller learns nothing about files it may not see.
    #[error("the attached file was not found")]
    NotFound,
    #[error("{message}")]
    InvalidRequest { message: String, reason: Option<InvalidFile> },
    /// A ClientToken reused with other parameters.
    #[error("{0}")]
    Conflict(String),
    #[error("the instance's quota would be exceeded: {0:?}")]
    QuotaExceeded(QuotaExceeded),
    /// Storage failed; the cause is for the log, never for the caller.
    #[error("{0}")]
    Internal(String),
}

/// Why a file was refused, as the model's `AttachedFileInvalidRequestExceptionReason` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidFile {
    Size,
    /// Its name's extension is not allowed.
    Type,
}

impl FileError {
    fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidRequest { message: message.into(), reason: None }
    }
}

impl From<StoreError> for FileError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<ObjectError> for FileError {
    fn from(e: ObjectError) -> Self {
        Self::Internal(e.to_string())
    }
}

/// How the scan step gives its verdict on a completed upload.
#[derive(Debug, Clone, Default)]
pub enum Scan {
    /// Every completed upload is approved at once.
    #[default]
    ApproveAll,
    /// A program judges the bytes, off the request path: completed uploads wait in PROCESSING
    /// until [`AttachedFiles::scan_pending`] has run it.
    Command(PathBuf),
}

/// The attached files of every instance: metadata, bytes and URLs.
#[derive(Clone)]
pub struct AttachedFiles {
    metadata: Arc<dyn MetadataStore>,
    objects: ObjectStore,
    presigner: Arc<dyn Presigner>,
    quota: Quota,
    /// The limits of every scope that has no configuration of its own.
    default_limits: ScopeLimits,
    scan: Scan,
    /// Woken when an upload is completed, so that the scanner need not poll for it.
    scans_waiting: Arc<tokio::sync::Notify>,
}

/// Quotas an instance has unless configured otherwise.
pub const DEFAULT_QUOTA: Quota = Quota { max_files: 1_000_000, max_bytes: 1 << 40 };

impl AttachedFiles {
    pub fn new(metadata: Arc<dyn MetadataStore>, objects: ObjectStore, presigner: Arc<dyn Presigner>) -> Self {
        let scans_waiting = Arc::default();
        let (quota, default_limits, scan) = (DEFAULT_QUOTA, ScopeLimits::default(), Scan::ApproveAll);
        Self { metadata, objects, presigner, quota, default_limits, scan, scans_waiting }
    }

    pub fn with_default_limits(self, default_limits: ScopeLimits) -> Self {
        Self { default_limits, ..self }
    }

    pub fn with_quota(self, quota: Quota) -> Self {
        Self { quota, ..self }
    }

    pub fn with_scan(self, scan: Scan) -> Self {
        Self { scan, ..self }
    }

    /// StartAttachedFileUpload: reserves a new file and answers a pre-signed URL for its bytes.
    /// A request with the ClientToken of an earlier one answers that file again, with the same
    /// URL, if it asks for the same file, and is refused if it does not.
    pub async fn start(&self, request: StartRequest) -> Result<StartedUpload, FileError> {
        check_arn(&request.associated_resource_arn)?;
        if let Some(CreatedBy::AwsIdentityArn(_)) = request.created_by {
            return Err(FileError::invalid(
                "CreatedBy.AWSIdentityArn is set by the service; callers may set ConnectUserArn",
            ));
        }
        if let Some(created_by) = &request.created_by {
            check_arn(created_by.arn())?;
        }
        let scope = AttachmentScope::of_resource(&request.associated_resource_arn);
        let limits = self.configuration(&request.instance_id, scope).await?.limits;
        check_limits(&request, scope, &limits)?;
        let file_id = uuid::Uuid::new_v4().to_string();
        let record = FileRecord {
            file_arn: file_arn(&request.associated_resource_arn, &request.instance_id, &file_id),
            object: self.objects.location(format!("{}/{file_id}", request.instance_id)),
            instance_id: request.instance_id,
            file_id,
            file_name: request.file_name,
            file_size_in_bytes: request.file_size_in_bytes,
            file_status: FileStatus::Processing,
            file_use_case_type: Some(request.file_use_case_type),
            created_by: request.created_by.or(request.caller_identity_arn.map(CreatedBy::AwsIdentityArn)),
            creation_time: now_millis(),
            associated_resource_arn: request.associated_resource_arn,
            tags: request.tags,
            client_token: request.client_token,
            upload_url_expiry_in_seconds: Some(request.url_expiry_in_seconds.unwrap_or(DEFAULT_URL_EXPIRY_SECONDS)),
            phase: Phase::Uploading,
        };
        let record = match self.metadata.insert(&record, self.quota).await? {
            Inserted::New => record,
            Inserted::Existing(earlier) if earlier.phase != Phase::Deleting && same_start(&earlier, &record) => {
                *earlier
            }
            Inserted::Existing(_) => {
                return Err(FileError::Conflict(
                    "this ClientToken was used by an earlier StartAttachedFileUpload with other parameters".into(),
                ));
            }
            Inserted::Refused(quota) => return Err(FileError::QuotaExceeded(quota)),
        };
        let upload = self.upload_url(&record).await?;
        Ok(StartedUpload { record, upload })
    }

    /// DescribeAttachedFilesConfiguration: the configuration in effect for `scope` of the instance.
    pub async fn configuration(&self, instance_id: &str, scope: AttachmentScope) -> Result<Configuration, FileError> {
        let stored = self.metadata.configuration(instance_id, scope).await?;
        Ok(Configuration::effective(instance_id, scope, stored, &self.default_limits))
    }

    /// ListAttachedFilesConfigurations: the configuration in effect for each scope, in
    /// [`AttachmentScope::ALL`]'s order.
    pub async fn configurations(&self, instance_id: &str) -> Result<Vec<Configuration>, FileError> {
        let mut stored = self.metadata.configurations(instance_id).await?;
        Ok(AttachmentScope::ALL
            .into_iter()
            .map(|scope| {
                let own = stored.iter().position(|stored| stored.scope == scope).map(|at| stored.swap_remove(at));
                Configuration::effective(instance_id, scope, own, &self.default_limits)
            })
            .collect())
    }

    /// UpdateAttachedFilesConfiguration: changes what `update` names of the scope's configuration
    /// and answers the configuration then in effect. Files already started keep the limits they
    /// were started under.
    pub async fn update_configuration(
        &self,
        instance_id: &str,
        scope: AttachmentScope,
        update: &ConfigurationUpdate,
    ) -> Result<Configuration, FileError> {
        let stored = self.metadata.update_configuration(instance_id, scope, update, now_millis()).await?;
        Ok(Configuration::effective(instance_id, scope, Some(stored), &self.default_limits))
    }

    /// The upload URL of `record`: signed at the whole second of its creation, so that it is the
    /// same each time it is made.
    async fn upload_url(&self, record: &FileRecord) -> Result<UploadUrl, FileError> {
        let lifetime = Duration::from_secs(record.upload_url_expiry_in_seconds.unwrap_or(DEFAULT_URL_EXPIRY_SECONDS));
        let signed_at = record.creation_time.replace_nanosecond(0).expect("0 is a valid nanosecond");
        let size = record.file_size_in_bytes;
        let url = self.presigner.presign_put(&record.object, lifetime, size, signed_at.into()).await?;
        let headers = BTreeMap::from([("Content-Length".to_owned(), size.to_string())]);
        Ok(UploadUrl { url, expires_at: signed_at + lifetime, headers })
    }

    /// CompleteAttachedFileUpload: checks that the bytes are stored with the declared size and
    /// hands the file to the scan. Completing a completed file changes nothing.
    pub async fn complete(&self, file: &FileRef) -> Result<(), FileError> {
        let record = self.visible_file(file).await?;
        if record.phase != Phase::Uploading {
            return Ok(());
        }
        match self.objects.size(&record.object).await? {
            Some(size) if size == record.file_size_in_bytes => {}
            Some(size) => {
                return Err(FileError::InvalidRequest {
                    message: format!(
                        "the uploaded file has {size} bytes, not the {} that StartAttachedFileUpload declared",
                        record.file_size_in_bytes
                    ),
                    reason: Some(InvalidFile::Size),
                });
            }
            None => return Err(FileError::invalid("the file's bytes have not been uploaded to the upload URL")),
        }
        let (phase, status) = match self.scan {
            Scan::ApproveAll => (Phase::Complete, FileStatus::Approved),
            Scan::Command(_) => (Phase::Scanning, FileStatus::Processing),
        };
        if self.metadata.advance(&file.instance_id, &file.file_id, &[Phase::Uploading], phase, Some(status)).await? {
            self.scans_waiting.notify_one();
            return Ok(());
        }
        // Another call moved it first: completed (fine) or deleted (gone).
        self.visible_file(file).await.map(|_| ())
    }

    /// GetAttachedFile: the file's metadata and, for an approved file, a pre-signed download URL.
    pub async fn get(&self, request: &GetRequest) -> Result<AttachedFile, FileError> {
        let lifetime = request.url_expiry_in_seconds.unwrap_or(DEFAULT_URL_EXPIRY_SECONDS);
        let record = self.visible(&request.instance_id, &request.file_id, &request.associated_resource_arn).await?;
        if record.reported_status() != FileStatus::Approved {
            return Ok(AttachedFile { record, download: None });
        }
        // No look at the object store: a file is complete only once its bytes are durably
        // stored, and its bytes are deleted only after its record is marked as being deleted,
        // which hides it. A HEAD here would cost a round trip to the store on every call and
        // still prove nothing about the download a moment later.
        let disposition = request.disposition.map(|d| content_disposition(d, &record.file_name));
        let signed =
            self.presigner.presign_get(&record.object, Duration::from_secs(lifetime), disposition.as_deref()).await?;
        let expires_at = OffsetDateTime::from(signed.signed_at) + Duration::from_secs(lifetime);
        Ok(AttachedFile { record, download: Some(DownloadUrl { url: signed.url, expires_at }) })
    }

    /// BatchGetAttachedFileMetadata: the metadata of each file found, and the ids of the others.
    pub async fn batch_get(
        &self,
        instance_id: &str,
        associated_resource_arn: &str,
        file_ids: Vec<String>,
    ) -> Result<Batch, FileError> {
        check_arn(associated_resource_arn)?;
        let mut batch = Batch::default();
        for file_id in file_ids {
            match self.metadata.get(instance_id, &file_id).await {
                Ok(Some(record)) if is_visible(&record, associated_resource_arn) => batch.files.push(record),
                Ok(_) => batch.not_found.push(file_id),
                Err(e) => batch.failed.push((file_id, e.to_string())),
            }
        }
        Ok(batch)
    }

    /// DeleteAttachedFile: hides the file at once, then removes its bytes and its record. While
    /// its upload URL still works, a PUT through it could bring the bytes back: the record then
    /// stays, hidden, until [`AttachedFiles::sweep`] removes the bytes again and the record after
    /// the URL's expiry. The sweep also finishes what an interrupted delete left.
    pub async fn delete(&self, file: &FileRef) -> Result<(), FileError> {
        let record = self.visible_file(file).await?;
        let from = [Phase::Uploading, Phase::Scanning, Phase::Complete];
        if !self.metadata.advance(&file.instance_id, &file.file_id, &from, Phase::Deleting, None).await? {
            return Err(FileError::NotFound); // deleted by another call meanwhile
        }
        // The deletion is committed: what is left is cleaning up, which the sweep retries.
        let removed = match upload_closed(&record, OffsetDateTime::now_utc()) {
            true => self.remove(&record).await,
            false => self.objects.delete(&record.object).await.map_err(FileError::from),
        };
        if let Err(e) = removed {
            tracing::warn!(file_id = %record.file_id, cause = %e, "deleted file left for the sweep");
        }
        Ok(())
    }

    /// Removes the bytes of a file being deleted, then its record.
    async fn remove(&self, record: &FileRecord) -> Result<(), FileError> {
        self.objects.delete(&record.object).await?;
        self.metadata.remove(&record.instance_id, &record.file_id).await?;
        Ok(())
    }

    /// The record of a file if a caller naming `associated_resource_arn` may see it.
    async fn visible(
        &self,
        instance_id: &str,
        file_id: &str,
        associated_resource_arn: &str,
    ) -> Result<FileRecord, FileError> {
        check_arn(associated_resource_arn)?;
        self.metadata
            .get(instance_id, file_id)
            .await?
            .filter(|record| is_visible(record, associated_resource_arn))
            .ok_or(FileError::NotFound)
    }

    async fn visible_file(&self, file: &FileRef) -> Result<FileRecord, FileError> {
        self.visible(&file.instance_id, &file.file_id, &file.associated_resource_arn).await
    }

    /// Finishes what deletes left, and deletes uploads that were started but not completed
    /// within `abandoned_after` of their start. Returns how many files went.
    pub async fn sweep(&self, abandoned_after: Duration) -> Result<usize, FileError> {
        self.sweep_at(abandoned_after, OffsetDateTime::now_utc()).await
    }

    /// [`AttachedFiles::sweep`] as if the time were `now`.
    pub async fn sweep_at(&self, abandoned_after: Duration, now: OffsetDateTime) -> Result<usize, FileError> {
        let mut uploading = PhaseWalk::new(Phase::Uploading);
        while let Some(page) = uploading.next(&*self.metadata).await? {
            for record in page.iter().filter(|record| record.creation_time + abandoned_after < now) {
                let (instance, file) = (&record.instance_id, &record.file_id);
                self.metadata.advance(instance, file, &[Phase::Uploading], Phase::Deleting, None).await?;
            }
        }
        let mut removed = 0;
        let mut deleting = PhaseWalk::new(Phase::Deleting);
        while let Some(page) = deleting.next(&*self.metadata).await? {
            for record in page.iter().filter(|record| upload_closed(record, now)) {
                self.remove(record).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Runs the scan command on every completed upload that is due, then waits for the next,
    /// forever: the scanner of `serve`. Uploads completed by another process are found every
    /// `poll` at the latest.
    pub async fn scan_forever(&self, poll: Duration) {
        loop {
            if let Err(e) = self.scan_pending().await {
                tracing::error!(cause = %e, "scanning uploads failed; retrying");
            }
            let _ = tokio::time::timeout(poll, self.scans_waiting.notified()).await;
        }
    }

    /// Runs the scan command on every completed upload whose upload URL no longer works (before
    /// that, a PUT could still change the bytes after the verdict), recording each verdict.
    /// Returns how many were scanned.
    pub async fn scan_pending(&self) -> Result<usize, FileError> {
        if matches!(self.scan, Scan::ApproveAll) {
            return Ok(0);
        }
        let now = OffsetDateTime::now_utc();
        let mut scanned = 0;
        let mut scanning = PhaseWalk::new(Phase::Scanning);
        while let Some(page) = scanning.next(&*self.metadata).await? {
            for record in page.iter().filter(|record| upload_closed(record, now)) {
                self.scan_one(record).await?;
                scanned += 1;
            }
        }
        Ok(scanned)
    }

    /// Runs the scan command on `record`'s bytes and records its verdict.
    async fn scan_one(&self, record: &FileRecord) -> Result<(), FileError> {
        let Scan::Command(command) = &self.scan else { return Ok(()) };
        let verdict = self.run_scan(command, record).await?;
        tracing::info!(file_id = %record.file_id, %verdict, "scanned");
        let (instance, file) = (&record.instance_id, &record.file_id);
        self.metadata.advance(instance, file, &[Phase::Scanning], Phase::Complete, Some(verdict)).await?;
        Ok(())
    }

    /// The verdict of `command` on the bytes of `record`: exit status 0 approves, 1 rejects, and
    /// anything else (another status, a signal, a command that cannot start) fails the file.
    async fn run_scan(&self, command: &Path, record: &FileRecord) -> Result<FileStatus, FileError> {
        let dir = tempfile::tempdir().map_err(|e| FileError::Internal(format!("scan directory: {e}")))?;
        let path = dir.path().join("file");
        self.objects.download(&record.object, &path).await?;
        let status = tokio::process::Command::new(command).arg(&path).kill_on_drop(true).status().await;
        Ok(match status {
            Ok(status) if status.code() == Some(0) => FileStatus::Approved,
            Ok(status) if status.code() == Some(1) => FileStatus::Rejected,
            Ok(status) => {
                tracing::warn!(file_id = %record.file_id, %status, "the scan command failed");
                FileStatus::Failed
            }
            Err(e) => {
                tracing::warn!(file_id = %record.file_id, cause = %e, command = %command.display(), "the scan command could not start");
                FileStatus::Failed
            }
        })
    }

    /// The operator's way in: stores the file at `path` through the API's own path (Start, the
    /// PUT of its bytes, Complete), then records `status` as the verdict if one is given.
    pub async fn ingest(
        &self,
        mut request: StartRequest,
        path: &Path,
        status: Option<FileStatus>,
    ) -> Result<FileRecord, FileError> {
        let local = tokio::fs::metadata(path)
            .await
            .map_err(|e| FileError::invalid(format!("cannot read {}: {e}", path.display())))?;
        if local.len() == 0 {
            return Err(FileError::invalid("the file is empty: FileSizeInBytes must be at least 1"));
        }
        request.file_size_in_bytes = local.len();
        let started = self.start(request).await?;
        let file = FileRef {
            instance_id: started.record.instance_id.clone(),
            file_id: started.record.file_id.clone(),
            associated_resource_arn: started.record.associated_resource_arn.clone(),
        };
        self.objects.put_file(&started.record.object, path).await?;
        self.complete(&file).await?;
        match status {
            Some(status) => _ = self.set_status(&file.instance_id, &file.file_id, status).await?,
            // The upload URL was never handed out, so the bytes are final: scanned at once.
            None => self.scan_one(&started.record).await?,
        }
        self.visible_file(&file).await
    }

    /// Records the attachment scan's verdict for a completed upload.
    pub async fn set_status(
        &self,
        instance_id: &str,
        file_id: &str,
        status: FileStatus,
    ) -> Result<FileRecord, FileError> {
        let from = [Phase::Scanning, Phase::Complete];
        if !self.metadata.advance(instance_id, file_id, &from, Phase::Complete, Some(status)).await? {
            return Err(FileError::NotFound);
        }
        self.metadata.get(instance_id, file_id).await?.ok_or(FileError::NotFound)
    }

    /// Every file of the instance that callers can see, oldest first.
    pub async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, FileError> {
        let mut records = self.metadata.list(instance_id).await?;
        records.retain(|record| record.phase != Phase::Deleting);
        Ok(records)
    }
}

/// How long after a presigned URL's expiry the store may still accept it: clocks differ.
const CLOCK_MARGIN: Duration = Duration::from_secs(5);

/// Whether `record`'s upload URL no longer works, so that its bytes cannot change any more.
fn upload_closed(record: &FileRecord, now: OffsetDateTime) -> bool {
    let lifetime = Duration::from_secs(record.upload_url_expiry_in_seconds.unwrap_or(0));
    record.creation_time + lifetime + CLOCK_MARGIN <= now
}

/// Refuses a file that its scope's limits do not allow, naming the limit.
fn check_limits(request: &StartRequest, scope: AttachmentScope, limits: &ScopeLimits) -> Result<(), FileError> {
    let scope = scope.as_str();
    if request.file_size_in_bytes > limits.max_size_bytes {
        return Err(FileError::InvalidRequest {
            message: format!(
                "the file has {} bytes, more than the {} bytes that attached files of scope {scope} of this \
                 instance may have",
                request.file_size_in_bytes, limits.max_size_bytes
            ),
            reason: Some(InvalidFile::Size),
        });
    }
    if !limits.allows_name(&request.file_name) {
        return Err(FileError::InvalidRequest {
            message: format!(
                "the file name's extension is not one that attached files of scope {scope} of this instance may \
                 have: {}",
                limits.allowed_extensions.join(", ")
            ),
            reason: Some(InvalidFile::Type),
        });
    }
    Ok(())
}

fn check_arn(arn: &str) -> Result<(), FileError> {
    if is_valid_arn(arn) { Ok(()) } else { Err(FileError::invalid("AssociatedResourceArn must be a valid ARN")) }
}

/// Whether a caller naming `associated_resource_arn` may see `record`.
fn is_visible(record: &FileRecord, associated_resource_arn: &str) -> bool {
    record.phase != Phase::Deleting && record.associated_resource_arn == associated_resource_arn
}

/// Whether `new` asks for the file that `earlier` is, as a retry of its Start would: the same
/// parameters (the ids, the time and the place of the bytes are the service's own).
fn same_start(earlier: &FileRecord, new: &FileRecord) -> bool {
    earlier.file_name == new.file_name
        && earlier.file_size_in_bytes == new.file_size_in_bytes
        && earlier.upload_url_expiry_in_seconds == new.upload_url_expiry_in_seconds
        && earlier.file_use_case_type == new.file_use_case_type
        && earlier.associated_resource_arn == new.associated_resource_arn
        && earlier.created_by == new.created_by
        && earlier.tags == new.tags
}

/// The current time, truncated to the milliseconds the API shows, so that what is stored is
/// exactly what is reported.
fn now_millis() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_millisecond(now.millisecond()).expect("a millisecond of a valid time is valid")
}

/// `arn:{partition}:connect:{region}:{account}:instance/{instance}/file/{file}`: the file lives in
/// the partition, region and account of the resource it is attached to.
fn file_arn(associated_resource_arn: &str, instance_id: &str, file_id: &str) -> String {
    let parts: Vec<&str> = associated_resource_arn.splitn(6, ':').collect();
    let (partition, region, account) = (parts[1], parts[3], parts[4]);
    format!("arn:{partition}:connect:{region}:{account}:instance/{instance_id}/file/{file_id}")
}

/// An RFC 6266 header value: an ASCII fallback name for old clients and the exact UTF-8 name.
fn content_disposition(disposition: Disposition, file_name: &str) -> String {
    let kind = match disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    let fallback: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let exact = percent_encoding::utf8_percent_encode(file_name, RFC5987_ATTR_CHAR);
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{exact}")
}

/// Everything but RFC 5987's attr-char is percent-encoded.
const RFC5987_ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_names_the_file_safely() {
        assert_eq!(
            content_disposition(Disposition::Attachment, "report 1.pdf"),
            "attachment; filename=\"report 1.pdf\"; filename*=UTF-8''report%201.pdf"
        );
        assert_eq!(
            content_disposition(Disposition::Inline, "naïve \"q\".txt"),
            "inline; filename=\"na_ve _q_.txt\"; filename*=UTF-8''na%C3%AFve%20%22q%22.txt"
        );
    }

    #[test]
    fn file_arns_follow_the_resource_they_are_attached_to() {
        assert_eq!(
            file_arn("arn:aws:cases:us-west-2:111122223333:domain/d/case/c", "inst", "f1"),
            "arn:aws:connect:us-west-2:111122223333:instance/inst/file/f1"
        );
    }
}
