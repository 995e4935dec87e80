//! The resolved model: what the emitters generate from. [`crate::resolve`] builds it in one pass
//! from the AST and checks it on the way, so that nothing here can fail: every shape the service
//! reaches has its Rust type, its fields with their bindings, defaults and flags, its docs, its
//! constraints, its enum values and its error metadata, and every operation its route, auth
//! schemes and pagination. The emitters read this and never the AST. Its `Display` (`snapshot`)
//! writes it as text, which the tests keep for their models.

mod protocol_tests;
mod snapshot;

pub use protocol_tests::{
    EventHeader, EventStreamTest, HttpMessage, HttpTest, MalformedCase, MalformedRequestTest, TestEvent, TestSide,
};

use std::collections::{BTreeMap, BTreeSet};

pub use crate::ast::{Bounds, Node, TimestampFormat};

/// Which generated module a structure goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    Input,
    Output,
    Error,
    Model,
}

impl Module {
    pub fn name(self) -> &'static str {
        match self {
            Module::Input => "input",
            Module::Output => "output",
            Module::Error => "error",
            Module::Model => "model",
        }
    }
}

/// A scalar the way Rust holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    String,
    Bool,
    Byte,
    Short,
    Int,
    Long,
    Float,
    Double,
    Timestamp,
    Blob,
}

impl Prim {
    pub fn is_number(self) -> bool {
        matches!(self, Prim::Byte | Prim::Short | Prim::Int | Prim::Long | Prim::Float | Prim::Double)
    }
    pub fn is_float(self) -> bool {
        matches!(self, Prim::Float | Prim::Double)
    }
    /// Held by value in accessors (`Copy`).
    pub fn is_copy(self) -> bool {
        self == Prim::Bool || self.is_number()
    }
}

/// A list's member, or a map's key or value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'m> {
    pub target: &'m str,
    /// `@timestampFormat` of the member or of its target, if either has one.
    pub timestamp_format: Option<TimestampFormat>,
}

impl Item<'_> {
    /// The item's timestamp format, `default` where the model gives none.
    pub fn format(&self, default: TimestampFormat) -> TimestampFormat {
        self.timestamp_format.unwrap_or(default)
    }
}

/// The Rust shape of a Smithy shape.
#[derive(Debug, Clone, Copy)]
pub enum Ty<'m> {
    /// An unconstrained scalar, held as a plain Rust type.
    Prim(Prim),
    /// A scalar with `@length`, `@pattern` or `@range`: a newtype in `model`.
    Newtype(&'m str, Prim),
    /// A string enum: a Rust enum in `model`.
    Enum(&'m str),
    /// An intEnum, held as `i32`.
    IntEnum,
    /// A list; a newtype in `model` when it has `@length` or `@uniqueItems`. A `@sparse` list
    /// holds `Option`s (JSON `null` items).
    List {
        id: &'m str,
        member: Item<'m>,
        newtype: bool,
        sparse: bool,
    },
    /// A map with string keys; a newtype in `model` when it has `@length`. A `@sparse` map holds
    /// `Option`s (JSON `null` values).
    Map {
        id: &'m str,
        key: Item<'m>,
        value: Item<'m>,
        newtype: bool,
        sparse: bool,
    },
    Struct(&'m str),
    Union(&'m str),
    /// Any JSON value: `aws_smithy_types::Document`.
    Document,
}

/// Where a member of an operation's input, output or error goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding<'m> {
    Label(Scalar<'m>),
    /// A query parameter (in a response, restJson1 writes the member in the body).
    Query(&'m str, HttpValue<'m>),
    /// `@httpQueryParams`: a map of the query parameters.
    QueryParams,
    Header(&'m str, HttpValue<'m>),
    /// `@httpPrefixHeaders`: a map of the headers that start with the prefix (lowercase).
    PrefixHeaders(&'m str),
    Payload,
    ResponseCode,
    Body,
}

/// What a query parameter or a header holds: a scalar, or a list of scalars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpValue<'m> {
    One(Scalar<'m>),
    /// A dense list: its items, and its member (for their timestamp format).
    List(Scalar<'m>, Item<'m>),
}

/// A scalar shape, as labels, query parameters and headers hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scalar<'m> {
    pub target: &'m str,
    pub kind: ScalarKind,
}

/// The kinds of scalars HTTP carries outside bodies (blobs are not among them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    /// Unconstrained.
    Prim(Prim),
    /// With `@length`, `@pattern` or `@range`: a newtype on the server.
    Constrained(Prim),
    Enum,
    IntEnum,
}

impl<'m> Scalar<'m> {
    /// The scalar's Rust shape.
    pub fn ty(&self) -> Ty<'m> {
        match self.kind {
            ScalarKind::Prim(prim) => Ty::Prim(prim),
            ScalarKind::Constrained(prim) => Ty::Newtype(self.target, prim),
            ScalarKind::Enum => Ty::Enum(self.target),
            ScalarKind::IntEnum => Ty::IntEnum,
        }
    }

    /// The scalar of a Rust shape, if it is one HTTP carries outside bodies.
    pub fn of(target: &'m str, ty: Ty<'m>) -> Option<Scalar<'m>> {
        let kind = match ty {
            Ty::Prim(prim) if prim != Prim::Blob => ScalarKind::Prim(prim),
            Ty::Newtype(_, prim) if prim != Prim::Blob => ScalarKind::Constrained(prim),
            Ty::Enum(_) => ScalarKind::Enum,
            Ty::IntEnum => ScalarKind::IntEnum,
            _ => return None,
        };
        Some(Scalar { target, kind })
    }
}

/// A shape's or member's documentation and `@deprecated`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Docs<'m> {
    pub doc: Option<&'m str>,
    pub deprecated: Option<Deprecated<'m>>,
}

/// `@deprecated`'s message and since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecated<'m> {
    pub message: Option<&'m str>,
    pub since: Option<&'m str>,
}

/// One member of a structure or union, with everything generation needs.
#[derive(Debug, Clone, Copy)]
pub struct Field<'m> {
    /// The structure or union the member belongs to.
    pub container: &'m str,
    /// The member name in the model (also the path segment in violation messages).
    pub name: &'m str,
    /// The shape the member targets.
    pub target: &'m str,
    /// The key in JSON bodies (`@jsonName` or the member name).
    pub json: &'m str,
    pub required: bool,
    pub default: Option<DefaultValue<'m>>,
    pub binding: Binding<'m>,
    /// The timestamp format for this member in its binding.
    pub timestamp_format: TimestampFormat,
    pub docs: Docs<'m>,
    /// Left out of `Debug` output and logs: the member, its target or its container is
    /// `@sensitive`.
    pub redacted: bool,
    /// Boxed: its target leads back to its container through structures and unions alone
    /// (lists and maps are indirections already).
    pub boxed: bool,
    /// `@clientOptional`: an `Option` in clients even when required.
    pub client_optional: bool,
    /// `@idempotencyToken`: clients fill it in when the caller leaves it unset.
    pub idempotency_token: bool,
    /// `@hostLabel`: also bound to a label of the operation's host prefix.
    pub host_label: bool,
}

/// A member's `@default`, checked against its target when the service was resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue<'m> {
    String(&'m str),
    Bool(bool),
    /// An integer scalar's (or an intEnum's), in its range.
    Integer(i64),
    Float(f64),
    /// Epoch seconds.
    Timestamp(f64),
    /// Base64 text that decodes (empty for a stream, the only default a stream can have).
    Blob(&'m str),
    /// A value the enum has.
    Enum(&'m str),
    /// `[]` or `{}`, the only defaults lists and maps can have.
    Empty,
    Document(&'m Node),
}

impl Field<'_> {
    /// Held as `T` rather than `Option<T>`.
    pub fn is_always_set(&self) -> bool {
        self.required || self.default.is_some()
    }
}

/// One value of an enum (an `enum` shape's member or an `@enum` entry).
#[derive(Debug, Clone, Copy)]
pub struct EnumValue<'m> {
    /// The name the Rust variant is made of, e.g. `EXTRA_LARGE`.
    pub name: &'m str,
    /// The value on the wire, e.g. `x-large`.
    pub value: &'m str,
    pub docs: Docs<'m>,
    /// `@internal` (or an `@enum` entry tagged "internal").
    pub internal: bool,
}

/// A scalar's, list's or map's constraints (on shapes read from requests only; see [`Ty`]).
#[derive(Debug, Clone, Default)]
pub struct Constraints<'m> {
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    /// A regular expression that Rust's `regex` crate compiles (checked).
    pub pattern: Option<&'m str>,
    pub unique_items: bool,
}

/// What a modeled error says of itself.
#[derive(Debug, Clone)]
pub struct ErrorInfo<'m> {
    /// `@error("server")`, else the client's fault.
    pub server_fault: bool,
    /// `@httpError`.
    pub http_status: Option<u16>,
    /// `@retryable`, and whether it is for throttling.
    pub retryable: Option<bool>,
    /// `@awsQueryError`'s code, in an `@awsQueryCompatible` service.
    pub query_code: Option<&'m str>,
    /// Its `smithy.test#httpResponseTests` for the service's protocol.
    pub response_tests: Vec<HttpTest<'m>>,
}

impl ErrorInfo<'_> {
    /// The status it is answered with: its `@httpError`, else 500 for a server fault, 400
    /// otherwise.
    pub fn status(&self) -> u16 {
        self.http_status.unwrap_or(if self.server_fault { 500 } else { 400 })
    }
}

/// A shape the service reaches, resolved.
#[derive(Debug, Clone)]
pub struct Shape<'m> {
    pub ty: Ty<'m>,
    /// The Rust name: the shape's name in UpperCamelCase, or the service's `rename`.
    pub rust_name: String,
    pub docs: Docs<'m>,
    /// `@sensitive`, or a list or map that holds such values. (A structure or union redacts
    /// its own members.)
    pub sensitive: bool,
    /// A `@streaming` blob: a payload held as a `ByteStream`.
    pub streaming: bool,
    /// A structure with a `@streaming` member (a blob or an event stream) (it cannot be cloned or compared).
    pub has_stream: bool,
    /// `@mediaType`.
    pub media_type: Option<&'m str>,
    /// `@requiresLength` (a stream whose length must be known).
    pub requires_length: bool,
    /// A structure's or union's members: bound to HTTP in an operation's input, output or
    /// error, all in the body otherwise.
    pub fields: Vec<Field<'m>>,
    /// The members as the shape has them when it is the target of a member: all in the body.
    pub member_fields: Vec<Field<'m>>,
    pub constraints: Constraints<'m>,
    pub enum_values: Vec<EnumValue<'m>>,
    pub error: Option<ErrorInfo<'m>>,
    /// A `@streaming` union (an event stream): its events and its modeled errors. Its `fields`
    /// are the events alone (the union's Rust enum); the errors are `<Union>Error`'s variants.
    pub event_stream: Option<EventStream<'m>>,
}

/// An event stream: the messages of a `@streaming` union.
#[derive(Debug, Clone)]
pub struct EventStream<'m> {
    pub events: Vec<Event<'m>>,
    /// The union's members that target errors: (member name, the `:exception-type`; error id).
    pub errors: Vec<(&'m str, &'m str)>,
}

/// One event of an event stream: the union member (its name is the `:event-type`) and how the
/// members of the structure it targets go into a message.
#[derive(Debug, Clone)]
pub struct Event<'m> {
    pub member: Field<'m>,
    /// The target structure's `@eventHeader` members.
    pub headers: Vec<Field<'m>>,
    /// Its `@eventPayload` member, if it has one: the whole payload.
    pub payload: Option<Field<'m>>,
    /// Its other members: a JSON object as the payload (none when there are none).
    pub body: Vec<Field<'m>>,
}

/// A segment of an operation's URI path.
#[derive(Debug, Clone)]
pub enum Segment<'m> {
    Literal(String),
    Label(Box<Label<'m>>),
}

/// A label of the URI path (`{name}`), or a greedy one (`{name+}`: one or more segments,
/// slashes kept), and the input member bound to it.
#[derive(Debug, Clone, Copy)]
pub struct Label<'m> {
    pub field: Field<'m>,
    pub scalar: Scalar<'m>,
    pub greedy: bool,
    /// The member's position among the input's members.
    pub member: usize,
}

impl<'m> Segment<'m> {
    /// The label, if the segment is one.
    pub fn label(&self) -> Option<&Label<'m>> {
        match self {
            Segment::Label(label) => Some(label),
            Segment::Literal(_) => None,
        }
    }
}

#[derive(Debug)]
pub struct Operation<'m> {
    pub id: &'m str,
    /// The operation name in the model (PascalCase).
    pub name: &'m str,
    pub method: &'m str,
    pub segments: Vec<Segment<'m>>,
    /// Literal query parameters of the URI pattern (`?flag` or `?key=value`).
    pub query_literals: Vec<(String, Option<String>)>,
    pub code: u16,
    pub input: &'m str,
    pub output: &'m str,
    pub errors: Vec<&'m str>,
    pub docs: Docs<'m>,
    /// `@endpoint`'s host prefix, e.g. `foo.{label}.`: `{label}` names an input member with
    /// `@hostLabel` (which is in the body too).
    pub host_prefix: Option<&'m str>,
    /// `@httpChecksumRequired`: clients send the body's MD5 in `Content-MD5`.
    pub checksum_required: bool,
    /// `@requestCompression` with gzip: clients may gzip the body.
    pub gzip_request: bool,
    /// `@paginated` (the operation's, over the service's): clients get a paginator.
    pub paginated: Option<Paginated<'m>>,
    /// The auth schemes a client may use for the operation, most preferred first (its `@auth`,
    /// else the service's).
    pub auth: Vec<AuthScheme<'m>>,
    /// `@optionalAuth`: callers may also call it anonymously.
    pub optional_auth: bool,
    /// Its `smithy.test#httpRequestTests`, `httpResponseTests`, `httpMalformedRequestTests` and
    /// `eventStreamTests`.
    pub tests: ProtocolTests<'m>,
    /// The validation exception its constraint violations are answered with (an index into
    /// `Service::validations`): the first of the listed ones it declares, else the first.
    pub validation: usize,
    /// The input's and the output's `@streaming` payload member (a blob or an event stream), if
    /// they have one.
    pub input_stream: Option<Field<'m>>,
    pub output_stream: Option<Field<'m>>,
}

impl<'m> Operation<'m> {
    /// The labels of the URI path with their positions in it, in the order of the input's
    /// members.
    pub fn labels(&self) -> Vec<(usize, &Label<'m>)> {
        let mut labels: Vec<_> = self.segments.iter().enumerate().filter_map(|(i, s)| Some((i, s.label()?))).collect();
        labels.sort_by_key(|(_, label)| label.member);
        labels
    }
}

/// The protocol tests of an operation for the service's protocol.
#[derive(Debug, Clone, Default)]
pub struct ProtocolTests<'m> {
    pub request: Vec<HttpTest<'m>>,
    pub response: Vec<HttpTest<'m>>,
    pub malformed_request: Vec<MalformedRequestTest<'m>>,
    /// Its `smithy.test#eventStreamTests`.
    pub event_stream: Vec<EventStreamTest<'m>>,
}

/// An auth scheme of the service (an auth trait on the service shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme<'m> {
    /// `@aws.auth#sigv4`, with its signing name.
    SigV4 { name: &'m str },
    /// `@httpBearerAuth`: `Authorization: Bearer <token>`.
    Bearer,
    /// `@httpApiKeyAuth`: the key in the header or query parameter `name`, after `scheme` in a
    /// header when it has one.
    ApiKey { name: &'m str, in_header: bool, scheme: Option<&'m str> },
}

impl AuthScheme<'_> {
    /// The trait's shape id.
    pub fn id(&self) -> &'static str {
        match self {
            AuthScheme::SigV4 { .. } => "aws.auth#sigv4",
            AuthScheme::Bearer => "smithy.api#httpBearerAuth",
            AuthScheme::ApiKey { .. } => "smithy.api#httpApiKeyAuth",
        }
    }
}

/// The members `@paginated` names: the input and output tokens, and optionally the page size (an
/// input member) and the items (an output member).
#[derive(Debug, Clone, Copy)]
pub struct Paginated<'m> {
    pub input_token: Field<'m>,
    pub output_token: Field<'m>,
    pub page_size: Option<Field<'m>>,
    pub items: Option<PageItems<'m>>,
}

/// The output member that holds a page's items, and what they are.
#[derive(Debug, Clone, Copy)]
pub struct PageItems<'m> {
    pub field: Field<'m>,
    pub collection: Collection<'m>,
}

/// A list's or map's items.
#[derive(Debug, Clone, Copy)]
pub enum Collection<'m> {
    List { member: Item<'m>, sparse: bool },
    Map { key: Item<'m>, value: Item<'m>, sparse: bool },
}

/// The exception that constraint violations are answered with.
#[derive(Debug)]
pub struct ValidationException<'m> {
    /// Its shape id (`__type` in RPC protocols' bodies).
    pub id: &'m str,
    /// The name on the wire (`X-Amzn-Errortype`).
    pub name: &'m str,
    pub status: u16,
    /// JSON key of the message member.
    pub message: &'m str,
    /// JSON keys of the field list and of its items' path and message members.
    pub field_list: Option<(&'m str, &'m str, &'m str)>,
}

/// Synthetic shape ids for operations without an input or output structure.
pub const UNIT: &str = "smithy.api#Unit";

/// The wire protocol a crate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#restJson1`: HTTP bindings, JSON bodies.
    RestJson1,
    /// `aws.protocols#awsJson1_0`: `POST /`, the operation in `X-Amz-Target`, the whole input and
    /// output as JSON.
    AwsJson1_0,
    /// `aws.protocols#awsJson1_1`: as 1.0, another media type.
    AwsJson1_1,
    /// `smithy.protocols#rpcv2Cbor`: `POST /service/<service>/operation/<operation>`, the whole
    /// input and output as CBOR.
    RpcV2Cbor,
}

impl Protocol {
    /// The supported protocols, in the order a service with several is generated for when no
    /// protocol is chosen.
    pub const ALL: [Protocol; 4] =
        [Protocol::RestJson1, Protocol::AwsJson1_0, Protocol::AwsJson1_1, Protocol::RpcV2Cbor];

    /// The protocol trait's shape id.
    pub fn trait_id(self) -> &'static str {
        match self {
            Protocol::RestJson1 => "aws.protocols#restJson1",
            Protocol::AwsJson1_0 => "aws.protocols#awsJson1_0",
            Protocol::AwsJson1_1 => "aws.protocols#awsJson1_1",
            Protocol::RpcV2Cbor => "smithy.protocols#rpcv2Cbor",
        }
    }

    /// The name `--protocol` takes: the trait's name.
    pub fn name(self) -> &'static str {
        crate::names::shape_name(self.trait_id())
    }

    /// Whether members are bound to HTTP (else every member is in the JSON body).
    pub fn has_http_bindings(self) -> bool {
        self == Protocol::RestJson1
    }

    /// The media type of bodies (of JSON bodies, under restJson1).
    pub fn media_type(self) -> &'static str {
        match self {
            Protocol::RestJson1 => "application/json",
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
            Protocol::RpcV2Cbor => "application/cbor",
        }
    }

    /// Whether bodies are CBOR (else JSON).
    pub fn is_cbor(self) -> bool {
        self == Protocol::RpcV2Cbor
    }
}

/// The service resolved for generation in one protocol.
pub struct Service<'m> {
    pub id: &'m str,
    /// The service's name in the model, e.g. `AmazonConnectService`.
    pub name: &'m str,
    /// `@title`, else the name.
    pub title: &'m str,
    pub docs: Docs<'m>,
    /// The service's `version`.
    pub version: Option<&'m str>,
    pub operations: Vec<Operation<'m>>,
    /// Every shape the service reaches (and the prelude shapes members target).
    pub shapes: BTreeMap<&'m str, Shape<'m>>,
    /// Every error structure and every structure or union used as a member, with its module and
    /// Rust type name (operation inputs and outputs are named by their operation instead).
    pub structs: BTreeMap<String, (Module, String)>,
    /// Shapes read from requests (they get deserializers).
    pub read: BTreeSet<String>,
    /// Shapes written to responses.
    pub written: BTreeSet<String>,
    /// Shapes inside JSON request bodies (they get deserializers).
    pub read_json: BTreeSet<String>,
    /// Shapes inside JSON response bodies (they get serializers).
    pub written_json: BTreeSet<String>,
    /// The exceptions constraint violations are answered with: the one each operation uses is
    /// `Operation::validation`; the first is the crate's default.
    pub validations: Vec<ValidationException<'m>>,
    /// The service's auth schemes, in the order of its `@auth` (else of their trait ids).
    pub auth: Vec<AuthScheme<'m>>,
    pub protocol: Protocol,
    /// `@awsQueryCompatible`: errors also carry the code of the service's former awsQuery API.
    pub query_compatible: bool,
    pub features: Features,
}

/// What the crate needs beyond what every crate of its side has: the support code it carries and
/// the crates it depends on follow from these.
#[derive(Debug, Clone, Copy, Default)]
pub struct Features {
    /// A shape read from requests has `@pattern` (`regex`).
    pub regex: bool,
    /// An operation's input has a `@streaming` payload.
    pub input_streams: bool,
    /// An operation's output has a `@streaming` payload.
    pub output_streams: bool,
    /// An operation's input or output has an event stream.
    pub event_streams: bool,
    /// An operation has `@requestCompression` (gzip).
    pub compression: bool,
    /// An operation has `@httpChecksumRequired` (`Content-MD5`).
    pub checksums: bool,
    /// An operation has an `@endpoint` host prefix.
    pub host_prefixes: bool,
    /// The model has protocol tests for the server, and for the client.
    pub server_tests: bool,
    pub client_tests: bool,
}

impl<'m> Service<'m> {
    /// A shape the service reaches. The resolver put every such shape in [`Service::shapes`], so
    /// this cannot fail for the emitters.
    pub fn shape(&self, id: &str) -> &Shape<'m> {
        match self.shapes.get(id) {
            Some(shape) => shape,
            None => panic!("internal error: {id} is not a shape the service reaches"),
        }
    }

    /// The shape id as borrowed from the model (the service's sets hold owned ids).
    pub fn id(&self, id: &str) -> &'m str {
        self.shapes.get_key_value(id).map_or(UNIT, |(k, _)| *k)
    }

    /// The Rust shape of a shape the service reaches.
    pub fn ty(&self, id: &str) -> Ty<'m> {
        self.shape(id).ty
    }

    /// The members of a structure or union, with their bindings (`Body` outside inputs,
    /// outputs and errors).
    pub fn fields(&self, id: &str) -> &[Field<'m>] {
        self.shapes.get(id).map_or(&[], |shape| &shape.fields)
    }

    /// The members of a structure or union used as a member of another shape: all in the body.
    pub fn member_fields(&self, id: &str) -> &[Field<'m>] {
        self.shapes.get(id).map_or(&[], |shape| &shape.member_fields)
    }

    /// Whether `target` is a `@streaming` blob: a payload held as a `ByteStream`.
    pub fn is_streaming(&self, target: &str) -> bool {
        self.shapes.get(target).is_some_and(|shape| shape.streaming)
    }

    /// The event stream of a `@streaming` union, if `target` is one.
    pub fn event_stream(&self, target: &str) -> Option<&EventStream<'m>> {
        self.shapes.get(target).and_then(|shape| shape.event_stream.as_ref())
    }

    /// Whether a structure has a `@streaming` member (and so cannot be cloned or compared).
    pub fn has_stream(&self, id: &str) -> bool {
        self.shapes.get(id).is_some_and(|shape| shape.has_stream)
    }

    /// Whether values of shape `target` are `@sensitive`.
    pub fn is_sensitive(&self, target: &str) -> bool {
        self.shapes.get(target).is_some_and(|shape| shape.sensitive)
    }

    /// Whether a header of shape `target` is base64: a string with `@mediaType` (restJson1).
    pub fn is_base64_header(&self, target: &str) -> bool {
        self.shapes.get(target).is_some_and(|shape| shape.media_type.is_some())
    }

    /// The media type of a payload of shape `target`: its `@mediaType`, or restJson1's default
    /// (`text/plain` for strings and enums, `application/octet-stream` for blobs, JSON otherwise).
    pub fn payload_media_type(&self, target: &str) -> &'m str {
        let shape = self.shape(target);
        if shape.event_stream.is_some() {
            return "application/vnd.amazon.eventstream";
        }
        if let Some(media_type) = shape.media_type {
            return media_type;
        }
        match shape.ty {
            Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String) | Ty::Enum(_) => "text/plain",
            Ty::Prim(Prim::Blob) | Ty::Newtype(_, Prim::Blob) => "application/octet-stream",
            _ => "application/json",
        }
    }

    /// The Rust type name of a shape: its name in UpperCamelCase, or the service's `rename`.
    pub fn type_name(&self, id: &str) -> String {
        self.shape(id).rust_name.clone()
    }

    /// Module and Rust name of a structure or union the crate defines.
    pub fn struct_place(&self, id: &str) -> (Module, &str) {
        let (module, name) = &self.structs[id];
        (*module, name)
    }

    /// What the modeled error `id` says of itself.
    pub fn error(&self, id: &str) -> &ErrorInfo<'m> {
        match &self.shape(id).error {
            Some(error) => error,
            None => panic!("internal error: {id} is not an error structure"),
        }
    }
}

/// The labels of an `@endpoint` host prefix (`foo.{label}.` has `label`).
pub fn host_labels(prefix: &str) -> impl Iterator<Item = &str> {
    prefix.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(label, _)| label))
}
