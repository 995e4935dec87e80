//! The attached-file operations, independent of the HTTP layer that exposes them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use time::OffsetDateTime;

use crate::metadata::{MetadataStore, StoreError};
use crate::objects::{ObjectError, ObjectStore, Presigner};
use crate::record::{CreatedBy, FileRecord, FileStatus, is_valid_arn};

/// The lifetime of a download URL when the caller does not choose one, and its bounds.
pub const DEFAULT_URL_EXPIRY_SECONDS: u64 = 300;
pub const URL_EXPIRY_SECONDS: std::ops::RangeInclusive<u64> = 5..=300;

/// The use cases a file may have: those of the model's `FileUseCaseType` (the API reference's),
/// so that GetAttachedFile can report every file it stores. AWS's newest model adds
/// EMAIL_MESSAGE, CONTACT_ANALYSIS and others; they join here when they join the model.
pub const FILE_USE_CASE_TYPES: &[&str] = &["ATTACHMENT"];

/// How a browser should treat a download, carried in the URL as its Content-Disposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Attachment,
    Inline,
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

/// Why GetAttachedFile failed, in the terms of the API's errors.
#[derive(Debug, thiserror::Error)]
pub enum GetError {
    /// Unknown file, a file of another instance, or of another resource: one answer for all three,
    /// so that a caller learns nothing about files it may not see.
    #[error("the attached file was not found")]
    NotFound,
    #[error("{0}")]
    InvalidRequest(String),
    /// Storage failed; the cause is for the log, never for the caller.
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for GetError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<ObjectError> for GetError {
    fn from(e: ObjectError) -> Self {
        Self::Internal(e.to_string())
    }
}

/// A file to add, as an operator describes it.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub instance_id: String,
    pub associated_resource_arn: String,
    pub file_name: String,
    pub file_use_case_type: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub created_by: Option<CreatedBy>,
    pub file_status: FileStatus,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error("no file {file_id} in instance {instance_id}")]
    NotFound { instance_id: String, file_id: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Object(#[from] ObjectError),
}

/// The attached files of every instance: metadata, bytes and download URLs.
#[derive(Clone)]
pub struct AttachedFiles {
    metadata: Arc<dyn MetadataStore>,
    objects: ObjectStore,
    presigner: Arc<dyn Presigner>,
}

impl AttachedFiles {
    pub fn new(metadata: Arc<dyn MetadataStore>, objects: ObjectStore, presigner: Arc<dyn Presigner>) -> Self {
        Self { metadata, objects, presigner }
    }

    /// GetAttachedFile: the file's metadata and, for an approved file, a pre-signed download URL.
    pub async fn get(&self, request: &GetRequest) -> Result<AttachedFile, GetError> {
        if !is_valid_arn(&request.associated_resource_arn) {
            return Err(GetError::InvalidRequest("AssociatedResourceArn must be a valid ARN".into()));
        }
        let lifetime = request.url_expiry_in_seconds.unwrap_or(DEFAULT_URL_EXPIRY_SECONDS);
        if !URL_EXPIRY_SECONDS.contains(&lifetime) {
            return Err(GetError::InvalidRequest("UrlExpiryInSeconds must be between 5 and 300".into()));
        }
        let record = self
            .metadata
            .get(&request.instance_id, &request.file_id)
            .await?
            .filter(|record| record.associated_resource_arn == request.associated_resource_arn)
            .ok_or(GetError::NotFound)?;
        if record.file_status != FileStatus::Approved {
            return Ok(AttachedFile { record, download: None });
        }
        // No look at the object store: a record exists only once its bytes are durably stored
        // (`ingest` stores them, reads their size back, and commits the record after), and
        // nothing deletes the bytes of a recorded file. A HEAD here would cost a round trip to
        // the store on every call and still prove nothing about the download a moment later.
        let disposition = request.disposition.map(|d| content_disposition(d, &record.file_name));
        let signed =
            self.presigner.presign_get(&record.object, Duration::from_secs(lifetime), disposition.as_deref()).await?;
        let expires_at = OffsetDateTime::from(signed.signed_at) + Duration::from_secs(lifetime);
        Ok(AttachedFile { record, download: Some(DownloadUrl { url: signed.url, expires_at }) })
    }

    /// Stores the bytes at `path` and records them as a new attached file.
    ///
    /// The bytes are stored first and the record written after, so a crash in between leaves
    /// at worst an unreferenced object, never a record whose bytes are missing. `get` relies on
    /// this: whatever removes files must remove the record first and the bytes after.
    pub async fn ingest(&self, new: NewFile, path: &Path) -> Result<FileRecord, AdminError> {
        check_new_file(&new)?;
        let empty = AdminError::Invalid("the file is empty: FileSizeInBytes must be at least 1".into());
        let local = tokio::fs::metadata(path)
            .await
            .map_err(|e| AdminError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        if local.len() == 0 {
            return Err(empty);
        }
        let file_id = uuid::Uuid::new_v4().to_string();
        let object = self.objects.put_file(&format!("{}/{file_id}", new.instance_id), path).await?;
        // Record the size of what was stored, not of what was read: the file may have changed since.
        let size = match self.objects.size(&object).await? {
            Some(size) if size > 0 => size,
            stored => {
                let _ = self.objects.delete(&object).await;
                return Err(if stored.is_some() { empty } else { ObjectError::missing(&object).into() });
            }
        };
        let record = FileRecord {
            file_arn: file_arn(&new.associated_resource_arn, &new.instance_id, &file_id),
            instance_id: new.instance_id,
            file_id,
            file_name: new.file_name,
            file_size_in_bytes: size,
            file_status: new.file_status,
            file_use_case_type: new.file_use_case_type,
            created_by: new.created_by,
            creation_time: now_millis(),
            associated_resource_arn: new.associated_resource_arn,
            tags: new.tags,
            object,
        };
        if let Err(e) = self.metadata.insert(&record).await {
            // Best effort: an orphan object is harmless, but it need not stay.
            let _ = self.objects.delete(&record.object).await;
            return Err(e.into());
        }
        Ok(record)
    }

    /// Records the attachment scan's verdict.
    pub async fn set_status(
        &self,
        instance_id: &str,
        file_id: &str,
        status: FileStatus,
    ) -> Result<FileRecord, AdminError> {
        let not_found = || AdminError::NotFound { instance_id: instance_id.into(), file_id: file_id.into() };
        if !self.metadata.set_status(instance_id, file_id, status).await? {
            return Err(not_found());
        }
        self.metadata.get(instance_id, file_id).await?.ok_or_else(not_found)
    }

    pub async fn list(&self, instance_id: &str) -> Result<Vec<FileRecord>, AdminError> {
        Ok(self.metadata.list(instance_id).await?)
    }
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

/// The model's constraints on what GetAttachedFile will later report about this file.
fn check_new_file(new: &NewFile) -> Result<(), AdminError> {
    static FILE_NAME: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"^\P{C}*$").unwrap());
    static TAG_KEY: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").unwrap());
    let invalid = |message: String| Err(AdminError::Invalid(message));
    let chars = |s: &str| s.chars().count();

    if !(1..=100).contains(&chars(&new.instance_id)) {
        return invalid("InstanceId must be 1 to 100 characters".into());
    }
    if !is_valid_arn(&new.associated_resource_arn) {
        return invalid(format!("AssociatedResourceArn {:?} is not a valid ARN", new.associated_resource_arn));
    }
    if !(1..=256).contains(&chars(&new.file_name)) || !FILE_NAME.is_match(&new.file_name) {
        return invalid("FileName must be 1 to 256 characters, none of them control characters".into());
    }
    if let Some(use_case) = &new.file_use_case_type
        && !FILE_USE_CASE_TYPES.contains(&use_case.as_str())
    {
        return invalid(format!("FileUseCaseType {use_case:?} is not one of {}", FILE_USE_CASE_TYPES.join(", ")));
    }
    if let Some(created_by) = &new.created_by
        && !is_valid_arn(created_by.arn())
    {
        return invalid(format!("CreatedBy {:?} is not a valid ARN", created_by.arn()));
    }
    if new.tags.len() > 50 {
        return invalid("at most 50 tags".into());
    }
    for (key, value) in &new.tags {
        if !(1..=128).contains(&chars(key)) || key.starts_with("aws:") || !TAG_KEY.is_match(key) {
            return invalid(format!(
                "tag key {key:?} must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with aws:"
            ));
        }
        if chars(value) > 256 {
            return invalid(format!("the value of tag {key:?} is longer than 256 characters"));
        }
    }
    Ok(())
}

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

    fn new_file() -> NewFile {
        NewFile {
            instance_id: "inst".into(),
            associated_resource_arn: "arn:aws:cases:us-west-2:111122223333:domain/d/case/c".into(),
            file_name: "a.txt".into(),
            file_use_case_type: Some("ATTACHMENT".into()),
            tags: BTreeMap::new(),
            created_by: None,
            file_status: FileStatus::Processing,
        }
    }

    #[test]
    fn new_files_are_checked_against_the_model() {
        assert!(check_new_file(&new_file()).is_ok());
        let broken: &[fn(&mut NewFile)] = &[
            |f| f.instance_id = String::new(),
            |f| f.instance_id = "x".repeat(101),
            |f| f.associated_resource_arn = "case-1".into(),
            |f| f.file_name = String::new(),
            |f| f.file_name = "é".repeat(257),
            |f| f.file_name = "a\u{7}b".into(),
            |f| f.file_use_case_type = Some("PHOTO".into()),
            |f| f.file_use_case_type = Some("EMAIL_MESSAGE".into()),
            |f| f.created_by = Some(CreatedBy::ConnectUserArn("bob".into())),
            |f| _ = f.tags.insert("aws:owner".into(), "x".into()),
            |f| _ = f.tags.insert(String::new(), "x".into()),
            |f| _ = f.tags.insert("k!".into(), "x".into()),
            |f| _ = f.tags.insert("k".into(), "v".repeat(257)),
            |f| f.tags = (0..51).map(|i| (format!("k{i}"), String::new())).collect(),
        ];
        for (i, breaks) in broken.iter().enumerate() {
            let mut file = new_file();
            breaks(&mut file);
            assert!(matches!(check_new_file(&file), Err(AdminError::Invalid(_))), "case {i} passed");
        }
        let mut edge = new_file();
        edge.instance_id = "x".repeat(100);
        edge.file_name = "é".repeat(256);
        edge.tags = (0..50).map(|i| (format!("ключ {i}:/=+-@_."), "v".repeat(256))).collect();
        assert!(check_new_file(&edge).is_ok());
    }
}
