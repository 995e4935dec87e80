$version: "2.0"

// A restJson1 "kitchen sink" for testing the Smithy -> Rust code generator on a model that is not
// ours. It uses only the supported subset: simple and aggregate shapes (no documents, no
// bigInteger/bigDecimal), the HTTP binding traits @http, @httpLabel (non-greedy), @httpQuery,
// @httpHeader, @httpPayload (structure, string, blob), @httpResponseCode, @httpError, @error,
// @jsonName, the constraint traits @length, @range, @pattern, @required, and @default,
// @timestampFormat, @documentation (written as ///), @readonly, @idempotent, @input, @output.
// No other traits, no mixins, no streaming, no event streams. See README.md next to this file.
//
// Constraints appear both on target shapes (most of them) and directly on members (marked
// "member-level" in the comments), in every position: label, query, header, body, payload.
//
// The generator is told through a setting (not a trait) that ValidationException is the error
// for constraint violations; every operation with constrained input lists it.

namespace example.kitchensink

use aws.protocols#restJson1

/// A service that manages widgets. It exists only to exercise a code generator: every operation
/// covers a group of restJson1 features (see the comment above each operation).
///
/// Clients authorize with a bearer token, or else an API key.
@restJson1
@httpBearerAuth
@httpApiKeyAuth(name: "X-Api-Key", in: "header")
@auth([httpBearerAuth, httpApiKeyAuth])
service KitchenSink {
    version: "2024-01-01"
    operations: [
        CreateWidget
        PutWidget
        GetWidget
        DeleteWidget
        EchoLabels
        EchoQuery
        EchoHeaders
        UpdateWidgetSettings
        PutWidgetNotes
        UploadAttachment
        DownloadAttachment
        EchoStream
        Ping
        RotateWidgetKey
        ListWidgets
        WhoAmI
    ]
    // Errors every operation can answer with, besides its own.
    errors: [
        ServiceUnavailable
    ]
}

// =================================================================================================
// Operations
// =================================================================================================

// POST with a JSON body in input and output; custom success code (201); every body type: all
// scalars, the three timestamp formats plus the default, enums, intEnums, nested structures,
// unions, lists, lists of structures, lists of unions, maps, maps of structures, maps of lists;
// @jsonName, @default and @required on body members; errors 400, 409 (extra members), 500.
/// Creates a widget from a JSON description and returns it with its new identifier.
@http(method: "POST", uri: "/widgets", code: 201)
operation CreateWidget {
    input: CreateWidgetInput
    output: CreateWidgetOutput
    errors: [
        ValidationException
        WidgetConflict
        InternalFailure
    ]
}

// PUT with a label and a JSON body; @httpResponseCode in the output (200 when replaced, 201 when
// created); @idempotent.
/// Creates or replaces the widget with the given identifier.
@idempotent
@http(method: "PUT", uri: "/widgets/{widgetId}", code: 200)
operation PutWidget {
    input: PutWidgetInput
    output: PutWidgetOutput
    errors: [
        ValidationException
        WidgetConflict
        InternalFailure
    ]
}

// GET with a label and query parameters, one of them list-valued and two with defaults; output
// header and JSON body; errors 400, 404 (extra members), 500.
/// Reads a widget, optionally a given version of it and only some of its fields.
@readonly
@http(method: "GET", uri: "/widgets/{widgetId}", code: 200)
operation GetWidget {
    input: GetWidgetInput
    output: GetWidgetOutput
    errors: [
        ValidationException
        WidgetNotFound
        InternalFailure
    ]
}

// DELETE with a label, a boolean query parameter and a header; empty output with code 204; four
// modeled errors (400, 404, 409, 500).
/// Deletes a widget.
@idempotent
@http(method: "DELETE", uri: "/widgets/{widgetId}", code: 204)
operation DeleteWidget {
    input: DeleteWidgetInput
    output: DeleteWidgetOutput
    errors: [
        ValidationException
        WidgetNotFound
        WidgetConflict
        InternalFailure
    ]
}

// @httpLabel of every type a label may have: string, boolean, byte, short, integer, long, float,
// double, timestamp (default = date-time, and date-time, http-date, epoch-seconds explicitly),
// enum, intEnum; with @length, @pattern and @range on them. The output echoes them in JSON.
/// Echoes the values of its path labels.
@readonly
@http(
    method: "GET"
    uri: "/labels/{string}/{boolean}/{byte}/{short}/{integer}/{long}/{float}/{double}/{timestamp}/{dateTime}/{httpDate}/{epochSeconds}/{enum}/{intEnum}"
    code: 200
)
operation EchoLabels {
    input: EchoLabelsInput
    output: EchoLabelsOutput
    errors: [
        ValidationException
    ]
}

// @httpQuery of every scalar type (timestamps in all formats), list-valued query parameters
// (strings, integers, booleans, doubles, timestamps, enums, intEnums), a required query
// parameter, defaults (integer, enum, boolean), constraints on scalars and on lists.
/// Echoes the values of its query parameters.
@readonly
@http(method: "GET", uri: "/query", code: 200)
operation EchoQuery {
    input: EchoQueryInput
    output: EchoQueryOutput
    errors: [
        ValidationException
    ]
}

// @httpHeader of every scalar type in input AND output (timestamps: default = http-date, plus
// date-time, http-date and epoch-seconds explicitly), list-valued headers (strings, integers,
// booleans, timestamps, enums, intEnums), a required header, constraints on headers. No body.
/// Echoes the values of its request headers as response headers.
@http(method: "POST", uri: "/headers", code: 200)
operation EchoHeaders {
    input: EchoHeadersInput
    output: EchoHeadersOutput
    errors: [
        ValidationException
    ]
}

// @httpPayload targeting a structure, in input and output, next to a label and headers.
/// Replaces the settings of a widget; the request and response bodies are the settings document.
@idempotent
@http(method: "PUT", uri: "/widgets/{widgetId}/settings", code: 200)
operation UpdateWidgetSettings {
    input: UpdateWidgetSettingsInput
    output: UpdateWidgetSettingsOutput
    errors: [
        ValidationException
        WidgetNotFound
        InternalFailure
    ]
}

// @httpPayload targeting a string (text/plain), in input (with @length) and output.
/// Replaces the free-text notes of a widget and returns the previous notes.
@idempotent
@http(method: "PUT", uri: "/widgets/{widgetId}/notes", code: 200)
operation PutWidgetNotes {
    input: PutWidgetNotesInput
    output: PutWidgetNotesOutput
    errors: [
        ValidationException
        WidgetNotFound
        InternalFailure
    ]
}

// @httpPayload targeting a blob in input (application/octet-stream), two labels, headers; JSON
// output with a timestamp.
/// Stores a binary attachment of a widget under a name.
@idempotent
@http(method: "PUT", uri: "/widgets/{widgetId}/attachments/{attachmentName}", code: 200)
operation UploadAttachment {
    input: UploadAttachmentInput
    output: UploadAttachmentOutput
    errors: [
        ValidationException
        WidgetNotFound
        InternalFailure
    ]
}

// @httpPayload targeting a blob in output, with output headers (long, timestamp, string).
/// Returns the bytes of a widget's attachment.
@readonly
@http(method: "GET", uri: "/widgets/{widgetId}/attachments/{attachmentName}", code: 200)
operation DownloadAttachment {
    input: DownloadAttachmentInput
    output: DownloadAttachmentOutput
    errors: [
        ValidationException
        WidgetNotFound
        InternalFailure
    ]
}

// @streaming blob payloads in input and output, beside headers: the server reads the request's
// stream and answers with a stream; the client sends a stream and gets the answer's as it comes.
/// Echoes a stream of bytes back, reversed, with its length.
@http(method: "POST", uri: "/echo-stream", code: 200)
operation EchoStream {
    input: EchoStreamInput
    output: EchoStreamOutput
    errors: [
        InternalFailure
    ]
}

// No input at all (smithy.api#Unit), no constrained input (so no ValidationException); a JSON
// output with a required enum and a default-format timestamp; one server error.
/// Tells whether the service is up.
@readonly
@http(method: "GET", uri: "/ping", code: 200)
@auth([])
operation Ping {
    output: PingOutput
    errors: [
        InternalFailure
    ]
}

// @sensitive in each HTTP binding and in the body: redacted in Debug output and in the logs of
// smithy-rs's InstrumentPlugin.
/// Replaces a widget's key.
@http(method: "POST", uri: "/widgets/{widgetId}/key", code: 200)
operation RotateWidgetKey {
    input: RotateWidgetKeyInput
    output: RotateWidgetKeyOutput
    errors: [
        ValidationException
    ]
}

// Auth: the server answers with what authorized the request (it checks nothing).
/// Says how the request was authorized.
@readonly
@http(method: "GET", uri: "/whoami", code: 200)
operation WhoAmI {
    output: WhoAmIOutput
}

// @paginated: the client's paginator follows nextToken, maxResults is the page size, widgets the
// items.
/// Lists the identifiers of the widgets, a page at a time.
@readonly
@paginated(inputToken: "nextToken", outputToken: "nextToken", pageSize: "maxResults", items: "widgetIds")
@http(method: "GET", uri: "/widgets", code: 200)
operation ListWidgets {
    input: ListWidgetsInput
    output: ListWidgetsOutput
    errors: [
        ValidationException
    ]
}

// =================================================================================================
// Operation inputs and outputs
// =================================================================================================

// --- CreateWidget --------------------------------------------------------------------------------

@input
structure CreateWidgetInput {
    /// Display name (required; length and pattern on the target shape).
    @required
    name: WidgetName

    /// Kind of widget. A member named after a Rust keyword, serialized under another JSON key.
    @required
    @jsonName("widgetType")
    type: WidgetKind

    /// How many to build (default on a range-constrained integer).
    @default(1)
    quantity: Quantity

    /// Size (default on an enum).
    @default("MEDIUM")
    size: WidgetSize

    /// Priority (default on an intEnum).
    @default(2)
    priority: Priority

    /// Whether the widget breaks easily (default on a boolean).
    @default(false)
    fragile: Boolean

    /// Weight in kilograms (default on a range-constrained double).
    @default(1.5)
    weightKg: WeightKg

    /// Free-form description (member-level @length, no pattern).
    @length(max: 1024)
    description: String

    /// One value of every scalar type.
    scalars: ScalarValues

    /// Nested structures, two levels deep.
    dimensions: Dimensions

    /// A union.
    shape: WidgetShape

    /// Other shapes the widget may take (a list of unions).
    alternativeShapes: WidgetShapeList

    /// A constrained list of constrained strings.
    @jsonName("Tags")
    tags: TagList

    /// A list of structures.
    components: ComponentList

    /// A map with constrained string keys and values.
    attributes: AttributeMap

    /// A map of structures.
    componentsByName: ComponentMap

    /// A map of lists.
    groups: GroupMap
}

@output
structure CreateWidgetOutput {
    /// The widget as stored.
    @required
    widget: Widget
}

// --- PutWidget -----------------------------------------------------------------------------------

@input
structure PutWidgetInput {
    /// Label; length and pattern on the target shape.
    @required
    @httpLabel
    widgetId: WidgetId

    /// Body member, required.
    @required
    name: WidgetName

    /// Body member, required, enum.
    @required
    @jsonName("widgetType")
    type: WidgetKind

    /// Body member with a default.
    @default("MEDIUM")
    size: WidgetSize

    /// Body member with a member-level @range on a long.
    @range(min: 0, max: 1000000)
    expectedVersion: Long

    /// Body member, nested structure.
    scalars: ScalarValues

    /// Body member, union.
    shape: WidgetShape

    /// Body member, list.
    tags: TagList

    /// Body member, map.
    attributes: AttributeMap
}

@output
structure PutWidgetOutput {
    /// 201 when the widget was created, 200 when it replaced an existing one.
    @httpResponseCode
    status: Integer

    /// The widget as stored.
    @required
    widget: Widget
}

// --- GetWidget -----------------------------------------------------------------------------------

@input
structure GetWidgetInput {
    /// Label.
    @required
    @httpLabel
    widgetId: WidgetId

    /// Optional query parameter: a version, range-constrained long.
    @httpQuery("version")
    version: Version

    /// List-valued query parameter (?field=name&field=tags), constrained list of enums.
    @httpQuery("field")
    fields: WidgetFieldList

    /// Query parameter with a default boolean.
    @httpQuery("includeDeleted")
    @default(false)
    includeDeleted: Boolean

    /// Query parameter with a default intEnum.
    @httpQuery("minPriority")
    @default(1)
    minPriority: Priority
}

@output
structure GetWidgetOutput {
    /// Entity tag of the returned version (response header).
    @httpHeader("ETag")
    etag: String

    /// When the widget was last changed (response header, default format http-date).
    @httpHeader("Last-Modified")
    lastModified: Timestamp

    /// The widget (JSON body).
    @required
    widget: Widget
}

// --- DeleteWidget --------------------------------------------------------------------------------

@input
structure DeleteWidgetInput {
    /// Label.
    @required
    @httpLabel
    widgetId: WidgetId

    /// Boolean query parameter with a default.
    @httpQuery("force")
    @default(false)
    force: Boolean

    /// Delete only if the widget is at this version (request header, range-constrained long).
    @httpHeader("If-Match-Version")
    ifMatchVersion: Version
}

@output
structure DeleteWidgetOutput {}

// --- EchoLabels ----------------------------------------------------------------------------------

@input
structure EchoLabelsInput {
    /// String label: member-level @length and @pattern.
    @required
    @httpLabel
    @length(min: 1, max: 32)
    @pattern("^[A-Za-z0-9_.~-]+$")
    string: String

    @required
    @httpLabel
    boolean: Boolean

    /// Byte label, member-level @range.
    @required
    @httpLabel
    @range(min: -100, max: 100)
    byte: Byte

    @required
    @httpLabel
    short: SmallShort

    @required
    @httpLabel
    integer: Quantity

    @required
    @httpLabel
    long: Version

    /// Float label, member-level @range.
    @required
    @httpLabel
    @range(min: -1000.5, max: 1000.5)
    float: Float

    @required
    @httpLabel
    double: WeightKg

    /// Timestamp label without @timestampFormat (date-time by default in labels).
    @required
    @httpLabel
    timestamp: Timestamp

    @required
    @httpLabel
    @timestampFormat("date-time")
    dateTime: Timestamp

    /// http-date in a label: contains spaces and commas, so it is percent-encoded.
    @required
    @httpLabel
    @timestampFormat("http-date")
    httpDate: Timestamp

    /// epoch-seconds given on the target shape, not on the member.
    @required
    @httpLabel
    epochSeconds: EpochSeconds

    @required
    @httpLabel
    enum: Color

    @required
    @httpLabel
    intEnum: Priority
}

@output
structure EchoLabelsOutput {
    @required
    string: String

    @required
    boolean: Boolean

    @required
    byte: Byte

    @required
    short: Short

    @required
    integer: Integer

    @required
    long: Long

    @required
    float: Float

    @required
    double: Double

    /// Echoed in the JSON body with the body's default format (epoch-seconds).
    @required
    timestamp: Timestamp

    @required
    @timestampFormat("date-time")
    dateTime: Timestamp

    @required
    @timestampFormat("http-date")
    httpDate: Timestamp

    @required
    epochSeconds: EpochSeconds

    @required
    enum: Color

    @required
    intEnum: Priority
}

// --- EchoQuery -----------------------------------------------------------------------------------

@input
structure EchoQueryInput {
    /// Required query parameter, member-level @length and @pattern.
    @required
    @httpQuery("q")
    @length(min: 1, max: 100)
    @pattern("^[^\\s]+( [^\\s]+)*$")
    query: String

    @httpQuery("string")
    string: WidgetName

    @httpQuery("boolean")
    boolean: Boolean

    @httpQuery("byte")
    @range(min: 0, max: 100)
    byte: Byte

    @httpQuery("short")
    short: SmallShort

    @httpQuery("integer")
    integer: Quantity

    @httpQuery("long")
    long: Version

    @httpQuery("float")
    float: Ratio

    @httpQuery("double")
    double: WeightKg

    /// Timestamp query parameter without @timestampFormat (date-time by default in queries).
    @httpQuery("timestamp")
    timestamp: Timestamp

    @httpQuery("dateTime")
    @timestampFormat("date-time")
    dateTime: Timestamp

    @httpQuery("httpDate")
    @timestampFormat("http-date")
    httpDate: Timestamp

    @httpQuery("epochSeconds")
    @timestampFormat("epoch-seconds")
    epochSeconds: Timestamp

    @httpQuery("enum")
    enum: Color

    @httpQuery("intEnum")
    intEnum: Priority

    /// Default on an integer query parameter (range-constrained target).
    @httpQuery("pageSize")
    @default(25)
    pageSize: PageSize

    /// Default on an enum query parameter.
    @httpQuery("order")
    @default("ascending")
    order: SortOrder

    /// Default on a boolean query parameter.
    @httpQuery("verbose")
    @default(true)
    verbose: Boolean

    /// List of constrained strings (?tag=a&tag=b), list length constrained too.
    @httpQuery("tag")
    tags: TagList

    /// List of range-constrained integers, member-level @length on the list.
    @httpQuery("integerList")
    @length(max: 5)
    integers: QuantityList

    @httpQuery("booleanList")
    booleans: BooleanList

    @httpQuery("doubleList")
    doubles: DoubleList

    /// List of timestamps with the default query format (date-time).
    @httpQuery("timestampList")
    timestamps: TimestampList

    /// List of timestamps with @timestampFormat("epoch-seconds") on the list member.
    @httpQuery("epochSecondsList")
    epochSecondsList: EpochSecondsList

    @httpQuery("enumList")
    enums: ColorList

    @httpQuery("intEnumList")
    intEnums: PriorityList
}

@output
structure EchoQueryOutput {
    @required
    query: String

    string: String

    boolean: Boolean

    byte: Byte

    short: Short

    integer: Integer

    long: Long

    float: Float

    double: Double

    timestamp: Timestamp

    @timestampFormat("date-time")
    dateTime: Timestamp

    @timestampFormat("http-date")
    httpDate: Timestamp

    @timestampFormat("epoch-seconds")
    epochSeconds: Timestamp

    enum: Color

    intEnum: Priority

    /// Output member with a default (always present in the JSON).
    @default(25)
    pageSize: Integer

    @default("ascending")
    order: SortOrder

    @default(true)
    verbose: Boolean

    tags: TagList

    integers: QuantityList

    booleans: BooleanList

    doubles: DoubleList

    timestamps: TimestampList

    epochSecondsList: EpochSecondsList

    enums: ColorList

    intEnums: PriorityList
}

// --- EchoHeaders ---------------------------------------------------------------------------------

@input
structure EchoHeadersInput {
    /// Required header, member-level @length and @pattern.
    @required
    @httpHeader("X-Request-Id")
    @length(min: 8, max: 64)
    @pattern("^[0-9a-f-]+$")
    requestId: String

    @httpHeader("X-String")
    string: WidgetName

    @httpHeader("X-Boolean")
    boolean: Boolean

    @httpHeader("X-Byte")
    byte: Byte

    @httpHeader("X-Short")
    short: SmallShort

    @httpHeader("X-Integer")
    integer: Quantity

    @httpHeader("X-Long")
    long: Version

    @httpHeader("X-Float")
    float: Ratio

    /// Double header, member-level @range.
    @httpHeader("X-Double")
    @range(min: 0, max: 1.0E6)
    double: Double

    /// Timestamp header without @timestampFormat (http-date by default in headers).
    @httpHeader("X-Timestamp")
    timestamp: Timestamp

    @httpHeader("X-Date-Time")
    @timestampFormat("date-time")
    dateTime: Timestamp

    @httpHeader("X-Http-Date")
    @timestampFormat("http-date")
    httpDate: Timestamp

    @httpHeader("X-Epoch-Seconds")
    epochSeconds: EpochSeconds

    @httpHeader("X-Enum")
    enum: Color

    @httpHeader("X-Int-Enum")
    intEnum: Priority

    /// List-valued header of constrained strings (comma-separated on the wire).
    @httpHeader("X-String-List")
    strings: TagList

    @httpHeader("X-Integer-List")
    integers: QuantityList

    @httpHeader("X-Boolean-List")
    booleans: BooleanList

    /// List of http-date timestamps: each value itself contains a comma.
    @httpHeader("X-Timestamp-List")
    timestamps: HttpDateList

    @httpHeader("X-Enum-List")
    enums: ColorList

    @httpHeader("X-Int-Enum-List")
    intEnums: PriorityList
}

@output
structure EchoHeadersOutput {
    @required
    @httpHeader("X-Request-Id")
    requestId: String

    @httpHeader("X-String")
    string: String

    @httpHeader("X-Boolean")
    boolean: Boolean

    @httpHeader("X-Byte")
    byte: Byte

    @httpHeader("X-Short")
    short: Short

    @httpHeader("X-Integer")
    integer: Integer

    @httpHeader("X-Long")
    long: Long

    @httpHeader("X-Float")
    float: Float

    @httpHeader("X-Double")
    double: Double

    @httpHeader("X-Timestamp")
    timestamp: Timestamp

    @httpHeader("X-Date-Time")
    @timestampFormat("date-time")
    dateTime: Timestamp

    @httpHeader("X-Http-Date")
    @timestampFormat("http-date")
    httpDate: Timestamp

    @httpHeader("X-Epoch-Seconds")
    epochSeconds: EpochSeconds

    @httpHeader("X-Enum")
    enum: Color

    @httpHeader("X-Int-Enum")
    intEnum: Priority

    @httpHeader("X-String-List")
    strings: TagList

    @httpHeader("X-Integer-List")
    integers: QuantityList

    @httpHeader("X-Boolean-List")
    booleans: BooleanList

    @httpHeader("X-Timestamp-List")
    timestamps: HttpDateList

    @httpHeader("X-Enum-List")
    enums: ColorList

    @httpHeader("X-Int-Enum-List")
    intEnums: PriorityList
}

// --- UpdateWidgetSettings ------------------------------------------------------------------------

@input
structure UpdateWidgetSettingsInput {
    @required
    @httpLabel
    widgetId: WidgetId

    /// Header next to a structure payload.
    @httpHeader("X-Settings-Revision")
    revision: Version

    /// The whole request body (JSON object).
    @required
    @httpPayload
    settings: WidgetSettings
}

@output
structure UpdateWidgetSettingsOutput {
    /// Header next to a structure payload.
    @httpHeader("X-Settings-Revision")
    revision: Long

    /// The whole response body (JSON object); optional, so the body may be empty.
    @httpPayload
    settings: WidgetSettings
}

// --- PutWidgetNotes ------------------------------------------------------------------------------

@input
structure PutWidgetNotesInput {
    @required
    @httpLabel
    widgetId: WidgetId

    /// The whole request body, as text (member-level @length).
    @required
    @httpPayload
    @length(max: 4096)
    notes: String
}

@output
structure PutWidgetNotesOutput {
    /// The whole response body, as text: the notes before this call; absent if there were none.
    @httpPayload
    previousNotes: String
}

// --- UploadAttachment ----------------------------------------------------------------------------

@input
structure UploadAttachmentInput {
    @required
    @httpLabel
    widgetId: WidgetId

    /// Second label: a constrained file name.
    @required
    @httpLabel
    attachmentName: AttachmentName

    /// Optional header describing the bytes.
    @httpHeader("X-Attachment-Description")
    @length(max: 256)
    description: String

    /// The whole request body, raw bytes.
    @required
    @httpPayload
    data: Blob
}

@output
structure UploadAttachmentOutput {
    /// Number of bytes stored.
    @required
    sizeBytes: Long

    /// When the attachment was stored (JSON body, date-time on the member).
    @required
    @timestampFormat("date-time")
    @jsonName("uploaded_at")
    uploadedAt: Timestamp
}

// --- DownloadAttachment --------------------------------------------------------------------------

@input
structure DownloadAttachmentInput {
    @required
    @httpLabel
    widgetId: WidgetId

    @required
    @httpLabel
    attachmentName: AttachmentName
}

@output
structure DownloadAttachmentOutput {
    /// Size of the body (long header).
    @httpHeader("X-Attachment-Size")
    sizeBytes: Long

    /// When the attachment was stored (timestamp header, date-time format).
    @httpHeader("X-Uploaded-At")
    @timestampFormat("date-time")
    uploadedAt: Timestamp

    @httpHeader("X-Attachment-Description")
    description: String

    /// The whole response body, raw bytes.
    @httpPayload
    data: Blob
}

// --- RotateWidgetKey -----------------------------------------------------------------------------

@input
structure RotateWidgetKeyInput {
    @required
    @httpLabel
    widgetId: WidgetId

    /// The current key.
    @httpHeader("X-Widget-Key")
    currentKey: Secret

    /// A one-time code.
    @httpQuery("otp")
    otp: Secret

    /// The new key's passphrase.
    passphrase: Secret

    /// Why the key is replaced (not sensitive).
    reason: String
}

@output
structure RotateWidgetKeyOutput {
    /// The new key's fingerprint.
    @httpHeader("X-Key-Fingerprint")
    fingerprint: Secret

    /// The new key.
    key: WidgetKey

    /// Its identifier (not sensitive).
    keyId: String
}

/// A secret value.
@sensitive
string Secret

/// A key: sensitive as a whole.
@sensitive
structure WidgetKey {
    @required
    material: String
}

// --- WhoAmI --------------------------------------------------------------------------------------

@output
structure WhoAmIOutput {
    /// The request's Authorization header.
    authorization: String

    /// The request's X-Api-Key header.
    apiKey: String
}

// --- ListWidgets ---------------------------------------------------------------------------------

@input
structure ListWidgetsInput {
    @httpQuery("nextToken")
    nextToken: String

    @httpQuery("maxResults")
    @range(min: 1, max: 100)
    maxResults: Integer
}

@output
structure ListWidgetsOutput {
    widgetIds: WidgetIdList

    nextToken: String
}

list WidgetIdList {
    member: String
}

// --- Ping ----------------------------------------------------------------------------------------

@output
structure PingOutput {
    @required
    status: HealthStatus

    /// Server clock, epoch-seconds (the JSON default).
    serverTime: Timestamp
}

// =================================================================================================
// Aggregate shapes
// =================================================================================================

/// A widget as the service returns it.
structure Widget {
    @required
    id: WidgetId

    @required
    name: WidgetName

    @required
    @jsonName("widgetType")
    type: WidgetKind

    @required
    version: Version

    @default("MEDIUM")
    size: WidgetSize

    @default(2)
    priority: Priority

    @default(1)
    quantity: Quantity

    @default(false)
    fragile: Boolean

    /// Creation time: a timestamp in a body with the default format (epoch-seconds).
    @required
    createdAt: Timestamp

    /// Last change, date-time on the member.
    @timestampFormat("date-time")
    updatedAt: Timestamp

    description: String

    scalars: ScalarValues

    dimensions: Dimensions

    shape: WidgetShape

    alternativeShapes: WidgetShapeList

    @jsonName("Tags")
    tags: TagList

    components: ComponentList

    attributes: AttributeMap

    componentsByName: ComponentMap

    groups: GroupMap

    settings: WidgetSettings
}

/// One value of every scalar type, each with a different kind of constraint.
structure ScalarValues {
    /// A label for this set of values: a required member inside a nested structure.
    @required
    label: String

    @length(min: 1, max: 64)
    stringValue: String

    booleanValue: Boolean

    @range(min: -128, max: 127)
    byteValue: Byte

    shortValue: SmallShort

    integerValue: Quantity

    longValue: Version

    floatValue: Ratio

    doubleValue: WeightKg

    /// Base64 in JSON.
    blobValue: Blob

    /// Body default: epoch-seconds.
    timestampValue: Timestamp

    @timestampFormat("date-time")
    dateTimeValue: Timestamp

    @timestampFormat("http-date")
    httpDateValue: Timestamp

    @timestampFormat("epoch-seconds")
    epochSecondsValue: Timestamp

    /// Format given on the target shape.
    epochSecondsShapeValue: EpochSeconds

    enumValue: Color

    intEnumValue: Priority

    /// A JSON key that is not the member name.
    @jsonName("snake_case_value")
    renamedValue: String
}

/// Size of a widget, in centimetres (nested structure, level 1).
structure Dimensions {
    @required
    @range(min: 0, max: 10000)
    widthCm: Float

    @required
    @range(min: 0, max: 10000)
    heightCm: Float

    depthCm: Float

    /// Nested structure, level 2.
    origin: Point
}

/// A point (nested structure, level 2).
structure Point {
    @required
    x: Integer

    @required
    y: Integer
}

/// A circle.
structure Circle {
    @required
    @range(min: 1, max: 1000)
    radius: Integer
}

/// A rectangle.
structure Rectangle {
    @required
    width: Integer

    @required
    height: Integer
}

/// The geometric shape of a widget: exactly one member is set.
union WidgetShape {
    /// A structure variant.
    circle: Circle

    rectangle: Rectangle

    /// A constrained string variant.
    freeform: WidgetName

    /// A range-constrained integer variant.
    sides: Quantity

    /// A boolean variant.
    hollow: Boolean

    /// A blob variant (base64 in JSON).
    bitmap: Blob

    /// An enum variant, with a different JSON key.
    @jsonName("colour")
    color: Color

    /// A timestamp variant (epoch-seconds in JSON).
    timestamp: Timestamp

    /// A list variant.
    points: PointList

    /// A map variant.
    labels: AttributeMap
}

/// A component of a widget (element of a list and of a map).
structure Component {
    @required
    name: WidgetName

    @required
    @range(min: 1, max: 1000)
    count: Integer

    /// A list inside a structure inside a list.
    tags: TagList

    /// Union inside a structure inside a list.
    shape: WidgetShape
}

/// Settings of a widget (the structure sent as @httpPayload).
structure WidgetSettings {
    @required
    visibility: Visibility

    @default(60)
    @range(min: 1, max: 3600)
    refreshSeconds: Integer

    @default(true)
    notify: Boolean

    @jsonName("notify_emails")
    notifyEmails: EmailList

    thresholds: ThresholdMap
}

// --- Lists -----------------------------------------------------------------------------------------

/// 0 to 10 tags.
@length(max: 10)
list TagList {
    member: Tag
}

/// At least one component, at most 50 (list of structures).
@length(min: 1, max: 50)
list ComponentList {
    member: Component
}

/// A list of unions.
list WidgetShapeList {
    member: WidgetShape
}

/// A list of structures, unconstrained.
list PointList {
    member: Point
}

/// 1 to 5 fields of a widget.
@length(min: 1, max: 5)
list WidgetFieldList {
    member: WidgetField
}

list QuantityList {
    member: Quantity
}

list BooleanList {
    member: Boolean
}

list DoubleList {
    member: Double
}

/// Timestamps without a format: the format of the binding applies (date-time in a query,
/// http-date in a header, epoch-seconds in JSON).
list TimestampList {
    member: Timestamp
}

/// Timestamps with the format on the list member.
list EpochSecondsList {
    @timestampFormat("epoch-seconds")
    member: Timestamp
}

/// http-date timestamps (each contains a comma when sent in a header).
@length(max: 3)
list HttpDateList {
    @timestampFormat("http-date")
    member: Timestamp
}

list ColorList {
    member: Color
}

list PriorityList {
    member: Priority
}

@length(max: 5)
list EmailList {
    member: Email
}

// --- Maps ------------------------------------------------------------------------------------------

/// 0 to 20 attributes; constrained keys and values.
@length(max: 20)
map AttributeMap {
    key: AttributeKey
    value: AttributeValue
}

/// A map of structures.
map ComponentMap {
    key: String
    value: Component
}

/// A map of lists: group name -> tags; 1 to 10 groups.
@length(min: 1, max: 10)
map GroupMap {
    key: String
    value: TagList
}

/// Threshold name -> value (map of doubles with constrained values).
map ThresholdMap {
    key: String
    value: WeightKg
}

// =================================================================================================
// Simple shapes
// =================================================================================================

/// Identifier of a widget: 3 to 36 lowercase letters, digits or dashes.
@length(min: 3, max: 36)
@pattern("^[a-z0-9][a-z0-9-]*$")
string WidgetId

/// A widget name: printable, starts with a letter.
@length(min: 1, max: 64)
@pattern("^[A-Za-z][A-Za-z0-9 _-]*$")
string WidgetName

/// A tag: 1 to 32 characters from a small set.
@length(min: 1, max: 32)
@pattern("^[a-z0-9:_-]+$")
string Tag

/// Name of an attachment: a file name with an extension.
@length(min: 1, max: 128)
@pattern("^[A-Za-z0-9_-]+\\.[A-Za-z0-9]{1,8}$")
string AttachmentName

/// Key of an attribute.
@length(min: 1, max: 32)
@pattern("^[a-zA-Z_][a-zA-Z0-9_]*$")
string AttributeKey

/// Value of an attribute.
@length(max: 256)
string AttributeValue

@documentation("An e-mail address, checked by a loose pattern only (written with @documentation, not ///).")
@length(min: 3, max: 254)
@pattern("^[^@\\s]+@[^@\\s]+$")
string Email

/// 0 to 1000 (integer range).
@range(min: 0, max: 1000)
integer Quantity

/// 1 to 100 (integer range), page size.
@range(min: 1, max: 100)
integer PageSize

/// A version number, 1 or more (long range with only a minimum).
@range(min: 1)
long Version

/// -1000 to 1000 (short range).
@range(min: -1000, max: 1000)
short SmallShort

/// 0.0 to 1.0 (float range).
@range(min: 0, max: 1)
float Ratio

/// 0.1 to 5000 kilograms (double range with fractional bounds).
@range(min: 0.1, max: 5000.0)
double WeightKg

/// A timestamp whose format is set on the shape rather than on members.
@timestampFormat("epoch-seconds")
timestamp EpochSeconds

// --- Enums -----------------------------------------------------------------------------------------

/// Kinds of widget (enum whose values equal the names).
enum WidgetKind {
    GADGET
    GIZMO
    DOOHICKEY
}

/// Widget sizes.
enum WidgetSize {
    SMALL
    MEDIUM
    LARGE
    /// A value that is not a valid Rust identifier as written.
    EXTRA_LARGE = "x-large"
}

/// Colours (enum whose values differ from the names).
enum Color {
    RED = "red"
    GREEN = "green"
    BLUE = "blue"
    DARK_GREY = "dark grey"
}

/// Sort order of results.
enum SortOrder {
    ASCENDING = "ascending"
    DESCENDING = "descending"
}

/// Fields of a widget that GetWidget can select.
enum WidgetField {
    NAME = "name"
    TAGS = "tags"
    SCALARS = "scalars"
    SHAPE = "shape"
    COMPONENTS = "components"
}

/// Who can see a widget.
enum Visibility {
    PUBLIC
    PRIVATE
}

/// Health of the service.
enum HealthStatus {
    OK = "ok"
    DEGRADED = "degraded"
}

/// Priority (intEnum; not contiguous).
intEnum Priority {
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 10
}

/// Type of a resource named in WidgetNotFound.
enum ResourceType {
    WIDGET = "widget"
    ATTACHMENT = "attachment"
}

// =================================================================================================
// Errors
// =================================================================================================

/// The request broke a constraint of the model (length, range, pattern, required, enum). The
/// generator is told by a setting to answer constraint violations with this error.
@error("client")
@httpError(400)
structure ValidationException {
    /// A summary of the violations.
    @required
    message: String

    /// One entry per violation.
    fieldList: ValidationExceptionFieldList
}

/// Violations listed in a ValidationException.
list ValidationExceptionFieldList {
    member: ValidationExceptionField
}

/// One violation.
structure ValidationExceptionField {
    /// JSON-pointer-like path of the offending member, e.g. /name.
    @required
    path: String

    /// What is wrong with it.
    @required
    message: String
}

/// The widget (or its attachment) does not exist. A 404 with members beyond the message.
@error("client")
@httpError(404)
structure WidgetNotFound {
    @required
    message: String

    /// Identifier that was looked up.
    @required
    widgetId: String

    /// What kind of resource was missing.
    @jsonName("resource_type")
    resourceType: ResourceType
}

/// The widget exists at another version, or is in use. A 409 with members beyond the message.
@error("client")
@httpError(409)
structure WidgetConflict {
    @required
    message: String

    /// Identifier of the widget in conflict.
    widgetId: String

    /// Version currently stored.
    currentVersion: Long

    /// Fields that conflict.
    conflictingFields: WidgetFieldList
}

/// The service failed; retrying may succeed.
@error("server")
@httpError(500)
structure InternalFailure {
    @required
    message: String
}

/// The service is overloaded: a service-level error, which every operation can answer with.
@error("server")
@httpError(503)
structure ServiceUnavailable {
    @required
    message: String

    /// When to try again.
    @httpHeader("Retry-After")
    retryAfterSeconds: Integer
}

// --- EchoStream ----------------------------------------------------------------------------------

@input
structure EchoStreamInput {
    /// Sent back in the output's header.
    @httpHeader("X-Label")
    label: String

    /// The bytes to echo.
    @httpPayload
    @required
    data: ByteStreamBlob
}

@output
structure EchoStreamOutput {
    /// The label of the input.
    @httpHeader("X-Label")
    label: String

    /// How many bytes the input had.
    @httpHeader("X-Length")
    length: Long

    /// The input's bytes, reversed.
    @httpPayload
    @required
    data: ByteStreamBlob
}

/// Bytes that come and go as a stream.
@streaming
blob ByteStreamBlob
