//! Smithy's protocol tests (`smithy.test#httpRequestTests`, `#httpResponseTests`,
//! `#httpMalformedRequestTests`), read by the resolver for the service's protocol: the emitters
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
