//! What the server's and the client's protocol-test emitters share: naming the tests the resolver
//! read, checking messages against them, and turning a test's `params` (the JSON form of a
//! shape's value) into a Rust value of the crate's types.
//!
//! A test whose `params` cannot be turned into a value becomes an ignored test saying why, so
//! that every test case is accounted for.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

use crate::event_stream::EventStreams;
use crate::ir::{EventHeader, HttpMessage, Node, Prim, Service, TestEvent, Ty, UNIT};
use crate::names;
use crate::rust_types::variant_ident;

/// One generated test: its function name and code.
pub(crate) struct Case {
    pub name: String,
    pub code: TokenStream,
}

/// The tests, sorted by name, as the body of a `protocol_tests` module. Smithy keeps test ids
/// unique within a service, and names add the kind of test, so no two tests share a name.
pub(crate) fn module(side: &str, mut cases: Vec<Case>) -> TokenStream {
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    let code = cases.into_iter().map(|c| c.code);
    let doc = format!(" Smithy's protocol tests of the model, generated for the {side}.");
    quote! {
        #![doc = #doc]
        #![allow(clippy::all, unused_imports, unreachable_code, deprecated)]
        #(#code)*
    }
}

/// `assert_eq!(actual, expected)` for two structures of shape `id` made from the test's `params`.
/// NaN is not equal to itself, so then the members are compared one by one, those holding a NaN
/// by their debug forms (a map's debug form has no fixed order, so maps are compared as values).
/// Byte streams are compared by their bytes: read with `.await` when `awaits` (a server's input
/// streams as it arrives), else as they are in memory.
pub(crate) fn assert_same(
    s: &Service<'_>,
    id: &str,
    params: &BTreeMap<String, Node>,
    actual: TokenStream,
    expected: TokenStream,
    awaits: bool,
) -> TokenStream {
    let nan = |v: &Node| v.to_string().contains("\"NaN\"");
    let id = s.id(id);
    let one_by_one = params.values().any(nan) || s.has_stream(id);
    if !one_by_one {
        return quote!(assert_eq!(#actual, #expected););
    }
    let fields = s.fields(id);
    let checks = fields.iter().map(|field| {
        let f = names::field(field.name);
        let is_map = matches!(s.ty(field.target), Ty::Map { .. });
        if s.is_streaming(field.target) {
            let read = |stream: TokenStream| {
                if awaits {
                    quote!(#stream.collect().await.expect("the stream reads").into_bytes().to_vec())
                } else {
                    quote!(#stream.bytes().map(<[u8]>::to_vec))
                }
            };
            let bytes = |v: &TokenStream| {
                if field.is_always_set() {
                    read(quote!(#v.#f))
                } else {
                    let read = read(quote!(stream));
                    quote!(match #v.#f { ::std::option::Option::Some(stream) => ::std::option::Option::Some(#read), ::std::option::Option::None => ::std::option::Option::None })
                }
            };
            let (a, e) = (bytes(&actual), bytes(&expected));
            quote!(assert_eq!(#a, #e);)
        } else if params.get(field.name).is_some_and(nan) && !is_map {
            quote!(assert_eq!(format!("{:?}", #actual.#f), format!("{:?}", #expected.#f));)
        } else {
            quote!(assert_eq!(#actual.#f, #expected.#f);)
        }
    });
    quote!(#(#checks)*)
}

/// The test's function name: its id in snake case and its kind (`request`, `response`,
/// `malformed_request`), as smithy-rs names them; a request test and a response test often share
/// an id.
pub(crate) fn test_fn_name(id: &str, kind: &str) -> String {
    format!("{}_{kind}", names::snake(id))
}

pub(crate) fn ignored(name: String, reason: &str) -> Case {
    let fn_name = format_ident!("{name}");
    let reason = format!("not generated: {reason}");
    Case { name, code: quote!(#[test] #[ignore = #reason] fn #fn_name() {}) }
}

/// How a crate holds values, for building them out of `params`. The server and the client hold
/// the same shapes differently (constrained newtypes, which members are optional, error metadata).
pub(crate) trait Values<'m> {
    fn service(&self) -> &Service<'m>;

    /// The Rust path of an enum, a union, or a newtype of the crate.
    fn type_path(&self, target: &'m str) -> Result<TokenStream, String>;

    /// A constrained scalar, list or map from its plain value.
    fn newtype(&self, target: &'m str, plain: TokenStream) -> Result<TokenStream, String>;

    /// A structure (shared, or a modeled error) from its members' `params`.
    fn structure(&self, target: &'m str, params: &BTreeMap<String, Node>) -> Result<TokenStream, String>;

    /// A list's item or a map's value: in a `@sparse` collection an `Option`, `None` for `null`.
    fn item(&self, target: &'m str, value: &Node, sparse: bool) -> Result<TokenStream, String> {
        Ok(match (sparse, value) {
            (false, _) => self.value(target, value)?,
            (true, Node::Null) => quote!(::std::option::Option::None),
            (true, _) => {
                let item = self.value(target, value)?;
                quote!(::std::option::Option::Some(#item))
            }
        })
    }

    /// A Rust value of the shape `target` from its JSON form in `params`.
    fn value(&self, target: &'m str, value: &Node) -> Result<TokenStream, String> {
        let s = self.service();
        if s.is_streaming(target) {
            let text = value.as_str().ok_or("a blob value that is not a string")?;
            return Ok(quote!(::aws_smithy_types::byte_stream::ByteStream::from_static(#text.as_bytes())));
        }
        Ok(match s.ty(target) {
            Ty::Prim(prim) => prim_value(prim, value)?,
            Ty::IntEnum => prim_value(Prim::Int, value)?,
            Ty::Newtype(_, prim) => self.newtype(target, prim_value(prim, value)?)?,
            Ty::Enum(_) => {
                let text = value.as_str().ok_or("an enum value that is not a string")?;
                let path = self.type_path(target)?;
                let variant = s
                    .shape(target)
                    .enum_values
                    .iter()
                    .find(|v| v.value == text)
                    .ok_or_else(|| format!("{text:?} is not a value of the enum"))?;
                let variant = variant_ident(variant.name);
                quote!(#path::#variant)
            }
            Ty::List { member, newtype, sparse, .. } => {
                let items = value.as_array().ok_or("a list value that is not an array")?;
                let items = items.iter().map(|v| self.item(member.target, v, sparse)).collect::<Result<Vec<_>, _>>()?;
                let list = quote!(::std::vec![#(#items),*]);
                if newtype { self.newtype(target, list)? } else { list }
            }
            Ty::Map { key, value: v, newtype, sparse, .. } => {
                let entries = value.as_object().ok_or("a map value that is not an object")?;
                let mut pairs = Vec::new();
                for (k, item) in entries {
                    let key = self.value(key.target, &Node::String(k.clone()))?;
                    let item = self.item(v.target, item, sparse)?;
                    pairs.push(quote!((#key, #item)));
                }
                let map = quote!(::std::collections::HashMap::from([#(#pairs),*]));
                if newtype { self.newtype(target, map)? } else { map }
            }
            Ty::Document => crate::rust_types::document_literal(value),
            Ty::Struct(_) => {
                let object = value.as_object().ok_or("a structure value that is not an object")?;
                self.structure(target, object)?
            }
            Ty::Union(_) => {
                let object = value.as_object().ok_or("a union value that is not an object")?;
                let (member, inner) = object.iter().next().ok_or("a union value without a member")?;
                let path = self.type_path(target)?;
                let field = s
                    .member_fields(target)
                    .iter()
                    .find(|f| f.name == member)
                    .ok_or_else(|| format!("{member} is not a member of the union"))?;
                let variant = variant_ident(field.name);
                if field.target == UNIT {
                    quote!(#path::#variant)
                } else {
                    let inner = self.value(field.target, inner)?;
                    let inner = if field.boxed { quote!(::std::boxed::Box::new(#inner)) } else { inner };
                    quote!(#path::#variant(#inner))
                }
            }
        })
    }
}

/// A scalar from its `params` form: timestamps are epoch seconds or date-time strings, blobs plain text, and
/// `"NaN"`, `"Infinity"`, `"-Infinity"` the special floats.
fn prim_value(prim: Prim, value: &Node) -> Result<TokenStream, String> {
    let float = |v: &Node| -> Result<f64, String> {
        match v {
            Node::Number(n) => n.as_f64().ok_or_else(|| "a float out of range".to_owned()),
            Node::String(s) if s == "NaN" => Ok(f64::NAN),
            Node::String(s) if s == "Infinity" => Ok(f64::INFINITY),
            Node::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err("a float value that is not a number".to_owned()),
        }
    };
    let int = |v: &Node| v.as_i64().ok_or_else(|| "an integer value that is not an integer".to_owned());
    let float_tokens = |f: f64, single: bool| {
        // The value as the member's type holds it (an `f32` may overflow to infinity).
        let (ty, f) = if single { (quote!(f32), f64::from(f as f32)) } else { (quote!(f64), f) };
        if f.is_nan() {
            quote!(#ty::NAN)
        } else if f == f64::INFINITY {
            quote!(#ty::INFINITY)
        } else if f == f64::NEG_INFINITY {
            quote!(#ty::NEG_INFINITY)
        } else {
            let literal = if single { Literal::f32_suffixed(f as f32) } else { Literal::f64_suffixed(f) };
            quote!(#literal)
        }
    };
    Ok(match prim {
        Prim::String => {
            let s = value.as_str().ok_or("a string value that is not a string")?;
            quote!(::std::string::String::from(#s))
        }
        Prim::Bool => {
            let b = value.as_bool().ok_or("a boolean value that is not a boolean")?;
            quote!(#b)
        }
        Prim::Byte => {
            let l = Literal::i8_suffixed(i8::try_from(int(value)?).map_err(|e| e.to_string())?);
            quote!(#l)
        }
        Prim::Short => {
            let l = Literal::i16_suffixed(i16::try_from(int(value)?).map_err(|e| e.to_string())?);
            quote!(#l)
        }
        Prim::Int => {
            let l = Literal::i32_suffixed(i32::try_from(int(value)?).map_err(|e| e.to_string())?);
            quote!(#l)
        }
        Prim::Long => {
            let l = Literal::i64_suffixed(int(value)?);
            quote!(#l)
        }
        Prim::Float => float_tokens(float(value)?, true),
        Prim::Double => float_tokens(float(value)?, false),
        // A timestamp is epoch seconds, or (as Smithy's node values allow) a date-time string.
        Prim::Timestamp if value.as_str().is_some() => {
            let text = value.as_str().unwrap_or_default();
            quote! {
                ::aws_smithy_types::DateTime::from_str(#text, ::aws_smithy_types::date_time::Format::DateTime).expect("the test's timestamp parses")
            }
        }
        Prim::Timestamp => {
            let (secs, nanos) = epoch_seconds(value)?;
            let (secs, nanos) = (Literal::i64_unsuffixed(secs), Literal::u32_unsuffixed(nanos));
            quote!(::aws_smithy_types::DateTime::from_secs_and_nanos(#secs, #nanos))
        }
        Prim::Blob => {
            let s = value.as_str().ok_or("a blob value that is not a string")?;
            quote!(::aws_smithy_types::Blob::new(#s.as_bytes()))
        }
    })
}

/// Checks of the headers of `message` (a request or response in scope) against a test's
/// `headers`, and the names it must not (`forbidHeaders`) or must have (`requireHeaders`).
pub(crate) fn header_checks(message: TokenStream, http: &HttpMessage) -> TokenStream {
    let (keys, values): (Vec<_>, Vec<_>) = http.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).unzip();
    let expected = (!keys.is_empty()).then(|| {
        quote!(::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::validate_headers(#message.headers(), [#((#keys, #values)),*]));)
    });
    let (forbid, require) = (&http.forbid_headers, &http.require_headers);
    quote! {
        #expected
        ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::forbid_headers(#message.headers(), &[#(#forbid),*]));
        ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::require_headers(#message.headers(), &[#(#require),*]));
    }
}

/// Epoch seconds written as a decimal number, exactly: whole seconds and nanoseconds (through an
/// `f64`, `946845296.123` would come out as 946845296.12299990654 s).
fn epoch_seconds(value: &Node) -> Result<(i64, u32), String> {
    let text = match value {
        Node::Number(n) => n.to_string(),
        _ => return Err("a timestamp value that is not a number".to_owned()),
    };
    let bad = || format!("the timestamp {text} is not a decimal number of seconds");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let secs: i64 = whole.parse().map_err(|_| bad())?;
    let nanos: u32 = format!("{fraction:0<9}").parse().map_err(|_| bad())?;
    // -1.5 s is 2 s before the epoch plus 0.5 s.
    Ok(if text.starts_with('-') && nanos > 0 { (secs - 1, 1_000_000_000 - nanos) } else { (secs, nanos) })
}

/// Checks of the bytes `body` in scope against a test's `body` (none: unchecked; empty: no
/// bytes; otherwise equal as `bodyMediaType` compares them: JSON by its value, a test without a
/// media type byte for byte).
/// The bytes of a test's `body`: as written, or decoded from base64 for CBOR (which the tests
/// write in base64).
pub(crate) fn body_bytes(http: &HttpMessage) -> Vec<u8> {
    use base64::Engine;
    let body = http.body.as_deref().unwrap_or_default();
    match http.body_media_type.as_deref() {
        Some("application/cbor") => {
            base64::engine::general_purpose::STANDARD.decode(body).unwrap_or_else(|_| body.as_bytes().to_vec())
        }
        _ => body.as_bytes().to_vec(),
    }
}

pub(crate) fn body_check(expected: Option<&str>, media: Option<&str>) -> TokenStream {
    match expected {
        None => quote!(let _ = &body;),
        Some("") => quote!(assert!(body.is_empty(), "expected an empty body, got {:?}", body);),
        Some(expected) => {
            let media = media.unwrap_or("unspecified");
            quote! {
                ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::validate_body(&body, #expected, ::aws_smithy_protocol_test::MediaType::from(#media)));
            }
        }
    }
}

// --- Event streams (`smithy.test#eventStreamTests`) ------------------------------------------

/// Statements appending one event's message to the `Vec<u8>` `body` in scope: the test's `bytes`
/// when it has them (the message as it is read), else the message made of its headers and body.
pub(crate) fn event_frame(event: &TestEvent<'_>) -> Result<TokenStream, String> {
    if let Some(bytes) = &event.bytes {
        let bytes = Literal::byte_string(bytes);
        return Ok(quote!(body.extend_from_slice(#bytes);));
    }
    let mut headers = Vec::new();
    for (name, value) in &event.headers {
        let value = header_value(value)?;
        headers.push(quote!(::aws_smithy_types::event_stream::Header::new(#name, #value)));
    }
    let payload = Literal::byte_string(event.body.as_deref().unwrap_or_default().as_bytes());
    Ok(quote! {
        let message = ::aws_smithy_types::event_stream::Message::new_from_parts(
            ::std::vec![#(#headers),*],
            #payload.to_vec(),
        );
        ::aws_smithy_eventstream::frame::write_message_to(&message, &mut body).expect("the test's message writes");
    })
}

/// An event header's value as `aws_smithy_types::event_stream::HeaderValue`.
fn header_value(value: &EventHeader) -> Result<TokenStream, String> {
    let path = quote!(::aws_smithy_types::event_stream::HeaderValue);
    Ok(match value {
        EventHeader::Bool(b) => quote!(#path::Bool(#b)),
        EventHeader::Byte(v) => quote!(#path::Byte(#v)),
        EventHeader::Short(v) => quote!(#path::Int16(#v)),
        EventHeader::Int(v) => quote!(#path::Int32(#v)),
        EventHeader::Long(v) => quote!(#path::Int64(#v)),
        EventHeader::Blob(bytes) => {
            let bytes = Literal::byte_string(bytes);
            quote!(#path::ByteArray(#bytes.to_vec().into()))
        }
        EventHeader::String(s) => quote!(#path::String(::std::string::String::from(#s).into())),
        EventHeader::Timestamp(t) => quote! {
            #path::Timestamp(::aws_smithy_types::DateTime::from_str(#t, ::aws_smithy_types::date_time::Format::DateTime).expect("the test's timestamp parses"))
        },
        EventHeader::Unreadable(text) => return Err(format!("an event header value of unknown type: {text}")),
    })
}

/// Statements reading the event-stream messages of the bytes `body` in scope into `messages`.
pub(crate) fn read_frames() -> TokenStream {
    quote! {
        let mut rest: &[u8] = &body;
        let mut messages = ::std::vec::Vec::new();
        while !rest.is_empty() {
            messages.push(::aws_smithy_eventstream::frame::read_message_from(&mut rest).expect("an event-stream message"));
        }
    }
}

/// Checks of the event-stream `message` in scope against a test's event: its headers, those it
/// must not and must have, and its body.
pub(crate) fn event_checks(event: &TestEvent<'_>) -> Result<TokenStream, String> {
    let mut checks = vec![quote! {
        let header = |name: &str| message.headers().iter().find(|h| h.name().as_str() == name).map(|h| h.value().clone());
    }];
    for (name, value) in &event.headers {
        let value = header_value(value)?;
        checks.push(
            quote!(assert_eq!(header(#name), ::std::option::Option::Some(#value), "the event header {}", #name);),
        );
    }
    for name in &event.forbid_headers {
        checks.push(quote!(assert!(header(#name).is_none(), "the event has the forbidden header {}", #name);));
    }
    for name in &event.require_headers {
        checks.push(quote!(assert!(header(#name).is_some(), "the event lacks the header {}", #name);));
    }
    let body_check = body_check(event.body.as_deref(), event.body_media_type.as_deref());
    Ok(quote! {
        #(#checks)*
        let body = message.payload().to_vec();
        #body_check
    })
}

/// The checks that the receiver `stream` (an expression) yields `events`, in order, each an event
/// of the union `union` or its modeled error, and then ends.
pub(crate) fn events_received<'a, 'm: 'a, V: Values<'m> + EventStreams<'m>>(
    values: &V,
    union: &'m str,
    stream: &TokenStream,
    events: impl IntoIterator<Item = &'a TestEvent<'m>>,
) -> Result<Vec<TokenStream>, String> {
    let (union_type, union_error) = (values.rust_type(union), values.stream_error_path(union));
    let sdk_error = quote!(::aws_smithy_runtime_api::client::result::SdkError);
    let mut checks = Vec::new();
    for event in events {
        let item = stream_item(values, union, event.params.ok_or("an unmodeled event")?)?;
        checks.push(quote! {
            let expected: ::std::result::Result<#union_type, #union_error> = #item;
            match (#stream.recv().await, expected) {
                (::std::result::Result::Ok(::std::option::Option::Some(event)), ::std::result::Result::Ok(expected)) => assert_eq!(event, expected),
                (::std::result::Result::Err(#sdk_error::ServiceError(error)), ::std::result::Result::Err(expected)) => {
                    assert_eq!(format!("{:?}", error.err()), format!("{:?}", expected));
                }
                (got, expected) => panic!("expected the event {expected:?}, got {got:?}"),
            }
        });
    }
    checks.push(quote! {
        let end = #stream.recv().await;
        assert!(matches!(end, ::std::result::Result::Ok(::std::option::Option::None)), "the stream goes on: {end:?}");
    });
    Ok(checks)
}

/// The expected item of an event stream from an event's `params` (`{member: value}`): the union's
/// event, or (`Err`) the stream's modeled error when the member targets an error.
pub(crate) fn stream_item<'m, V: Values<'m> + EventStreams<'m>>(
    values: &V,
    union: &'m str,
    params: &BTreeMap<String, Node>,
) -> Result<TokenStream, String> {
    let s = Values::service(values);
    let (member, inner) = params.iter().next().ok_or("an event without a member")?;
    let stream = s.event_stream(union).ok_or("the event stream's union is unknown")?;
    if let Some((_, error_id)) = stream.errors.iter().find(|(name, _)| name == member) {
        let fields = inner.as_object().ok_or("an error event that is not an object")?;
        let error = values.structure(error_id, fields)?;
        let path = values.stream_error_path(union);
        let variant = format_ident!("{}", values.type_name(error_id));
        return Ok(quote!(::std::result::Result::Err(#path::#variant(#error))));
    }
    let value = values.value(union, &Node::Object(params.clone()))?;
    Ok(quote!(::std::result::Result::Ok(#value)))
}
