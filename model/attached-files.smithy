$version: "2.0"

// Amazon Connect's GetAttachedFile operation, modelled to match the wire contract of the real
// service (com.amazonaws.connect#AmazonConnectService, 2017-08-08) so that official AWS clients
// and the crates generated from this file agree. Shape and member names are AWS's.
// Every place where this file differs from AWS's model is listed, with the reason, in README.md.

namespace com.amazonaws.connect

use aws.api#service
use aws.auth#sigv4
use aws.protocols#restJson1

/// Amazon Connect, reduced to the one operation this project serves: reading an attached
/// file's metadata and a short-lived download URL for it.
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
        GetAttachedFile
    ]
}

// --- Operation ---------------------------------------------------------------------------------

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

/// A pre-signed URL, 1 to 2000 characters.
@length(min: 1, max: 2000)
string MetadataUrl

/// Text that explains an error.
string Message

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

/// The file, or the resource it is attached to, does not exist.
@error("client")
@httpError(404)
structure ResourceNotFoundException {
    /// Which resource was not found.
    Message: Message
}

/// The caller sent requests faster than allowed; retry later.
@error("client")
@httpError(429)
structure ThrottlingException {
    /// Which limit was hit.
    Message: Message
}
