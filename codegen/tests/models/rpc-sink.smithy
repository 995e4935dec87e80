$version: "2.0"

// A service with the three RPC protocols, for testing that the generated server and client of each
// talk to each other over HTTP: every body type, a modeled error (also a service-level one), a
// constraint violation (answered with the validation exception the operation declares), a
// paginated operation (whose page is a constrained list only ever returned), and SigV4 (verified by the server; one operation with @optionalAuth, one
// without auth). The generator is told which protocol to use.

namespace example.rpcsink

use aws.auth#sigv4
use aws.protocols#awsJson1_0
use aws.protocols#awsJson1_1
use smithy.protocols#rpcv2Cbor

/// Echoes what it is sent.
@awsJson1_0
@awsJson1_1
@rpcv2Cbor
@sigv4(name: "rpcsink")
service RpcSink {
    version: "2024-01-01"
    operations: [
        Echo
        Fail
        ListItems
        Nothing
    ]
    errors: [
        Overloaded
    ]
}

/// Answers with its input.
operation Echo {
    input: EchoInput
    output: EchoOutput
    errors: [
        ValidationException
    ]
}

/// Answers with the error its input names.
operation Fail {
    input: FailInput
    output: FailOutput
    errors: [
        Refused
    ]
}

/// Pages of items.
@readonly
@auth([])
@paginated(inputToken: "nextToken", outputToken: "nextToken", pageSize: "pageSize", items: "items")
operation ListItems {
    input: ListItemsInput
    output: ListItemsOutput
    errors: [
        InvalidParameterException
    ]
}

/// No input, no output; callers may sign or not.
@optionalAuth
operation Nothing {}

@input
structure EchoInput {
    @required
    name: Name

    count: Integer

    big: Long

    ratio: Double

    small: Float

    flag: Boolean

    when: Timestamp

    data: Blob

    color: Color

    level: Level

    tags: TagList

    attributes: AttributeMap

    shape: Shape

    nested: Nested

    @default("fallback")
    withDefault: String
}

@output
structure EchoOutput {
    @required
    name: Name

    count: Integer

    big: Long

    ratio: Double

    small: Float

    flag: Boolean

    when: Timestamp

    data: Blob

    color: Color

    level: Level

    tags: TagList

    attributes: AttributeMap

    shape: Shape

    nested: Nested

    withDefault: String
}

@input
structure FailInput {
    /// `refused` or `overloaded`.
    @required
    how: String
}

@output
structure FailOutput {}

@input
structure ListItemsInput {
    nextToken: String

    pageSize: PageSize
}

/// 1 to 100 items a page.
@range(min: 1, max: 100)
integer PageSize

@output
structure ListItemsOutput {
    items: ItemPage

    nextToken: String
}

/// 1 to 20 characters.
@length(min: 1, max: 20)
string Name

enum Color {
    RED = "red"
    GREEN = "green"
}

intEnum Level {
    LOW = 1
    HIGH = 2
}

/// A page of items, at most 100 as PageSize allows. It is only ever returned, yet the server's
/// handler builds it with `model::ItemPage::try_from`, as in smithy-rs (#2760).
@length(max: 100)
list ItemPage {
    member: String
}

list TagList {
    member: String
}

map AttributeMap {
    key: String
    value: Integer
}

union Shape {
    circle: Double
    square: Nested
}

structure Nested {
    @required
    label: String

    child: Nested
}

/// A parameter breaks a constraint: ListItems' validation exception, where Echo's is
/// `ValidationException` (the generator is given both).
@error("client")
@httpError(400)
structure InvalidParameterException {
    message: String
}

/// The request was refused.
@error("client")
structure Refused {
    @required
    message: String

    reason: String
}

/// The service is overloaded (a service-level error).
@error("server")
structure Overloaded {
    message: String
}

/// A constraint violation.
@error("client")
structure ValidationException {
    @required
    message: String
}
