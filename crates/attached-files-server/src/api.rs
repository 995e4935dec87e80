//! The GetAttachedFile handler on the generated server SDK, and the one place where the domain's
//! answers become the API's: its output, and its modeled errors.

use std::collections::HashMap;
use std::sync::Arc;

use attached_files::record::format_iso_millis;
use attached_files::{AttachedFile, AttachedFiles, CreatedBy, Disposition, FileStatus, GetError, GetRequest};
use attached_files_server_sdk::error::{
    GetAttachedFileError, InternalServiceException, InvalidRequestException, ResourceNotFoundException,
};
use attached_files_server_sdk::input::GetAttachedFileInput;
use attached_files_server_sdk::model::{
    ContentDisposition, CreatedByInfo, DownloadUrlMetadata, FileId, FileStatusType, FileUseCaseType,
};
use attached_files_server_sdk::output::GetAttachedFileOutput;
use attached_files_server_sdk::server::Extension;

use crate::operating::RequestId;

/// GetAttachedFile: the file's metadata and, for an approved file, a pre-signed download URL.
///
/// The SDK has already checked every constraint of the model; the domain checks the rest (the
/// ARN's shape) and looks the file up.
pub async fn get_attached_file(
    input: GetAttachedFileInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
) -> Result<GetAttachedFileOutput, GetAttachedFileError> {
    let request = GetRequest {
        instance_id: input.instance_id().as_str().to_owned(),
        file_id: input.file_id().as_str().to_owned(),
        associated_resource_arn: input.associated_resource_arn().to_owned(),
        url_expiry_in_seconds: input.url_expiry_in_seconds().and_then(|seconds| u64::try_from(*seconds.inner()).ok()),
        disposition: input.url_content_disposition().map(|disposition| match disposition {
            ContentDisposition::Attachment => Disposition::Attachment,
            ContentDisposition::Inline => Disposition::Inline,
        }),
    };
    let file = files.get(&request).await.map_err(|e| match e {
        GetError::NotFound => not_found(),
        GetError::InvalidRequest(message) => invalid_request(message),
        GetError::Internal(cause) => internal_error(&cause, request_id),
    })?;
    output(file).map_err(|e| match e {
        OutputError::UrlTooLong(length) if request.disposition.is_some() => invalid_request(format!(
            "the download URL with this urlContentDisposition would be {length} characters, more than the \
             2000 a URL may have: ask without urlContentDisposition"
        )),
        e => internal_error(&e.to_string(), request_id),
    })
}

fn not_found() -> GetAttachedFileError {
    let message = "The attached file was not found".to_owned();
    ResourceNotFoundException::builder().message(Some(message)).build().into()
}

fn invalid_request(message: String) -> GetAttachedFileError {
    InvalidRequestException::builder().message(Some(message)).build().into()
}

/// Logs the cause with the request id, and answers without it.
fn internal_error(cause: &str, request_id: RequestId) -> GetAttachedFileError {
    tracing::error!(%request_id, %cause, "GetAttachedFile failed");
    let message = "The service could not handle the request; retry later".to_owned();
    InternalServiceException::builder().message(Some(message)).build().into()
}

/// Why a stored file cannot be reported as the model's output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("the download URL has {0} characters; the model allows 2000")]
    UrlTooLong(usize),
    #[error("the stored record breaks the model: {0}")]
    Record(String),
}

/// The longest download URL the model allows (`MetadataUrl`'s `@length`). The SDK does not check
/// outputs (as smithy-rs, it constrains only what it reads), so the answer keeps the contract here.
const MAX_URL_LENGTH: usize = 2000;

/// The API's answer for `file`, member for member.
pub fn output(file: AttachedFile) -> Result<GetAttachedFileOutput, OutputError> {
    let record = file.record;
    let broken = |member: &str, e: &dyn std::fmt::Display| OutputError::Record(format!("{member}: {e}"));
    let download_url_metadata = match file.download {
        Some(download) => {
            let length = download.url.chars().count();
            if length > MAX_URL_LENGTH {
                return Err(OutputError::UrlTooLong(length));
            }
            Some(
                DownloadUrlMetadata::builder()
                    .url(Some(download.url))
                    .url_expiry(Some(format_iso_millis(download.expires_at)))
                    .build(),
            )
        }
        None => None,
    };
    let file_use_case_type = match &record.file_use_case_type {
        Some(use_case) => {
            Some(FileUseCaseType::try_from(use_case.as_str()).map_err(|e| broken("FileUseCaseType", &e))?)
        }
        None => None,
    };
    // The model wants no Tags member rather than an empty map.
    let tags = (!record.tags.is_empty()).then(|| record.tags.into_iter().collect::<HashMap<_, _>>());
    let size = i64::try_from(record.file_size_in_bytes).map_err(|e| broken("FileSizeInBytes", &e))?;
    GetAttachedFileOutput::builder()
        .file_arn(Some(record.file_arn))
        .file_id(Some(FileId::try_from(record.file_id).map_err(|e| broken("FileId", &e))?))
        .creation_time(Some(format_iso_millis(record.creation_time)))
        .file_status(Some(match record.file_status {
            FileStatus::Approved => FileStatusType::Approved,
            FileStatus::Rejected => FileStatusType::Rejected,
            FileStatus::Processing => FileStatusType::Processing,
            FileStatus::Failed => FileStatusType::Failed,
        }))
        .file_name(Some(record.file_name))
        .file_size_in_bytes(size)
        .associated_resource_arn(Some(record.associated_resource_arn))
        .file_use_case_type(file_use_case_type)
        .created_by(record.created_by.map(|created_by| match created_by {
            CreatedBy::ConnectUserArn(arn) => CreatedByInfo::ConnectUserArn(arn),
            CreatedBy::AwsIdentityArn(arn) => CreatedByInfo::AwsIdentityArn(arn),
        }))
        .download_url_metadata(download_url_metadata)
        .tags(tags)
        .build()
        .map_err(|e| broken("GetAttachedFileOutput", &e))
}
