//! `protocol_tests.rs`: Smithy's protocol tests for clients (`smithy.test#httpRequestTests`,
//! `#httpResponseTests` and `#eventStreamTests` that apply to clients) carried by the model, as
//! Rust tests of the generated client, the first two the way smithy-rs generates them:
//! - request tests send the test's `params` through the client, to an HTTP client that captures
//!   the request, and compare method, path, query, headers and body with the test's;
//! - response tests read the test's HTTP response with the operation's deserializer and compare
//!   the output (or error) with the test's `params`;
//! - event-stream tests (`<id>_event_stream`) send the input and the request events through the
//!   client to an HTTP client that captures the request and answers with the test's initial
//!   response and response events' frames; the request's frames, the output and its events are
//!   compared; an expected failure is an error from the call or from reading the events.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use super::shapes::Held;
use crate::codec::Side as _;
use crate::event_stream::EventStreams as _;
use crate::ir::{EventStreamTest, Field, HttpTest, Module, Node, Operation, Service, TestSide};
use crate::names;
use crate::protocol_tests::{Case, Values, assert_same, body_check, header_checks, ignored, test_fn_name};
use crate::shapes::Types as _;

impl<'m> Gen<'_, 'm> {
    /// Whether the model carries protocol tests for the client side of this service.
    /// Whether the crate's protocol tests include event-stream tests (which build streams).
    pub(super) fn has_event_stream_tests(&self) -> bool {
        self.s.operations.iter().flat_map(|op| &op.tests.event_stream).any(|t| t.applies(TestSide::Client))
    }

    pub(super) fn has_protocol_tests(&self) -> bool {
        self.s.features.client_tests
    }

    pub(super) fn protocol_tests(&self) -> TokenStream {
        let mut cases = Vec::new();
        for op in &self.s.operations {
            for test in op.tests.request.iter().filter(|t| t.applies(TestSide::Client)) {
                cases.push(self.request_test(op, test));
            }
            for test in op.tests.response.iter().filter(|t| t.applies(TestSide::Client)) {
                cases.push(self.response_test(op, test, None));
            }
            for test in op.tests.event_stream.iter().filter(|t| t.applies(TestSide::Client)) {
                let name = test_fn_name(test.id, "event_stream");
                cases.push(self.event_stream_test(op, test, &name).unwrap_or_else(|reason| ignored(name, &reason)));
            }
        }
        for (id, (module, _)) in &self.s.structs {
            if *module != Module::Error {
                continue;
            }
            let Some(op) = self.s.operations.iter().find(|op| op.errors.contains(&id.as_str())) else { continue };
            for test in self.s.error(id).response_tests.iter().filter(|t| t.applies(TestSide::Client)) {
                cases.push(self.response_test(op, test, Some(self.id(id))));
            }
        }
        crate::protocol_tests::module("client", cases)
    }

    fn request_test(&self, op: &Operation<'m>, test: &HttpTest<'m>) -> Case {
        let name = test_fn_name(test.id, "request");
        let http = &test.message;
        let (id, input) = self.op_struct(op, Module::Input);
        let module = self.op_module(op);
        let builder = format_ident!("{input}Builder");
        // The input is sent as its builder: a client sends whatever it is given.
        let input = match self.literal(id, Module::Input, quote!(#module::builders::#builder), test.params) {
            Ok(input) => input,
            Err(reason) => return ignored(name, &reason),
        };
        let endpoint = format!("https://{}", http.host.as_deref().unwrap_or("example.com"));
        let method = http.method.as_deref().unwrap_or("GET");
        let path = http.uri.as_deref().unwrap_or("/");
        let resolved_host = http
            .resolved_host
            .as_deref()
            .map(|host| quote!(assert_eq!(uri.host(), ::std::option::Option::Some(#host), "the request's host");));
        let (query, forbid_query, require_query) =
            (&http.query_params, &http.forbid_query_params, &http.require_query_params);
        let header_checks = header_checks(quote!(request), http);
        let body = body_check(http.body.as_deref(), http.body_media_type.as_deref());
        let fn_name = format_ident!("{name}");
        let code = quote! {
            #[::tokio::test]
            async fn #fn_name() {
                let (http_client, captured) = ::aws_smithy_http_client::test_util::capture_request(::std::option::Option::None);
                let config = crate::Config::builder()
                    .endpoint_url(#endpoint)
                    .http_client(http_client)
                    // The token the suite's tests expect, as smithy-rs's tests set it.
                    .idempotency_token_provider("00000000-0000-4000-8000-000000000000")
                    .behavior_version_latest()
                    .build();
                let client = crate::Client::from_conf(config);
                let input = #input;
                // The captured request's answer is an empty 200, which need not parse as the output.
                let _ = input.send_with(&client).await;
                let request = captured.expect_request();
                assert_eq!(request.method(), #method, "the request's method");
                let uri: ::http::Uri = request.uri().parse().expect("the request's URI parses");
                assert_eq!(uri.path(), #path, "the request's path");
                #resolved_host
                ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::validate_query_string(&request, &[#(#query),*]));
                ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::forbid_query_params(&request, &[#(#forbid_query),*]));
                ::aws_smithy_protocol_test::assert_ok(::aws_smithy_protocol_test::require_query_params(&request, &[#(#require_query),*]));
                #header_checks
                let body = request.body().bytes().expect("the request's body is in memory");
                #body
            }
        };
        Case { name, code }
    }

    fn response_test(&self, op: &Operation<'m>, test: &HttpTest<'m>, error: Option<&'m str>) -> Case {
        let name = test_fn_name(test.id, "response");
        let module = self.op_module(op);
        let expected = match error {
            None => {
                let (id, output) = self.op_struct(op, Module::Output);
                self.literal(id, Module::Output, quote!(#module::#output), test.params)
            }
            Some(id) => self.literal(id, Module::Error, self.struct_path(id), test.params),
        };
        let expected = match expected {
            Ok(expected) => expected,
            Err(reason) => return ignored(name, &reason),
        };
        let status = test.message.code.unwrap_or(200);
        let (keys, values): (Vec<_>, Vec<_>) =
            test.message.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).unzip();
        let body = proc_macro2::Literal::byte_string(&crate::protocol_tests::body_bytes(&test.message));
        // An output with a stream is read as the runtime reads it: the body taken as the stream.
        let read = if error.is_none() && op.output_stream.is_some() {
            let de = format_ident!("de_{}_stream", names::snake(op.name));
            quote!(crate::protocol_serde::#de(&mut response))
        } else {
            let de = format_ident!("de_{}_response", names::snake(op.name));
            quote!(crate::protocol_serde::#de(&response))
        };
        let compare =
            assert_same(self.s, error.unwrap_or(op.output), test.params, quote!(parsed), quote!(expected), false);
        let check = match error {
            None => quote! {
                let parsed = parsed.expect("the response parses as the output");
                #compare
            },
            Some(id) => {
                let op_error = self.op_error_path(op);
                let variant = self.struct_ident(id);
                // The error code a client reports, when the test says (`vendorParams`), e.g. the
                // awsQuery code of an `@awsQueryCompatible` service's error.
                let code = test.vendor_code.map(|code| {
                    quote!(assert_eq!(::aws_smithy_types::error::metadata::ProvideErrorMetadata::code(parsed), ::std::option::Option::Some(#code));)
                });
                quote! {
                    let parsed = parsed.expect_err("the response parses as an error");
                    let parsed = match parsed.as_operation_error() {
                        ::std::option::Option::Some(#op_error::#variant(parsed)) => parsed,
                        other => panic!("expected the error {}, got {:?}", stringify!(#variant), other),
                    };
                    #code
                    // The metadata (code, message, request id) is not part of the test's params.
                    let mut parsed = parsed.clone();
                    parsed.meta = ::std::default::Default::default();
                    #compare
                }
            }
        };
        let fn_name = format_ident!("{name}");
        let code = quote! {
            #[test]
            fn #fn_name() {
                let expected = #expected;
                let response = ::http::Response::builder()
                    .status(#status)
                    #(.header(#keys, #values))*
                    .body(::aws_smithy_types::body::SdkBody::from(#body.to_vec()))
                    .unwrap();
                #[allow(unused_mut)] let mut response = ::aws_smithy_runtime_api::client::orchestrator::HttpResponse::try_from(response).unwrap();
                let parsed = #read;
                #check
            }
        };
        Case { name, code }
    }

    /// An event-stream test: the client sends the input of `initialRequestParams`, streaming the
    /// request events, to an HTTP client that captures the request and answers with the test's
    /// initial response (by default a 200) and the frames of its response events. The request's
    /// line, headers and frames must be the test's; on success the output's members and events
    /// must be the test's, on failure the call or the reading of the events must end in an error
    /// (the modeled one `errorId` names).
    fn event_stream_test(&self, op: &Operation<'m>, test: &EventStreamTest<'m>, name: &str) -> Result<Case, String> {
        static NO_PARAMS: BTreeMap<String, Node> = BTreeMap::new();
        let events = |request: bool| test.events.iter().filter(move |e| e.request == request);
        let input_stream = op.input_stream.as_ref().filter(|f| self.s.event_stream(f.target).is_some());
        let output_stream = op.output_stream.as_ref().filter(|f| self.s.event_stream(f.target).is_some());
        if events(true).next().is_some() && input_stream.is_none() {
            return Err("request events for an input without an event stream".to_owned());
        }
        if events(false).next().is_some() && output_stream.is_none() {
            return Err("response events for an output without an event stream".to_owned());
        }
        let sender = |field: &Field<'m>, request: bool| -> Result<TokenStream, String> {
            let items = events(request)
                .map(|e| crate::protocol_tests::stream_item(self, field.target, e.params.ok_or("an unmodeled event")?))
                .collect::<Result<Vec<_>, _>>()?;
            let (union, union_error) = (self.rust_type(field.target), self.stream_error_path(field.target));
            Ok(quote! {
                ::aws_smithy_http::event_stream::EventStreamSender::from(::futures_util::stream::iter(
                    ::std::vec::Vec::<::std::result::Result<#union, #union_error>>::from([#(#items),*]),
                ))
            })
        };

        // The input, streaming the request events.
        let (id, input) = self.op_struct(op, Module::Input);
        let module = self.op_module(op);
        let builder = format_ident!("{input}Builder");
        let stream = match input_stream {
            Some(field) => Some((field.name, sender(field, true)?)),
            None => None,
        };
        let params = test.initial_request_params.unwrap_or(&NO_PARAMS);
        let input = self.literal_with(id, Module::Input, quote!(#module::builders::#builder), params, stream)?;

        // The answer: the initial response, then the response events' frames (or its body).
        let (answer, frames) = match &test.initial_response {
            Some(http) if http.body.is_some() => {
                if events(false).next().is_some() {
                    return Err("an initial response with both a body and events".to_owned());
                }
                (http.clone(), vec![])
            }
            other => {
                let frames = events(false).map(crate::protocol_tests::event_frame).collect::<Result<Vec<_>, _>>()?;
                (other.clone().unwrap_or_default(), frames)
            }
        };
        let status = answer.code.unwrap_or(200);
        let mut headers = answer.headers.clone();
        if output_stream.is_some()
            && answer.body.is_none()
            && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".to_owned(), "application/vnd.amazon.eventstream".to_owned()));
        }
        let (keys, values): (Vec<_>, Vec<_>) = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).unzip();
        let answer_body = answer.body.as_ref().map(|_| {
            let bytes = proc_macro2::Literal::byte_string(&crate::protocol_tests::body_bytes(&answer));
            quote!(body.extend_from_slice(#bytes);)
        });

        // The request.
        let http = &test.initial_request;
        let method = http.method.as_deref().unwrap_or("POST");
        let path = http.uri.as_deref().unwrap_or("/");
        let header_checks = header_checks(quote!(request), http);
        let mut frame_checks = Vec::new();
        for (index, event) in events(true).enumerate() {
            let checks = crate::protocol_tests::event_checks(event)?;
            frame_checks.push(quote!({ let message = &messages[#index]; #checks }));
        }
        let request_count = events(true).count();
        let read = crate::protocol_tests::read_frames();
        // An input without an event stream has no frames to read (its body is the request's).
        let request_frames = input_stream.map(|_| {
            quote! {
                let body = ::http_body_util::BodyExt::collect(request.into_body()).await.expect("the request's body reads").to_bytes();
                #read
                assert_eq!(messages.len(), #request_count, "the request's events: {messages:?}");
                #(#frame_checks)*
            }
        });

        // The outcome.
        let sdk_error = quote!(::aws_smithy_runtime_api::client::result::SdkError);
        let stream_access = |field: &Field<'m>| {
            let f = names::field(field.name);
            if self.held(Module::Output, field) == Held::Optional {
                quote!(output.#f.as_mut().expect("the output has its stream"))
            } else {
                quote!(output.#f)
            }
        };
        let outcome = match test.failure {
            None => {
                let mut checks = Vec::new();
                if let Some(params) = test.initial_response_params {
                    let (output_id, output) = self.op_struct(op, Module::Output);
                    let dummy = output_stream.map(|field| {
                        let unmarshaller = format_ident!("{}Unmarshaller", self.type_name(field.target));
                        (field.name, quote!(::aws_smithy_http::event_stream::Receiver::new(crate::protocol_serde::#unmarshaller, ::aws_smithy_types::body::SdkBody::empty())))
                    });
                    let expected =
                        self.literal_with(output_id, Module::Output, quote!(#module::#output), params, dummy)?;
                    checks.push(quote!(let expected = #expected;));
                    for field in self.s.fields(output_id) {
                        if output_stream.is_some_and(|stream| stream.name == field.name) {
                            continue;
                        }
                        let f = names::field(field.name);
                        checks.push(quote!(assert_eq!(output.#f, expected.#f, "the output's {}", stringify!(#f));));
                    }
                }
                if let Some(field) = output_stream {
                    let stream = stream_access(field);
                    checks.extend(crate::protocol_tests::events_received(self, field.target, &stream, events(false))?);
                }
                quote! {
                    let mut output = result.expect("the call succeeds");
                    let _ = &mut output;
                    #(#checks)*
                }
            }
            Some(error_id) => {
                let op_error = error_id.filter(|id| op.errors.contains(id));
                let stream_error = error_id.filter(|id| {
                    output_stream
                        .and_then(|f| self.s.event_stream(f.target))
                        .is_some_and(|s| s.errors.iter().any(|(_, e)| e == id))
                });
                if error_id.is_some() && op_error.is_none() && stream_error.is_none() {
                    return Err("the expected error is neither the operation's nor its output stream's".to_owned());
                }
                let call_failed = match op_error {
                    Some(id) => {
                        let path = self.op_error_path(op);
                        let variant = self.struct_ident(id);
                        quote!(assert!(matches!(error.as_service_error(), ::std::option::Option::Some(#path::#variant(_))), "expected the error {}, got {error:?}", stringify!(#variant));)
                    }
                    None if stream_error.is_some() => quote!(panic!("the call failed, not the stream: {error:?}");),
                    None => quote!(let _ = error;),
                };
                let stream_failed = match (stream_error, output_stream) {
                    (Some(id), Some(field)) => {
                        let path = self.stream_error_path(field.target);
                        let variant = format_ident!("{}", self.type_name(id));
                        quote! {
                            let Some(#sdk_error::ServiceError(error)) = &failed else { panic!("expected the stream's error {}, got {failed:?}", stringify!(#variant)) };
                            assert!(matches!(error.err(), #path::#variant(_)), "expected the stream's error {}, got {:?}", stringify!(#variant), error.err());
                        }
                    }
                    _ if op_error.is_some() => quote!(panic!("the call succeeded, then its stream gave {failed:?}");),
                    _ => quote!(assert!(failed.is_some(), "the response's events read without an error");),
                };
                let read_events = match output_stream {
                    Some(field) => {
                        let stream = stream_access(field);
                        quote! {
                            let failed = loop {
                                match #stream.recv().await {
                                    ::std::result::Result::Ok(::std::option::Option::Some(_)) => continue,
                                    ::std::result::Result::Ok(::std::option::Option::None) => break ::std::option::Option::None,
                                    ::std::result::Result::Err(error) => break ::std::option::Option::Some(error),
                                }
                            };
                        }
                    }
                    None => quote!(let failed: ::std::option::Option<()> = ::std::option::Option::None;),
                };
                quote! {
                    match result {
                        ::std::result::Result::Err(error) => { #call_failed }
                        ::std::result::Result::Ok(mut output) => {
                            let _ = &mut output;
                            #read_events
                            #stream_failed
                        }
                    }
                }
            }
        };
        let fn_name = format_ident!("{name}");
        let code = quote! {
            #[::tokio::test]
            async fn #fn_name() {
                #[allow(unused_mut)]
                let mut body: ::std::vec::Vec<u8> = ::std::vec::Vec::new();
                #answer_body
                #(#frames)*
                let answer = ::http::Response::builder()
                    .status(#status)
                    #(.header(#keys, #values))*
                    .body(::aws_smithy_types::body::SdkBody::from(body))
                    .unwrap();
                let (http_client, captured) = ::aws_smithy_http_client::test_util::capture_request(::std::option::Option::Some(answer));
                let config = crate::Config::builder()
                    .endpoint_url("https://example.com")
                    .http_client(http_client)
                    // One answer is captured: an error answer must not be retried.
                    .retry_config(::aws_smithy_types::retry::RetryConfig::disabled())
                    .behavior_version_latest()
                    .build();
                let client = crate::Client::from_conf(config);
                let input = #input;
                let result = input.send_with(&client).await;

                let request = captured.expect_request();
                assert_eq!(request.method(), #method, "the request's method");
                let uri: ::http::Uri = request.uri().parse().expect("the request's URI parses");
                assert_eq!(uri.path(), #path, "the request's path");
                #header_checks
                #request_frames

                #outcome
            }
        };
        Ok(Case { name: name.to_owned(), code })
    }

    /// A structure (or, for an input, its builder) of the client from a test's `params`, with
    /// the members left out as a response would leave them out: `None`, the `@default`, or for a
    /// required member the client's zero value (its error correction).
    fn literal(
        &self,
        id: &'m str,
        module: Module,
        path: TokenStream,
        params: &BTreeMap<String, Node>,
    ) -> Result<TokenStream, String> {
        self.literal_with(id, module, path, params, None)
    }

    /// As [`Self::literal`], with the member `stream` names set to its value.
    fn literal_with(
        &self,
        id: &'m str,
        module: Module,
        path: TokenStream,
        params: &BTreeMap<String, Node>,
        stream: Option<(&str, TokenStream)>,
    ) -> Result<TokenStream, String> {
        let fields = if module == Module::Model { self.s.member_fields(id) } else { self.s.fields(id) };
        let mut inits = Vec::new();
        for field in fields {
            let f = names::field(field.name);
            let boxed = |v: TokenStream| if field.boxed { quote!(::std::boxed::Box::new(#v)) } else { v };
            let held = self.held(module, field);
            if let Some((_, value)) = stream.as_ref().filter(|(name, _)| *name == field.name) {
                let value =
                    if held == Held::Optional { quote!(::std::option::Option::Some(#value)) } else { value.clone() };
                inits.push(quote!(#f: #value,));
                continue;
            }
            let value = match params.get(field.name).filter(|v| !v.is_null()) {
                Some(value) => {
                    let value = boxed(self.value(field.target, value)?);
                    if held == Held::Optional { quote!(::std::option::Option::Some(#value)) } else { value }
                }
                None => match held {
                    Held::Optional => quote!(::std::option::Option::None),
                    Held::Defaulted => self.default_value(field),
                    Held::Required => boxed(self.zero_value(field.target)),
                },
            };
            inits.push(quote!(#f: #value,));
        }
        if module == Module::Error {
            inits.push(quote!(meta: ::std::default::Default::default(),));
        }
        Ok(quote!(#path { #(#inits)* }))
    }
}

impl<'m> Values<'m> for Gen<'_, 'm> {
    fn service(&self) -> &Service<'m> {
        self.s
    }

    fn type_path(&self, target: &'m str) -> Result<TokenStream, String> {
        Ok(self.rust_type(target))
    }

    /// Constraints are the server's business: the client holds the plain value.
    fn newtype(&self, _target: &'m str, plain: TokenStream) -> Result<TokenStream, String> {
        Ok(plain)
    }

    fn structure(&self, target: &'m str, params: &BTreeMap<String, Node>) -> Result<TokenStream, String> {
        self.literal(target, self.module_of(target), self.struct_path(target), params)
    }
}
