//! Smithy's protocol-test traits read into [`crate::ir::protocol_tests`]: the cases for the
//! service's protocol, each malformed-request test once per set of its `testParameters`, and the
//! event-stream tests with their events' headers typed and `bytes` decoded.

use std::collections::BTreeMap;

use crate::ast::{Node, Traits};
use crate::ir::{
    EventHeader, EventStreamTest, HttpMessage, HttpTest, MalformedCase, MalformedRequestTest, Protocol, TestEvent,
    TestSide,
};

pub(super) const REQUEST_TESTS: &str = "smithy.test#httpRequestTests";
pub(super) const RESPONSE_TESTS: &str = "smithy.test#httpResponseTests";
pub(super) const MALFORMED_REQUEST_TESTS: &str = "smithy.test#httpMalformedRequestTests";
pub(super) const EVENT_STREAM_TESTS: &str = "smithy.test#eventStreamTests";

/// The request or response tests (`trait_id`) of a shape for `protocol`.
pub(super) fn http_tests<'m>(traits: &'m Traits, trait_id: &str, protocol: Protocol) -> Vec<HttpTest<'m>> {
    static NO_PARAMS: BTreeMap<String, Node> = BTreeMap::new();
    cases(traits, trait_id, protocol)
        .map(|test| HttpTest {
            id: text(test, "id").unwrap_or("unnamed"),
            applies_to: applies_to(test),
            message: message(test),
            params: test.get("params").and_then(Node::as_object).unwrap_or(&NO_PARAMS),
            vendor_code: test.get("vendorParams").and_then(|v| v.get("code")).and_then(Node::as_str),
        })
        .collect()
}

fn applies_to(test: &BTreeMap<String, Node>) -> Option<TestSide> {
    match text(test, "appliesTo") {
        Some("client") => Some(TestSide::Client),
        Some("server") => Some(TestSide::Server),
        _ => None,
    }
}

/// The event-stream tests of an operation for `protocol`; a test without an `initialRequest`
/// is sent with the operation's `@http` method and URI.
pub(super) fn event_stream_tests<'m>(traits: &'m Traits, protocol: Protocol) -> Vec<EventStreamTest<'m>> {
    let http = traits.0.get("smithy.api#http").and_then(Node::as_object);
    let line = HttpMessage {
        method: http.and_then(|h| text(h, "method")).map(str::to_owned),
        uri: http.and_then(|h| text(h, "uri")).map(str::to_owned),
        ..HttpMessage::default()
    };
    let object = |test: &'m BTreeMap<String, Node>, key: &str| test.get(key).and_then(Node::as_object);
    cases(traits, EVENT_STREAM_TESTS, protocol)
        .map(|test| {
            let failure = object(test, "expectation").and_then(|e| object(e, "failure"));
            EventStreamTest {
                id: text(test, "id").unwrap_or("unnamed"),
                applies_to: applies_to(test),
                initial_request_params: object(test, "initialRequestParams"),
                initial_request: object(test, "initialRequest").map(message).unwrap_or_else(|| line.clone()),
                initial_response_params: object(test, "initialResponseParams"),
                initial_response: object(test, "initialResponse").map(message),
                events: test
                    .get("events")
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_object)
                    .map(event)
                    .collect(),
                failure: failure.map(|f| text(f, "errorId")),
            }
        })
        .collect()
}

fn event(event: &BTreeMap<String, Node>) -> TestEvent<'_> {
    use base64::Engine;
    let base64 = |text: &str| base64::engine::general_purpose::STANDARD.decode(text).ok();
    let list = |key: &str| {
        let items = event.get(key).and_then(Node::as_array).unwrap_or_default();
        items.iter().filter_map(Node::as_str).map(str::to_owned).collect()
    };
    let headers = event.get("headers").and_then(Node::as_object).into_iter().flatten();
    let header = |value: &Node| -> EventHeader {
        let unreadable = || EventHeader::Unreadable(value.to_string());
        let Some((kind, v)) = value.as_object().and_then(|o| o.iter().next()) else { return unreadable() };
        let int = v.as_i64();
        match kind.as_str() {
            "boolean" => v.as_bool().map(EventHeader::Bool),
            "byte" => int.and_then(|i| i8::try_from(i).ok()).map(EventHeader::Byte),
            "short" => int.and_then(|i| i16::try_from(i).ok()).map(EventHeader::Short),
            "integer" => int.and_then(|i| i32::try_from(i).ok()).map(EventHeader::Int),
            "long" => int.map(EventHeader::Long),
            "blob" => v.as_str().and_then(base64).map(EventHeader::Blob),
            "string" => v.as_str().map(|s| EventHeader::String(s.to_owned())),
            "timestamp" => v.as_str().map(|s| EventHeader::Timestamp(s.to_owned())),
            _ => None,
        }
        .unwrap_or_else(unreadable)
    };
    TestEvent {
        request: text(event, "type") == Some("request"),
        params: event.get("params").and_then(Node::as_object),
        headers: headers.map(|(name, value)| (name.clone(), header(value))).collect(),
        forbid_headers: list("forbidHeaders"),
        require_headers: list("requireHeaders"),
        body: text(event, "body").map(str::to_owned),
        body_media_type: text(event, "bodyMediaType").map(str::to_owned),
        bytes: text(event, "bytes").and_then(base64),
    }
}

/// The malformed-request tests of an operation for `protocol`, one per set of `testParameters`.
pub(super) fn malformed_tests<'m>(traits: &'m Traits, protocol: Protocol) -> Vec<MalformedRequestTest<'m>> {
    let mut tests = Vec::new();
    for test in cases(traits, MALFORMED_REQUEST_TESTS, protocol) {
        let id = text(test, "id").unwrap_or("unnamed");
        let parameters = test.get("testParameters").and_then(Node::as_object);
        let count = parameters.and_then(|p| p.values().filter_map(Node::as_array).map(<[Node]>::len).max());
        let whole = Node::Object(test.clone()).to_string();
        for index in 0..count.unwrap_or(0).max(1) {
            // This case's parameters substituted into the whole test, as text.
            let text = match parameters {
                Some(p) => substitute(&whole, p, index),
                None => whole.replace("$$", "$"),
            };
            let outcome = match Node::parse(&text) {
                Some(Node::Object(case)) => Ok(malformed_case(&case)),
                _ => Err("the test parameters do not substitute into valid JSON"),
            };
            tests.push(MalformedRequestTest { id, case: parameters.map(|_| index), outcome });
        }
    }
    tests
}

/// The test objects of a trait that are for `protocol` (or for any).
fn cases<'m>(
    traits: &'m Traits,
    trait_id: &str,
    protocol: Protocol,
) -> impl Iterator<Item = &'m BTreeMap<String, Node>> {
    let tests = traits.0.get(trait_id).and_then(Node::as_array).unwrap_or_default();
    tests
        .iter()
        .filter_map(Node::as_object)
        .filter(move |t| text(t, "protocol").is_none_or(|p| p == protocol.trait_id()))
}

fn malformed_case(case: &BTreeMap<String, Node>) -> MalformedCase {
    let part = |key: &str| case.get(key).and_then(Node::as_object);
    let body = part("response").and_then(|r| r.get("body")).and_then(Node::as_object);
    let assertion = body.and_then(|b| b.get("assertion")).and_then(Node::as_object);
    let owned =
        |object: Option<&BTreeMap<String, Node>>, key: &str| object.and_then(|o| text(o, key)).map(str::to_owned);
    MalformedCase {
        request: part("request").map(message).unwrap_or_default(),
        response: part("response").map(message).unwrap_or_default(),
        body_media_type: owned(body, "mediaType"),
        body_contents: owned(assertion, "contents"),
        message_regex: owned(assertion, "messageRegex"),
    }
}

/// The HTTP message fields of a test object.
fn message(object: &BTreeMap<String, Node>) -> HttpMessage {
    let owned = |key: &str| text(object, key).map(str::to_owned);
    let list = |key: &str| {
        let items = object.get(key).and_then(Node::as_array).unwrap_or_default();
        items.iter().filter_map(Node::as_str).map(str::to_owned).collect()
    };
    let headers = object.get("headers").and_then(Node::as_object).into_iter().flatten();
    HttpMessage {
        method: owned("method"),
        uri: owned("uri"),
        host: owned("host"),
        resolved_host: owned("resolvedHost"),
        code: object.get("code").and_then(Node::as_u64).map(|code| code as u16),
        query_params: list("queryParams"),
        forbid_query_params: list("forbidQueryParams"),
        require_query_params: list("requireQueryParams"),
        headers: headers.filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect(),
        forbid_headers: list("forbidHeaders"),
        require_headers: list("requireHeaders"),
        body: owned("body"),
        body_media_type: owned("bodyMediaType"),
    }
}

fn text<'a>(object: &'a BTreeMap<String, Node>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Node::as_str)
}

/// `$name:L` becomes the value, `$name:S` the value as a JSON string's contents, `$$` a `$`.
/// The text is JSON, so values are escaped for JSON either way.
fn substitute(text: &str, parameters: &BTreeMap<String, Node>, index: usize) -> String {
    let mut text = text.replace("$$", "\u{0}");
    for (name, values) in parameters {
        let value = values.as_array().and_then(|v| v.get(index)).and_then(Node::as_str).unwrap_or_default();
        // Inside the JSON text, a literal is the value as it would sit inside a JSON string.
        let escaped = Node::String(value.to_owned()).to_string();
        let escaped = &escaped[1..escaped.len() - 1];
        let quoted = Node::String(format!("\"{value}\"")).to_string();
        let quoted = &quoted[1..quoted.len() - 1];
        text = text.replace(&format!("${name}:L"), escaped).replace(&format!("${name}:S"), quoted);
    }
    text.replace('\u{0}', "$")
}
