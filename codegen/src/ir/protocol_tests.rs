//! Smithy's protocol tests (`smithy.test#httpRequestTests`, `#httpResponseTests`,
//! `#httpMalformedRequestTests`, `#eventStreamTests`), read by the resolver for the service's protocol: the emitters
//! turn them into Rust tests without reading their JSON.

use std::collections::BTreeMap;

use super::Node;

/// Which side a test checks (`appliesTo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestSide {
    Client,
    Server,
}

/// A request or response test of an operation or error.
#[derive(Debug, Clone)]
pub struct HttpTest<'m> {
    pub id: &'m str,
    /// `appliesTo`: the one side the test checks; `None`: both.
    pub applies_to: Option<TestSide>,
    pub message: HttpMessage,
    /// The input, output or error, as the JSON form of its members by name.
    pub params: &'m BTreeMap<String, Node>,
    /// `vendorParams`' `code`: the error code a client reports.
    pub vendor_code: Option<&'m str>,
}

impl HttpTest<'_> {
    /// Whether the test checks `side`.
    pub fn applies(&self, side: TestSide) -> bool {
        self.applies_to.is_none_or(|applies_to| applies_to == side)
    }
}

/// An HTTP request or response as a test writes it; what the test leaves out is `None` or empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpMessage {
    pub method: Option<String>,
    pub uri: Option<String>,
    pub host: Option<String>,
    pub resolved_host: Option<String>,
    pub code: Option<u16>,
    pub query_params: Vec<String>,
    pub forbid_query_params: Vec<String>,
    pub require_query_params: Vec<String>,
    /// By name, in name order.
    pub headers: Vec<(String, String)>,
    pub forbid_headers: Vec<String>,
    pub require_headers: Vec<String>,
    pub body: Option<String>,
    pub body_media_type: Option<String>,
}

/// One case of a malformed-request test: the test with one set of its `testParameters`
/// substituted (or the test itself, without any).
#[derive(Debug, Clone)]
pub struct MalformedRequestTest<'m> {
    pub id: &'m str,
    /// The index of the `testParameters` case, if the test has parameters.
    pub case: Option<usize>,
    /// The case, or why it could not be read.
    pub outcome: Result<MalformedCase, &'static str>,
}

/// A malformed request and what the server must answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MalformedCase {
    pub request: HttpMessage,
    /// The response's code and headers (its body is checked by the fields below).
    pub response: HttpMessage,
    /// The response body's media type, its expected contents, and a regular expression its
    /// `message` must match.
    pub body_media_type: Option<String>,
    pub body_contents: Option<String>,
    pub message_regex: Option<String>,
}

/// A `smithy.test#eventStreamTests` case of an operation: the initial HTTP request and response
/// (as `initialRequest`/`initialResponse` write them, or the operation's `@http` line when the
/// test leaves the request out), their members (`initialRequestParams`/`initialResponseParams`),
/// the events either side sends, and whether the exchange must fail.
#[derive(Debug, Clone)]
pub struct EventStreamTest<'m> {
    pub id: &'m str,
    /// `appliesTo`: the one side the test checks; `None`: both.
    pub applies_to: Option<TestSide>,
    pub initial_request_params: Option<&'m BTreeMap<String, Node>>,
    /// The test's `initialRequest`, or the operation's method and URI.
    pub initial_request: HttpMessage,
    pub initial_response_params: Option<&'m BTreeMap<String, Node>>,
    /// The test's `initialResponse`, if it has one.
    pub initial_response: Option<HttpMessage>,
    pub events: Vec<TestEvent<'m>>,
    /// `expectation: {failure: {errorId?}}`: `Some(errorId)`; success: `None`.
    pub failure: Option<Option<&'m str>>,
}

impl EventStreamTest<'_> {
    /// Whether the test checks `side`.
    pub fn applies(&self, side: TestSide) -> bool {
        self.applies_to.is_none_or(|applies_to| applies_to == side)
    }
}

/// One event of an event-stream test.
#[derive(Debug, Clone)]
pub struct TestEvent<'m> {
    /// `type: request` (the client sends it), else `response`.
    pub request: bool,
    /// The union value (`{member: params}`); `None`: an unmodeled message.
    pub params: Option<&'m BTreeMap<String, Node>>,
    /// The message's headers, in the test's order.
    pub headers: Vec<(String, EventHeader)>,
    pub forbid_headers: Vec<String>,
    pub require_headers: Vec<String>,
    pub body: Option<String>,
    pub body_media_type: Option<String>,
    /// `bytes`, decoded from base64: the whole message as it is read.
    pub bytes: Option<Vec<u8>>,
}

/// An event header's value as a test writes it (`{"<type>": value}`).
#[derive(Debug, Clone, PartialEq)]
pub enum EventHeader {
    Bool(bool),
    Byte(i8),
    Short(i16),
    Int(i32),
    Long(i64),
    Blob(Vec<u8>),
    String(String),
    /// An RFC 3339 date-time.
    Timestamp(String),
    /// A type or value the test reader does not know.
    Unreadable(String),
}
