$version: "2.0"

// Amazon Connect's attached-file operations, modelled to match the wire contract of the real
// service (com.amazonaws.connect#AmazonConnectService, 2017-08-08) so that official AWS clients
// and the crates generated from this file agree. Shape and member names are AWS's.
// Every place where this file differs from AWS's model is listed, with the reason, in README.md.

namespace com.amazonaws.connect

use aws.api#service
use aws.auth#sigv4
use aws.protocols#restJson1

/// Amazon Connect, reduced to the operations this project serves: the life of an attached file,
/// from the upload through pre-signed URLs to its deletion, and the per-instance configuration
/// (size limit and allowed extensions for each attachment scope) that uploads obey.
@title("Amazon Connect Service")
@service(
    sdkId: "Connect"
    arnNamespace: "connect"
    cloudFormationName: "Connect"
    cloudTrailEventSource: "connect.amazonaws.com"
    endpointPrefix: "connect"
)
@sigv4(name: "connect")
@restJson1
service AmazonConnectService {
    version: "2017-08-08"
    operations: [
        StartAttachedFileUpload
        CompleteAttachedFileUpload
        GetAttachedFile
        BatchGetAttachedFileMetadata
        DeleteAttachedFile
        DescribeAttachedFilesConfiguration
        ListAttachedFilesConfigurations
        UpdateAttachedFilesConfiguration
    ]
}

// --- Operations --------------------------------------------------------------------------------

/// Reserves a new attached file and answers a pre-signed URL that its bytes are PUT to, with the
/// headers the PUT must carry. The file exists for other calls once CompleteAttachedFileUpload
/// confirms the upload. A retry with the same ClientToken answers the same file.
@idempotent
@http(method: "PUT", uri: "/attached-files/{InstanceId}", code: 200)
operation StartAttachedFileUpload {
    input: StartAttachedFileUploadRequest
    output: StartAttachedFileUploadResponse
    errors: [
        AccessDeniedException
        InternalServiceException
        InvalidRequestException
        ResourceConflictException
        ServiceQuotaExceededException
        ThrottlingException
    ]
}

/// What a caller sends to StartAttachedFileUpload: the instance (path label), the resource the
/// file is for (query), and the file's description (JSON body).
@input
structure StartAttachedFileUploadRequest {
    /// The caller's idempotency key (case-sensitive): a retry with the same token and the same
    /// parameters answers the same file; with other parameters it is refused. Clients fill in a
    /// fresh UUID when the caller gives none.
    @idempotencyToken
    ClientToken: ClientToken

    /// Identifier of the Amazon Connect instance that will own the file (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// The file's name; case is significant.
    @required
    FileName: FileName

    /// The exact size of the file in bytes; the upload must have this size.
    @required
    FileSizeInBytes: FileSizeInBytes

    /// How many seconds the upload URL stays valid, from 5 to 300. When absent the service
    /// uses 300.
    UrlExpiryInSeconds: URLExpiryInSeconds

    /// What the file is used for.
    @required
    FileUseCaseType: FileUseCaseType

    /// ARN of the resource the file is attached to (for example a case, an email or a task).
    @required
    @httpQuery("associatedResourceArn")
    AssociatedResourceArn: ARN

    /// Who uploads the file. Callers may set only ConnectUserArn; without it the service records
    /// the caller's AWS identity.
    CreatedBy: CreatedByInfo

    /// Tags for the new file, as key-value pairs.
    Tags: TagMap
}

/// What StartAttachedFileUpload returns on success (HTTP 200, JSON body).
@output
structure StartAttachedFileUploadResponse {
    /// ARN of the new attached file.
    FileArn: ARN

    /// Identifier of the new attached file, for the calls that follow.
    FileId: FileId

    /// When the file record was created, as an ISO 8601 string with milliseconds in UTC.
    CreationTime: ISO8601Datetime

    /// Where the file is in its life cycle.
    FileStatus: FileStatusType

    /// Who created the file, as recorded.
    CreatedBy: CreatedByInfo

    /// Where, until when and with which headers the file's bytes are to be PUT.
    UploadUrlMetadata: UploadUrlMetadata
}

/// Confirms that the bytes of a started upload are stored: the service checks them and hands the
/// file to its scan, after which GetAttachedFile reports the verdict.
@http(method: "POST", uri: "/attached-files/{InstanceId}/{FileId}", code: 200)
operation CompleteAttachedFileUpload {
    input: CompleteAttachedFileUploadRequest
    output: CompleteAttachedFileUploadResponse
    errors: [
        AccessDeniedException
        InternalServiceException
        InvalidRequestException
        ResourceNotFoundException
        ThrottlingException
    ]
}

/// What a caller sends to CompleteAttachedFileUpload: two path labels and one query parameter.
@input
structure CompleteAttachedFileUploadRequest {
    /// Identifier of the Amazon Connect instance that owns the file (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// Identifier of the attached file, as StartAttachedFileUpload answered it (path label).
    @required
    @httpLabel
    FileId: FileId

    /// ARN of the resource the file is attached to, as given to StartAttachedFileUpload.
    @required
    @httpQuery("associatedResourceArn")
    AssociatedResourceArn: ARN
}

/// CompleteAttachedFileUpload's answer: HTTP 200 and nothing else.
@output
structure CompleteAttachedFileUploadResponse {}

/// Deletes an attached file: its record and its bytes. The deletion is permanent.
@idempotent
@http(method: "DELETE", uri: "/attached-files/{InstanceId}/{FileId}", code: 200)
operation DeleteAttachedFile {
    input: DeleteAttachedFileRequest
    output: DeleteAttachedFileResponse
    errors: [
        AccessDeniedException
        InternalServiceException
        InvalidRequestException
        ResourceNotFoundException
        ThrottlingException
    ]
}

/// What a caller sends to DeleteAttachedFile: two path labels and one query parameter.
@input
structure DeleteAttachedFileRequest {
    /// Identifier of the Amazon Connect instance that owns the file (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// Identifier of the attached file (path label).
    @required
    @httpLabel
    FileId: FileId

    /// ARN of the resource the file is attached to.
    @required
    @httpQuery("associatedResourceArn")
    AssociatedResourceArn: ARN
}

/// DeleteAttachedFile's answer: HTTP 200 and nothing else.
@output
structure DeleteAttachedFileResponse {}

/// Returns the metadata of several files of one resource. A file that cannot be returned is
/// reported in Errors and does not fail the call.
@http(method: "POST", uri: "/attached-files/{InstanceId}", code: 200)
operation BatchGetAttachedFileMetadata {
    input: BatchGetAttachedFileMetadataRequest
    output: BatchGetAttachedFileMetadataResponse
    errors: [
        AccessDeniedException
        InternalServiceException
        InvalidRequestException
        ResourceNotFoundException
        ThrottlingException
    ]
}

/// What a caller sends to BatchGetAttachedFileMetadata: the instance (path label), the resource
/// (query) and the files (JSON body).
@input
structure BatchGetAttachedFileMetadataRequest {
    /// Identifiers of the files, 1 to 100.
    @required
    FileIds: FileIdList

    /// Identifier of the Amazon Connect instance that owns the files (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// ARN of the resource every requested file must be attached to.
    @required
    @httpQuery("associatedResourceArn")
    AssociatedResourceArn: ARN
}

/// What BatchGetAttachedFileMetadata returns on success (HTTP 200, JSON body).
@output
structure BatchGetAttachedFileMetadataResponse {
    /// The files that were found.
    Files: AttachedFilesList

    /// One entry for each file that could not be returned.
    Errors: AttachedFileErrorsList
}

/// Returns the metadata of an attached file and, when the file has passed its scan (status
/// APPROVED), a pre-signed URL to download it. For any other status the metadata comes back
/// without a download URL.
@readonly
@http(method: "GET", uri: "/attached-files/{InstanceId}/{FileId}", code: 200)
operation GetAttachedFile {
    input: GetAttachedFileRequest
    output: GetAttachedFileResponse
    errors: [
        AccessDeniedException
        InternalServiceException
        InvalidRequestException
        ResourceNotFoundException
        ThrottlingException
    ]
}

/// What a caller sends to GetAttachedFile: two path labels and three query parameters.
@input
structure GetAttachedFileRequest {
    /// Identifier of the Amazon Connect instance that owns the file (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// Identifier of the attached file within the instance (path label).
    @required
    @httpLabel
    FileId: FileId

    /// How many seconds the pre-signed download URL stays valid, from 5 to 300.
    /// When the parameter is absent the service uses 300.
    @httpQuery("urlExpiryInSeconds")
    UrlExpiryInSeconds: URLExpiryInSeconds

    /// ARN of the resource the file is attached to (for example a case, an email or a task).
    /// Must be a well-formed ARN and must match the resource the file was uploaded for.
    @required
    @httpQuery("associatedResourceArn")
    AssociatedResourceArn: ARN

    /// How a browser should treat the file behind the download URL: INLINE asks it to show
    /// the file, ATTACHMENT to save it under its FileName.
    @httpQuery("urlContentDisposition")
    UrlContentDisposition: ContentDisposition
}

/// What GetAttachedFile returns on success (HTTP 200, JSON body).
@output
structure GetAttachedFileResponse {
    /// ARN of the attached file.
    FileArn: ARN

    /// Identifier of the attached file.
    FileId: FileId

    /// When the file record was created, as an ISO 8601 string with milliseconds in UTC,
    /// for example 2024-05-03T02:41:28.172Z.
    CreationTime: ISO8601Datetime

    /// Where the file is in its life cycle (upload, scan, approval).
    FileStatus: FileStatusType

    /// The file's name as given at upload; case is significant.
    FileName: FileName

    /// Size of the file in bytes. Always present: clients read a missing value as 0.
    @required
    FileSizeInBytes: FileSizeInBytes

    /// ARN of the resource the file is attached to.
    AssociatedResourceArn: ARN

    /// What the file is used for.
    FileUseCaseType: FileUseCaseType

    /// Who uploaded the file: an Amazon Connect user or an AWS identity.
    CreatedBy: CreatedByInfo

    /// The pre-signed download URL and its expiry. Present only when FileStatus is APPROVED.
    DownloadUrlMetadata: DownloadUrlMetadata

    /// Tags on the file, as key-value pairs, e.g. {"Tags": {"key1": "value1"}}.
    Tags: TagMap
}

/// Describes the attached-files configuration of an instance for one attachment scope: the
/// instance's own configuration when one was set, else the service's defaults for that scope.
@readonly
@http(method: "GET", uri: "/attached-files-configurations/{InstanceId}/{AttachmentScope}", code: 200)
operation DescribeAttachedFilesConfiguration {
    input: DescribeAttachedFilesConfigurationRequest
    output: DescribeAttachedFilesConfigurationResponse
    errors: [
        InvalidParameterException
        ResourceNotFoundException
        ThrottlingException
        InternalServiceException
        AccessDeniedException
    ]
}

/// What a caller sends to DescribeAttachedFilesConfiguration: two path labels.
@input
structure DescribeAttachedFilesConfigurationRequest {
    /// Identifier of the Amazon Connect instance (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// The attachment scope: EMAIL, CHAT, CASE or TASK (path label).
    @required
    @httpLabel
    AttachmentScope: AttachmentScope
}

/// What DescribeAttachedFilesConfiguration returns on success (HTTP 200, JSON body).
@output
structure DescribeAttachedFilesConfigurationResponse {
    /// The scope's effective configuration.
    @required
    AttachedFilesConfiguration: AttachedFilesConfiguration
}

/// Lists the effective attached-files configuration of every attachment scope of an instance
/// (the instance's own where set, the defaults elsewhere), a page at a time.
@readonly
@paginated(inputToken: "NextToken", outputToken: "NextToken", pageSize: "MaxResults", items: "AttachedFilesConfigurations")
@http(method: "GET", uri: "/attached-files-configurations/{InstanceId}", code: 200)
operation ListAttachedFilesConfigurations {
    input: ListAttachedFilesConfigurationsRequest
    output: ListAttachedFilesConfigurationsResponse
    errors: [
        InvalidParameterException
        ResourceNotFoundException
        ThrottlingException
        InternalServiceException
        AccessDeniedException
    ]
}

/// What a caller sends to ListAttachedFilesConfigurations: the instance (path label) and the
/// page wanted (query).
@input
structure ListAttachedFilesConfigurationsRequest {
    /// Identifier of the Amazon Connect instance (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// The most configurations to answer in one page, 1 to 100; 100 when absent.
    @httpQuery("maxResults")
    MaxResults: MaxResult100

    /// Where the page starts: the NextToken of the previous page; absent for the first page.
    @httpQuery("nextToken")
    NextToken: NextToken
}

/// What ListAttachedFilesConfigurations returns on success (HTTP 200, JSON body).
@output
structure ListAttachedFilesConfigurationsResponse {
    /// The configurations of this page.
    AttachedFilesConfigurations: AttachedFilesConfigurationSummaryList

    /// Present when more configurations follow: pass it as NextToken to get them.
    NextToken: NextToken
}

/// Sets the attached-files configuration of an instance for one attachment scope, creating it
/// when the instance has none. A partial update changes only the members it names.
@http(method: "POST", uri: "/attached-files-configurations/{InstanceId}/{AttachmentScope}", code: 200)
operation UpdateAttachedFilesConfiguration {
    input: UpdateAttachedFilesConfigurationRequest
    output: UpdateAttachedFilesConfigurationResponse
    errors: [
        InvalidParameterException
        ResourceNotFoundException
        ThrottlingException
        InternalServiceException
        AccessDeniedException
    ]
}

/// What a caller sends to UpdateAttachedFilesConfiguration: two path labels and the members to
/// change (JSON body).
@input
structure UpdateAttachedFilesConfigurationRequest {
    /// Identifier of the Amazon Connect instance (path label).
    @required
    @httpLabel
    InstanceId: InstanceId

    /// The attachment scope: EMAIL, CHAT, CASE or TASK (path label).
    @required
    @httpLabel
    AttachmentScope: AttachmentScope

    /// The largest file the scope accepts, in bytes, from 1 to 104857600 (100 MiB).
    MaximumSizeLimitInBytes: MaximumSizeLimitInBytes

    /// The file extensions the scope accepts; replaces the whole list.
    ExtensionConfiguration: ExtensionConfiguration
}

/// What UpdateAttachedFilesConfiguration returns on success: the scope's whole configuration
/// after the update.
@output
structure UpdateAttachedFilesConfigurationResponse {
    /// Identifier of the Amazon Connect instance.
    @required
    InstanceId: InstanceId

    /// The attachment scope.
    @required
    AttachmentScope: AttachmentScope

    /// The largest file the scope accepts, in bytes.
    MaximumSizeLimitInBytes: MaximumSizeLimitInBytes

    /// The file extensions the scope accepts.
    ExtensionConfiguration: ExtensionConfiguration

    /// When the configuration was last changed.
    LastModifiedTime: Timestamp
}

// --- Simple shapes -----------------------------------------------------------------------------

/// Identifier of an Amazon Connect instance.
@length(min: 1, max: 100)
string InstanceId

/// Identifier of an attached file.
@length(min: 1, max: 256)
string FileId

/// Lifetime of a pre-signed URL in seconds.
@range(min: 5, max: 300)
integer URLExpiryInSeconds

/// An Amazon Resource Name. The model leaves the format unchecked, as AWS's does; the service
/// checks it.
string ARN

/// A point in time as an ISO 8601 string, yyyy-MM-ddThh:mm:ss.SSSZ. Modelled as a string, not a
/// timestamp, because that is how the real API puts it on the wire.
string ISO8601Datetime

/// Name of an attached file: 1 to 256 characters, none of them a control or other
/// non-printing (Unicode category C) character.
@length(min: 1, max: 256)
@pattern("^\\P{C}*$")
string FileName

/// Size of a file in bytes; at least 1.
@range(min: 1)
long FileSizeInBytes

/// The caller's idempotency key of a StartAttachedFileUpload, at most 500 characters.
@length(min: 0, max: 500)
string ClientToken

/// A pre-signed URL, 1 to 2000 characters.
@length(min: 1, max: 2000)
string MetadataUrl

/// Text that explains an error.
string Message

/// The largest attached file a scope accepts, in bytes: 1 to 104857600 (100 MiB).
@range(min: 1, max: 104857600)
long MaximumSizeLimitInBytes

/// A file extension without its dot: 1 to 10 letters, digits, hyphens or underscores.
@length(min: 1, max: 10)
@pattern("^[a-zA-Z0-9-_]+$")
string FileExtension

/// How many results one page holds: 1 to 100.
@range(min: 1, max: 100)
integer MaxResult100

/// Where the next page of a list starts; opaque to callers.
string NextToken

/// Why one file of a batch could not be returned, as a code.
string ErrorCode

/// Why one file of a batch could not be returned, in words.
string ErrorMessage

/// The name of a header that an upload must send.
@length(min: 1, max: 128)
string UrlMetadataSignedHeadersKey

/// The value of a header that an upload must send.
@length(min: 1, max: 256)
string UrlMetadataSignedHeadersValue

// --- Enums -------------------------------------------------------------------------------------

/// Life-cycle state of an attached file.
enum FileStatusType {
    /// The scan passed; the file can be downloaded.
    APPROVED

    /// The scan failed; the file is deleted and cannot be downloaded.
    REJECTED

    /// The upload is done and the scan is still running.
    PROCESSING

    /// Processing the file failed.
    FAILED
}

/// Purpose of an attached file.
enum FileUseCaseType {
    /// A file attached to a resource such as a case, an email or a task.
    ATTACHMENT
}

/// What an attached file is attached to; each scope has its own configuration.
enum AttachmentScope {
    /// Attachments of email messages.
    EMAIL

    /// Attachments of chat conversations.
    CHAT

    /// Attachments of cases.
    CASE

    /// Attachments of tasks.
    TASK
}

/// How a browser handles the file at a pre-signed URL.
enum ContentDisposition {
    /// Save the file (download).
    ATTACHMENT

    /// Show the file in the browser.
    INLINE
}

// --- Aggregates --------------------------------------------------------------------------------

/// The identity that created a file: exactly one of the two members is set.
union CreatedByInfo {
    /// ARN of the Amazon Connect user (agent) who uploaded the file.
    ConnectUserArn: ARN

    /// ARN of the IAM or STS identity that called the API. The service fills this in itself
    /// when no ConnectUserArn was given; callers cannot set it.
    AWSIdentityArn: ARN
}

/// Where and until when an attached file can be downloaded.
structure DownloadUrlMetadata {
    /// Pre-signed URL that downloads the file.
    Url: MetadataUrl

    /// When the URL stops working, as an ISO 8601 string with milliseconds in UTC,
    /// for example 2019-11-08T02:41:28.172Z: the time it was made plus its lifetime.
    UrlExpiry: ISO8601Datetime
}

/// Where, until when and with which headers the bytes of a new file are to be PUT.
structure UploadUrlMetadata {
    /// Pre-signed URL that accepts the file's bytes in one PUT.
    Url: MetadataUrl

    /// When the URL stops working, as an ISO 8601 string with milliseconds in UTC: the time it
    /// was made plus its lifetime.
    UrlExpiry: ISO8601Datetime

    /// The headers the PUT must send exactly as given: they are part of the URL's signature.
    HeadersToInclude: UrlMetadataSignedHeaders
}

/// Headers an upload must send, by name.
map UrlMetadataSignedHeaders {
    key: UrlMetadataSignedHeadersKey
    value: UrlMetadataSignedHeadersValue
}

/// The metadata of one attached file, as BatchGetAttachedFileMetadata reports it.
structure AttachedFile {
    /// When the file record was created, as an ISO 8601 string with milliseconds in UTC.
    @required
    CreationTime: ISO8601Datetime

    /// ARN of the attached file.
    @required
    FileArn: ARN

    /// Identifier of the attached file.
    @required
    FileId: FileId

    /// The file's name as given at upload.
    @required
    FileName: FileName

    /// Size of the file in bytes.
    @required
    FileSizeInBytes: FileSizeInBytes

    /// Where the file is in its life cycle.
    @required
    FileStatus: FileStatusType

    /// Who uploaded the file.
    CreatedBy: CreatedByInfo

    /// What the file is used for.
    FileUseCaseType: FileUseCaseType

    /// ARN of the resource the file is attached to.
    AssociatedResourceArn: ARN

    /// Tags on the file.
    Tags: TagMap
}

/// The attached-files configuration of one attachment scope of an instance.
structure AttachedFilesConfiguration {
    /// Identifier of the Amazon Connect instance.
    @required
    InstanceId: InstanceId

    /// The attachment scope.
    @required
    AttachmentScope: AttachmentScope

    /// The largest file the scope accepts, in bytes.
    MaximumSizeLimitInBytes: MaximumSizeLimitInBytes

    /// The file extensions the scope accepts.
    ExtensionConfiguration: ExtensionConfiguration

    /// When the configuration was last changed; absent while the scope has only the defaults.
    LastModifiedTime: Timestamp
}

/// The attached-files configuration of one attachment scope, as a list reports it.
structure AttachedFilesConfigurationSummary {
    /// Identifier of the Amazon Connect instance.
    @required
    InstanceId: InstanceId

    /// The attachment scope.
    @required
    AttachmentScope: AttachmentScope

    /// The largest file the scope accepts, in bytes.
    MaximumSizeLimitInBytes: MaximumSizeLimitInBytes

    /// The file extensions the scope accepts.
    ExtensionConfiguration: ExtensionConfiguration
}

/// The file extensions an attachment scope accepts.
structure ExtensionConfiguration {
    /// The allowed extensions; a file whose name ends in another one is refused.
    @required
    AllowedExtensions: AllowedExtensionsList
}

/// One allowed file extension.
structure AllowedExtension {
    /// The extension without its dot, compared without regard to case.
    @required
    Extension: FileExtension
}

/// Allowed file extensions.
list AllowedExtensionsList {
    member: AllowedExtension
}

/// Attached-files configurations, one per attachment scope.
list AttachedFilesConfigurationSummaryList {
    member: AttachedFilesConfigurationSummary
}

/// Why one file of a batch could not be returned.
structure AttachedFileError {
    /// What went wrong, as a code; see the service's documentation for the values.
    ErrorCode: ErrorCode

    /// What went wrong, in words.
    ErrorMessage: ErrorMessage

    /// The file concerned.
    FileId: FileId
}

/// Identifiers of attached files: 1 to 100.
@length(min: 1, max: 100)
list FileIdList {
    member: FileId
}

/// Attached files' metadata.
list AttachedFilesList {
    member: AttachedFile
}

/// Per-file failures of a batch.
list AttachedFileErrorsList {
    member: AttachedFileError
}

/// Tags of a resource: 1 to 50 key-value pairs. An untagged file has no Tags member at all.
@length(min: 1, max: 50)
map TagMap {
    key: TagKey
    value: TagValue
}

/// A tag key: 1 to 128 letters, spaces, digits or `_ . : / = + - @`, and not starting with the
/// reserved prefix `aws:` (case-sensitive).
///
/// AWS writes this as `^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`. Rust's `regex` crate, which the
/// generated server uses, has no look-ahead, so the same language is spelled out without it:
/// any key of at most three characters, or a key whose first four characters differ from
/// `aws:` at the first, second, third or fourth position.
@length(min: 1, max: 128)
@pattern("^(?:[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,3}|(?:[^\\P{L}a]|[\\p{Z}\\p{N}_.:/=+\\-@]|a(?:[^\\P{L}w]|[\\p{Z}\\p{N}_.:/=+\\-@])|aw(?:[^\\P{L}s]|[\\p{Z}\\p{N}_.:/=+\\-@])|aws[\\p{L}\\p{Z}\\p{N}_./=+\\-@])[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")
string TagKey

/// A tag value: at most 256 characters.
@length(max: 256)
string TagValue

// --- Errors ------------------------------------------------------------------------------------

/// The caller lacks permission for this action.
@error("client")
@httpError(403)
structure AccessDeniedException {
    /// What was denied.
    Message: Message
}

/// The service failed while handling the request; retrying may succeed.
@error("server")
@httpError(500)
structure InternalServiceException {
    /// What went wrong, without internal detail.
    Message: Message
}

/// The request is not valid: a parameter breaks a constraint of this model, or a file breaks a
/// limit of the instance (see Reason).
///
/// This is also the error the generated server answers with when a request breaks a constraint
/// trait (length, range, pattern, enum, required), instead of smithy.framework#ValidationException,
/// which official Connect clients do not know. A generator setting in smithy-build.json (the
/// `--validation-exception` argument of the server projection's command) makes that choice, so
/// the shape needs no generator-specific trait and keeps AWS's members: Message and Reason.
@error("client")
@httpError(400)
structure InvalidRequestException {
    /// What is wrong with the request. For a constraint violation it names the member and the
    /// constraint, e.g. "1 validation error detected. Value with length 101 at '/InstanceId'
    /// failed to satisfy constraint: Member must have length between 1 and 100, inclusive".
    Message: Message

    /// Why the request was rejected, when the cause is a file limit rather than a parameter.
    /// Left empty for constraint violations.
    Reason: InvalidRequestExceptionReason
}

/// The cause of an InvalidRequestException; exactly one member is set.
union InvalidRequestExceptionReason {
    /// The attached file broke an instance limit.
    AttachedFileInvalidRequestExceptionReason: AttachedFileInvalidRequestExceptionReason
}

/// Which instance limit an attached file broke.
enum AttachedFileInvalidRequestExceptionReason {
    /// The file is larger than the instance allows.
    INVALID_FILE_SIZE

    /// The file's extension is not allowed by the instance.
    INVALID_FILE_TYPE

    /// The file name is not allowed.
    INVALID_FILE_NAME
}

/// A parameter is not valid. The configuration operations answer it where the file operations
/// answer InvalidRequestException, for a constraint violation too: the server projection lists
/// it second after InvalidRequestException among its validation exceptions, and each operation
/// gets the first one it declares.
@error("client")
@httpError(400)
structure InvalidParameterException {
    /// Which parameter is not valid and why, e.g. "1 validation error detected. Value 0 at
    /// '/MaxResults' failed to satisfy constraint: Member must be between 1 and 100, inclusive".
    Message: Message
}

/// The file, or the resource it is attached to, does not exist.
@error("client")
@httpError(404)
structure ResourceNotFoundException {
    /// Which resource was not found.
    Message: Message
}

/// The request conflicts with the state of a resource: for example a ClientToken reused with
/// other parameters.
@error("client")
@httpError(409)
structure ResourceConflictException {
    /// What the conflict is.
    Message: Message
}

/// Accepting the request would exceed a quota of the instance (see Reason).
@error("client")
@httpError(402)
structure ServiceQuotaExceededException {
    /// Which quota would be exceeded.
    Message: Message

    /// Which quota would be exceeded, as a code.
    Reason: ServiceQuotaExceededExceptionReason
}

/// The cause of a ServiceQuotaExceededException; exactly one member is set.
union ServiceQuotaExceededExceptionReason {
    /// The attached-file quota that would be exceeded.
    AttachedFileServiceQuotaExceededExceptionReason: AttachedFileServiceQuotaExceededExceptionReason
}

/// Which attached-file quota of the instance would be exceeded.
enum AttachedFileServiceQuotaExceededExceptionReason {
    /// The total size of the instance's files.
    TOTAL_FILE_SIZE_EXCEEDED

    /// The number of the instance's files.
    TOTAL_FILE_COUNT_EXCEEDED
}

/// The caller sent requests faster than allowed; retry later.
@error("client")
@httpError(429)
structure ThrottlingException {
    /// Which limit was hit.
    Message: Message
}
