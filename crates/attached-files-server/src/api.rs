//! The handlers of the eight operations on the generated server SDK, and the one place where the
//! API's inputs become the domain's requests and the domain's answers become the API's outputs
//! and modeled errors.
//!
//! The SDK has already checked every constraint of the model and the caller's signature; each
//! handler first checks that the caller's key may call it on the instance (AccessDeniedException),
//! then the domain checks the rest (ARNs, who may be named as creator) and does the work.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use attached_files::record::format_iso_millis;
use attached_files::{
    AttachedFile, AttachedFiles, AttachmentScope, Configuration, ConfigurationUpdate, CreatedBy, Disposition,
    FileError, FileRecord, FileRef, FileStatus, GetRequest, InvalidFile, QuotaExceeded, StartRequest, StartedUpload,
};
use attached_files_server_sdk::error::{
    BatchGetAttachedFileMetadataError, CompleteAttachedFileUploadError, DeleteAttachedFileError,
    DescribeAttachedFilesConfigurationError, GetAttachedFileError, InternalServiceException, InvalidParameterException,
    InvalidRequestException, ListAttachedFilesConfigurationsError, ResourceConflictException,
    ResourceNotFoundException, ServiceQuotaExceededException, StartAttachedFileUploadError,
    UpdateAttachedFilesConfigurationError,
};
use attached_files_server_sdk::input::{
    BatchGetAttachedFileMetadataInput, CompleteAttachedFileUploadInput, DeleteAttachedFileInput,
    DescribeAttachedFilesConfigurationInput, GetAttachedFileInput, ListAttachedFilesConfigurationsInput,
    StartAttachedFileUploadInput, UpdateAttachedFilesConfigurationInput,
};
use attached_files_server_sdk::model::{
    self, AllowedExtension, AttachedFileInvalidRequestExceptionReason, AttachedFileServiceQuotaExceededExceptionReason,
    AttachedFilesConfigurationSummary, ContentDisposition, CreatedByInfo, DownloadUrlMetadata, ExtensionConfiguration,
    FileExtension, FileId, FileName, FileSizeInBytes, FileStatusType, FileUseCaseType, InvalidRequestExceptionReason,
    MaximumSizeLimitInBytes, MetadataUrl, ServiceQuotaExceededExceptionReason, TagKey, TagMap, TagValue,
    UploadUrlMetadata, UrlMetadataSignedHeadersKey, UrlMetadataSignedHeadersValue,
};
use attached_files_server_sdk::operation_shape::{
    BatchGetAttachedFileMetadata, CompleteAttachedFileUpload, DeleteAttachedFile, DescribeAttachedFilesConfiguration,
    GetAttachedFile, ListAttachedFilesConfigurations, StartAttachedFileUpload, UpdateAttachedFilesConfiguration,
};
use attached_files_server_sdk::output::{
    BatchGetAttachedFileMetadataOutput, CompleteAttachedFileUploadOutput, DeleteAttachedFileOutput,
    DescribeAttachedFilesConfigurationOutput, GetAttachedFileOutput, ListAttachedFilesConfigurationsOutput,
    StartAttachedFileUploadOutput, UpdateAttachedFilesConfigurationOutput,
};
use attached_files_server_sdk::server::Extension;
use attached_files_server_sdk::server::operation::OperationShape;
use attached_files_server_sdk::types::DateTime;

use crate::access::Caller;
use crate::operating::RequestId;

/// The operations' names, as access keys list them: the model's.
pub fn operation_names() -> [&'static str; 8] {
    [
        StartAttachedFileUpload::ID.name(),
        CompleteAttachedFileUpload::ID.name(),
        GetAttachedFile::ID.name(),
        BatchGetAttachedFileMetadata::ID.name(),
        DeleteAttachedFile::ID.name(),
        DescribeAttachedFilesConfiguration::ID.name(),
        ListAttachedFilesConfigurations::ID.name(),
        UpdateAttachedFilesConfiguration::ID.name(),
    ]
}

/// The message of every ResourceNotFoundException, and of BatchGet's per-file errors.
const NOT_FOUND: &str = "The attached file was not found";

/// BatchGetAttachedFileMetadata's `ErrorCode`s: HTTP statuses, as the API reference's "status code
/// describing the failure" suggests.
pub const ERROR_CODE_NOT_FOUND: &str = "404";
pub const ERROR_CODE_INTERNAL: &str = "500";

/// StartAttachedFileUpload: reserves a file and answers where to PUT its bytes.
pub async fn start_attached_file_upload(
    input: StartAttachedFileUploadInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<StartAttachedFileUploadOutput, StartAttachedFileUploadError> {
    caller.authorize::<StartAttachedFileUpload>(input.instance_id.as_str())?;
    let request = StartRequest { caller_identity_arn: caller.identity_arn(), ..start_request(input) };
    let started = files.start(request).await.map_err(|e| -> StartAttachedFileUploadError {
        match e {
            FileError::Conflict(message) => ResourceConflictException { message: Some(message) }.into(),
            FileError::QuotaExceeded(quota) => quota_exceeded(quota).into(),
            FileError::InvalidRequest { message, reason } => invalid_file(message, reason).into(),
            e => internal_error(&e, "StartAttachedFileUpload", request_id),
        }
    })?;
    start_output(started).map_err(|e| internal_error(&e, "StartAttachedFileUpload", request_id))
}

/// CompleteAttachedFileUpload: confirms the upload and hands the file to the scan.
pub async fn complete_attached_file_upload(
    input: CompleteAttachedFileUploadInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<CompleteAttachedFileUploadOutput, CompleteAttachedFileUploadError> {
    caller.authorize::<CompleteAttachedFileUpload>(input.instance_id.as_str())?;
    let file = file_ref(input.instance_id, input.file_id, input.associated_resource_arn);
    files
        .complete(&file)
        .await
        .map_err(|e| common_error::<CompleteAttachedFileUploadError>(e, "CompleteAttachedFileUpload", request_id))?;
    Ok(CompleteAttachedFileUploadOutput {})
}

/// GetAttachedFile: the file's metadata and, for an approved file, a pre-signed download URL.
pub async fn get_attached_file(
    input: GetAttachedFileInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<GetAttachedFileOutput, GetAttachedFileError> {
    caller.authorize::<GetAttachedFile>(input.instance_id.as_str())?;
    let request = get_request(input);
    let file = files
        .get(&request)
        .await
        .map_err(|e| common_error::<GetAttachedFileError>(e, "GetAttachedFile", request_id))?;
    get_output(file).map_err(|e| match e {
        OutputError::UrlLength(length) if request.disposition.is_some() => invalid_request(format!(
            "the download URL with this urlContentDisposition would be {length} characters, more than the \
             2000 a URL may have: ask without urlContentDisposition"
        ))
        .into(),
        e => internal_error(&e, "GetAttachedFile", request_id),
    })
}

/// BatchGetAttachedFileMetadata: the metadata of each file found; the others in `Errors`.
pub async fn batch_get_attached_file_metadata(
    input: BatchGetAttachedFileMetadataInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<BatchGetAttachedFileMetadataOutput, BatchGetAttachedFileMetadataError> {
    caller.authorize::<BatchGetAttachedFileMetadata>(input.instance_id.as_str())?;
    let file_ids = input.file_ids.into_inner().into_iter().map(FileId::into_inner).collect();
    let instance_id = input.instance_id.into_inner();
    let batch = files.batch_get(&instance_id, &input.associated_resource_arn, file_ids).await.map_err(|e| {
        common_error::<BatchGetAttachedFileMetadataError>(e, "BatchGetAttachedFileMetadata", request_id)
    })?;
    let error = |file_id: String, code: &str, message: &str| model::AttachedFileError {
        error_code: Some(code.to_owned()),
        error_message: Some(message.to_owned()),
        file_id: FileId::try_from(file_id).ok(),
    };
    let mut errors: Vec<_> =
        batch.not_found.into_iter().map(|file_id| error(file_id, ERROR_CODE_NOT_FOUND, NOT_FOUND)).collect();
    let mut failed = batch.failed;
    let mut found = Vec::with_capacity(batch.files.len());
    for record in batch.files {
        let file_id = record.file_id.clone();
        match attached_file(record) {
            Ok(file) => found.push(file),
            Err(e) => failed.push((file_id, e.to_string())),
        }
    }
    for (file_id, cause) in failed {
        tracing::error!(%request_id, %file_id, %cause, "BatchGetAttachedFileMetadata: a file failed");
        errors.push(error(file_id, ERROR_CODE_INTERNAL, "The service could not read this file"));
    }
    Ok(BatchGetAttachedFileMetadataOutput { files: Some(found), errors: Some(errors) })
}

/// DeleteAttachedFile: the file is gone for every later call.
pub async fn delete_attached_file(
    input: DeleteAttachedFileInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<DeleteAttachedFileOutput, DeleteAttachedFileError> {
    caller.authorize::<DeleteAttachedFile>(input.instance_id.as_str())?;
    let file = file_ref(input.instance_id, input.file_id, input.associated_resource_arn);
    files
        .delete(&file)
        .await
        .map_err(|e| common_error::<DeleteAttachedFileError>(e, "DeleteAttachedFile", request_id))?;
    Ok(DeleteAttachedFileOutput {})
}

/// DescribeAttachedFilesConfiguration: the scope's configuration in effect.
pub async fn describe_attached_files_configuration(
    input: DescribeAttachedFilesConfigurationInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<DescribeAttachedFilesConfigurationOutput, DescribeAttachedFilesConfigurationError> {
    const OPERATION: &str = "DescribeAttachedFilesConfiguration";
    caller.authorize::<DescribeAttachedFilesConfiguration>(input.instance_id.as_str())?;
    let scope = attachment_scope(&input.attachment_scope);
    let configuration = files
        .configuration(input.instance_id.as_str(), scope)
        .await
        .map_err(|e| internal_error::<DescribeAttachedFilesConfigurationError>(&e, OPERATION, request_id))?;
    let reported = reported_configuration(configuration)
        .map_err(|e| internal_error::<DescribeAttachedFilesConfigurationError>(&e, OPERATION, request_id))?;
    Ok(DescribeAttachedFilesConfigurationOutput {
        attached_files_configuration: model::AttachedFilesConfiguration {
            instance_id: input.instance_id,
            attachment_scope: input.attachment_scope,
            maximum_size_limit_in_bytes: Some(reported.maximum_size_limit_in_bytes),
            extension_configuration: Some(reported.extension_configuration),
            last_modified_time: reported.last_modified_time,
        },
    })
}

/// ListAttachedFilesConfigurations: each scope's configuration in effect, a page at a time.
pub async fn list_attached_files_configurations(
    input: ListAttachedFilesConfigurationsInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<ListAttachedFilesConfigurationsOutput, ListAttachedFilesConfigurationsError> {
    const OPERATION: &str = "ListAttachedFilesConfigurations";
    caller.authorize::<ListAttachedFilesConfigurations>(input.instance_id.as_str())?;
    // The token is the scope the page starts at: the scopes are few and fixed.
    let start = match input.next_token.as_deref() {
        None => 0,
        Some(token) => AttachmentScope::ALL.iter().position(|scope| scope.as_str() == token).ok_or_else(|| {
            InvalidParameterException { message: Some("NextToken is not a token that this operation answered".into()) }
        })?,
    };
    // The model's range is 1 to 100; 100 when absent, as AWS documents.
    let page_size = input.max_results.map_or(100, |max| max.into_inner().unsigned_abs() as usize);
    let configurations = files
        .configurations(input.instance_id.as_str())
        .await
        .map_err(|e| internal_error::<ListAttachedFilesConfigurationsError>(&e, OPERATION, request_id))?;
    let next_token = configurations.get(start + page_size).map(|next| next.scope.as_str().to_owned());
    let page = configurations
        .into_iter()
        .skip(start)
        .take(page_size)
        .map(|configuration| {
            let scope = configuration.scope;
            let reported = reported_configuration(configuration)?;
            Ok(AttachedFilesConfigurationSummary {
                instance_id: input.instance_id.clone(),
                attachment_scope: model_scope(scope),
                maximum_size_limit_in_bytes: Some(reported.maximum_size_limit_in_bytes),
                extension_configuration: Some(reported.extension_configuration),
            })
        })
        .collect::<Result<Vec<_>, OutputError>>()
        .map_err(|e| internal_error::<ListAttachedFilesConfigurationsError>(&e, OPERATION, request_id))?;
    Ok(ListAttachedFilesConfigurationsOutput { attached_files_configurations: Some(page), next_token })
}

/// UpdateAttachedFilesConfiguration: changes what the input names, answers the whole
/// configuration.
pub async fn update_attached_files_configuration(
    input: UpdateAttachedFilesConfigurationInput,
    Extension(files): Extension<Arc<AttachedFiles>>,
    Extension(request_id): Extension<RequestId>,
    Extension(caller): Extension<Caller>,
) -> Result<UpdateAttachedFilesConfigurationOutput, UpdateAttachedFilesConfigurationError> {
    const OPERATION: &str = "UpdateAttachedFilesConfiguration";
    caller.authorize::<UpdateAttachedFilesConfiguration>(input.instance_id.as_str())?;
    let update = ConfigurationUpdate {
        // The model's range is 1 to 104857600, so the size is positive.
        max_size_bytes: input.maximum_size_limit_in_bytes.map(|size| size.into_inner().unsigned_abs()),
        allowed_extensions: input.extension_configuration.map(|configuration| {
            configuration.allowed_extensions.into_iter().map(|allowed| allowed.extension.into_inner()).collect()
        }),
    };
    let scope = attachment_scope(&input.attachment_scope);
    let configuration = files
        .update_configuration(input.instance_id.as_str(), scope, &update)
        .await
        .map_err(|e| internal_error::<UpdateAttachedFilesConfigurationError>(&e, OPERATION, request_id))?;
    let reported = reported_configuration(configuration)
        .map_err(|e| internal_error::<UpdateAttachedFilesConfigurationError>(&e, OPERATION, request_id))?;
    Ok(UpdateAttachedFilesConfigurationOutput {
        instance_id: input.instance_id,
        attachment_scope: input.attachment_scope,
        maximum_size_limit_in_bytes: Some(reported.maximum_size_limit_in_bytes),
        extension_configuration: Some(reported.extension_configuration),
        last_modified_time: reported.last_modified_time,
    })
}

/// A configuration's members in the model's types.
struct ReportedConfiguration {
    maximum_size_limit_in_bytes: MaximumSizeLimitInBytes,
    extension_configuration: ExtensionConfiguration,
    last_modified_time: Option<DateTime>,
}

/// The configuration in the model's types; what breaks the model (a default set out of its
/// bounds) is an internal error, named for the log.
fn reported_configuration(configuration: Configuration) -> Result<ReportedConfiguration, OutputError> {
    let size = i64::try_from(configuration.limits.max_size_bytes).unwrap_or(i64::MAX);
    let allowed_extensions = configuration
        .limits
        .allowed_extensions
        .into_iter()
        .map(|extension| {
            FileExtension::try_from(extension)
                .map(|extension| AllowedExtension { extension })
                .map_err(|e| OutputError::Record(format!("AllowedExtensions: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(ReportedConfiguration {
        maximum_size_limit_in_bytes: MaximumSizeLimitInBytes::try_from(size)
            .map_err(|e| OutputError::Record(format!("MaximumSizeLimitInBytes: {e}")))?,
        extension_configuration: ExtensionConfiguration { allowed_extensions },
        last_modified_time: configuration
            .last_modified_time
            .map(|time| DateTime::from_nanos(time.unix_timestamp_nanos()).expect("an OffsetDateTime fits")),
    })
}

fn attachment_scope(scope: &model::AttachmentScope) -> AttachmentScope {
    match scope {
        model::AttachmentScope::Email => AttachmentScope::Email,
        model::AttachmentScope::Chat => AttachmentScope::Chat,
        model::AttachmentScope::Case => AttachmentScope::Case,
        model::AttachmentScope::Task => AttachmentScope::Task,
    }
}

fn model_scope(scope: AttachmentScope) -> model::AttachmentScope {
    match scope {
        AttachmentScope::Email => model::AttachmentScope::Email,
        AttachmentScope::Chat => model::AttachmentScope::Chat,
        AttachmentScope::Case => model::AttachmentScope::Case,
        AttachmentScope::Task => model::AttachmentScope::Task,
    }
}

/// The domain's request for a StartAttachedFileUpload input (also how `ingest` is checked: the
/// operator's flags go through the generated input's builder first).
pub fn start_request(input: StartAttachedFileUploadInput) -> StartRequest {
    StartRequest {
        client_token: input.client_token.map(|token| token.into_inner()),
        instance_id: input.instance_id.into_inner(),
        file_name: input.file_name.into_inner(),
        // The model's range is `min: 1`, so the size is positive.
        file_size_in_bytes: input.file_size_in_bytes.into_inner().unsigned_abs(),
        url_expiry_in_seconds: input.url_expiry_in_seconds.map(|seconds| seconds.into_inner().unsigned_abs().into()),
        file_use_case_type: input.file_use_case_type.as_str().to_owned(),
        associated_resource_arn: input.associated_resource_arn,
        created_by: input.created_by.map(|created_by| match created_by {
            CreatedByInfo::ConnectUserArn(arn) => CreatedBy::ConnectUserArn(arn),
            CreatedByInfo::AwsIdentityArn(arn) => CreatedBy::AwsIdentityArn(arn),
        }),
        tags: input
            .tags
            .map(|tags| tags.into_inner().into_iter().map(|(key, value)| (key.into_inner(), value.into_inner())))
            .into_iter()
            .flatten()
            .collect(),
        caller_identity_arn: None,
    }
}

/// The domain's request for a GetAttachedFile input (also the operator's `get`).
pub fn get_request(input: GetAttachedFileInput) -> GetRequest {
    GetRequest {
        instance_id: input.instance_id.into_inner(),
        file_id: input.file_id.into_inner(),
        associated_resource_arn: input.associated_resource_arn,
        // The model's range is 5 to 300, so the lifetime is positive.
        url_expiry_in_seconds: input.url_expiry_in_seconds.map(|seconds| seconds.into_inner().unsigned_abs().into()),
        disposition: input.url_content_disposition.map(|disposition| match disposition {
            ContentDisposition::Attachment => Disposition::Attachment,
            ContentDisposition::Inline => Disposition::Inline,
        }),
    }
}

fn file_ref(instance_id: model::InstanceId, file_id: FileId, associated_resource_arn: String) -> FileRef {
    FileRef { instance_id: instance_id.into_inner(), file_id: file_id.into_inner(), associated_resource_arn }
}

/// The errors every operation but Start can answer; Start's own (conflict, quota) cannot come from
/// the others, and would be answered as an internal error.
fn common_error<E>(e: FileError, operation: &str, request_id: RequestId) -> E
where
    E: From<ResourceNotFoundException> + From<InvalidRequestException> + From<InternalServiceException>,
{
    match e {
        FileError::NotFound => ResourceNotFoundException { message: Some(NOT_FOUND.to_owned()) }.into(),
        FileError::InvalidRequest { message, reason } => invalid_file(message, reason).into(),
        e => internal_error(&e, operation, request_id),
    }
}

fn invalid_file(message: String, reason: Option<InvalidFile>) -> InvalidRequestException {
    InvalidRequestException {
        message: Some(message),
        reason: reason.map(|reason| {
            InvalidRequestExceptionReason::AttachedFileInvalidRequestExceptionReason(match reason {
                InvalidFile::Size => AttachedFileInvalidRequestExceptionReason::InvalidFileSize,
                InvalidFile::Type => AttachedFileInvalidRequestExceptionReason::InvalidFileType,
            })
        }),
    }
}

fn invalid_request(message: String) -> InvalidRequestException {
    InvalidRequestException { message: Some(message), reason: None }
}

fn quota_exceeded(quota: QuotaExceeded) -> ServiceQuotaExceededException {
    let (reason, message) = match quota {
        QuotaExceeded::FileCount => (
            AttachedFileServiceQuotaExceededExceptionReason::TotalFileCountExceeded,
            "The instance has as many files as its quota allows",
        ),
        QuotaExceeded::TotalSize => (
            AttachedFileServiceQuotaExceededExceptionReason::TotalFileSizeExceeded,
            "The file would take the instance's files beyond their total size quota",
        ),
    };
    ServiceQuotaExceededException {
        message: Some(message.to_owned()),
        reason: Some(ServiceQuotaExceededExceptionReason::AttachedFileServiceQuotaExceededExceptionReason(reason)),
    }
}

/// Logs the cause with the request id, and answers without it.
fn internal_error<E: From<InternalServiceException>>(
    cause: &dyn std::fmt::Display,
    operation: &str,
    request_id: RequestId,
) -> E {
    tracing::error!(%request_id, %cause, "{operation} failed");
    let message = "The service could not handle the request; retry later".to_owned();
    InternalServiceException { message: Some(message) }.into()
}

/// Why a stored file cannot be reported as the model's output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("the URL has {0} characters; the model allows 1 to 2000")]
    UrlLength(usize),
    #[error("the upload's header {0:?} breaks the model's length limits")]
    Header(String),
    #[error("the stored record breaks the model: {0}")]
    Record(String),
}

/// The URL in the model's type, whose `@length` the answer keeps (the SDK checks what it reads,
/// not what a handler answers).
fn checked_url(url: String) -> Result<MetadataUrl, OutputError> {
    let length = url.chars().count();
    MetadataUrl::try_from(url).map_err(|_| OutputError::UrlLength(length))
}

/// The headers an upload must send, in the model's types.
fn checked_headers(
    headers: impl IntoIterator<Item = (String, String)>,
) -> Result<HashMap<UrlMetadataSignedHeadersKey, UrlMetadataSignedHeadersValue>, OutputError> {
    headers
        .into_iter()
        .map(|(name, value)| {
            let broken = || OutputError::Header(name.clone());
            let key = UrlMetadataSignedHeadersKey::try_from(name.clone()).map_err(|_| broken())?;
            Ok((key, UrlMetadataSignedHeadersValue::try_from(value).map_err(|_| broken())?))
        })
        .collect()
}

/// The members every output that describes a file has, in the model's types.
struct Reported {
    file_arn: String,
    file_id: FileId,
    creation_time: String,
    file_name: FileName,
    file_size_in_bytes: FileSizeInBytes,
    file_status: FileStatusType,
    file_use_case_type: Option<FileUseCaseType>,
    associated_resource_arn: String,
    created_by: Option<CreatedByInfo>,
    tags: Option<TagMap>,
}

/// The record's members in the model's types, moved out of it.
fn reported(record: FileRecord) -> Result<Reported, OutputError> {
    let broken = |member: &str, e: &dyn std::fmt::Display| OutputError::Record(format!("{member}: {e}"));
    let file_use_case_type = match &record.file_use_case_type {
        Some(use_case) => {
            Some(FileUseCaseType::try_from(use_case.as_str()).map_err(|e| broken("FileUseCaseType", &e))?)
        }
        None => None,
    };
    let size = i64::try_from(record.file_size_in_bytes).map_err(|e| broken("FileSizeInBytes", &e))?;
    let file_status = status(record.reported_status());
    Ok(Reported {
        file_arn: record.file_arn,
        file_id: FileId::try_from(record.file_id).map_err(|e| broken("FileId", &e))?,
        creation_time: format_iso_millis(record.creation_time),
        file_name: FileName::try_from(record.file_name).map_err(|e| broken("FileName", &e))?,
        file_size_in_bytes: FileSizeInBytes::try_from(size).map_err(|e| broken("FileSizeInBytes", &e))?,
        file_status,
        file_use_case_type,
        associated_resource_arn: record.associated_resource_arn,
        created_by: record.created_by.map(|created_by| match created_by {
            CreatedBy::ConnectUserArn(arn) => CreatedByInfo::ConnectUserArn(arn),
            CreatedBy::AwsIdentityArn(arn) => CreatedByInfo::AwsIdentityArn(arn),
        }),
        tags: tag_map(record.tags)?,
    })
}

fn status(status: FileStatus) -> FileStatusType {
    match status {
        FileStatus::Approved => FileStatusType::Approved,
        FileStatus::Rejected => FileStatusType::Rejected,
        FileStatus::Processing => FileStatusType::Processing,
        FileStatus::Failed => FileStatusType::Failed,
    }
}

/// The model wants no Tags member rather than an empty map.
fn tag_map(tags: BTreeMap<String, String>) -> Result<Option<TagMap>, OutputError> {
    if tags.is_empty() {
        return Ok(None);
    }
    let broken = |e: &dyn std::fmt::Display| OutputError::Record(format!("Tags: {e}"));
    let tags: Result<HashMap<_, _>, OutputError> = tags
        .into_iter()
        .map(|(key, value)| {
            let key = TagKey::try_from(key).map_err(|e| broken(&e))?;
            Ok((key, TagValue::try_from(value).map_err(|e| broken(&e))?))
        })
        .collect();
    TagMap::try_from(tags?).map(Some).map_err(|e| broken(&e))
}

/// StartAttachedFileUpload's answer for `started`.
fn start_output(started: StartedUpload) -> Result<StartAttachedFileUploadOutput, OutputError> {
    let StartedUpload { record, upload } = started;
    let reported = reported(record)?;
    Ok(StartAttachedFileUploadOutput {
        file_arn: Some(reported.file_arn),
        file_id: Some(reported.file_id),
        creation_time: Some(reported.creation_time),
        file_status: Some(reported.file_status),
        created_by: reported.created_by,
        upload_url_metadata: Some(UploadUrlMetadata {
            url: Some(checked_url(upload.url)?),
            url_expiry: Some(format_iso_millis(upload.expires_at)),
            headers_to_include: Some(checked_headers(upload.headers)?),
        }),
    })
}

/// GetAttachedFile's answer for `file`, member for member (also what the operator commands print
/// for a record).
pub fn get_output(file: AttachedFile) -> Result<GetAttachedFileOutput, OutputError> {
    let AttachedFile { record, download } = file;
    let reported = reported(record)?;
    let download_url_metadata = match download {
        Some(download) => Some(DownloadUrlMetadata {
            url: Some(checked_url(download.url)?),
            url_expiry: Some(format_iso_millis(download.expires_at)),
        }),
        None => None,
    };
    Ok(GetAttachedFileOutput {
        file_arn: Some(reported.file_arn),
        file_id: Some(reported.file_id),
        creation_time: Some(reported.creation_time),
        file_status: Some(reported.file_status),
        file_name: Some(reported.file_name),
        file_size_in_bytes: reported.file_size_in_bytes,
        associated_resource_arn: Some(reported.associated_resource_arn),
        file_use_case_type: reported.file_use_case_type,
        created_by: reported.created_by,
        download_url_metadata,
        tags: reported.tags,
    })
}

/// BatchGetAttachedFileMetadata's entry for `record`.
fn attached_file(record: FileRecord) -> Result<model::AttachedFile, OutputError> {
    let reported = reported(record)?;
    Ok(model::AttachedFile {
        creation_time: reported.creation_time,
        file_arn: reported.file_arn,
        file_id: reported.file_id,
        file_name: reported.file_name,
        file_size_in_bytes: reported.file_size_in_bytes,
        file_status: reported.file_status,
        created_by: reported.created_by,
        file_use_case_type: reported.file_use_case_type,
        associated_resource_arn: Some(reported.associated_resource_arn),
        tags: reported.tags,
    })
}
