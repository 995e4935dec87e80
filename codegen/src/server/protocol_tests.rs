//! `protocol_tests.rs`: Smithy's protocol tests (`smithy.test#httpRequestTests`,
//! `#httpResponseTests`, `#httpMalformedRequestTests`, `#eventStreamTests`) carried by the model,
//! as Rust tests of the generated server, the first three the way smithy-rs generates them:
//! - request tests send the HTTP request to the service and compare the input the handler gets
//!   with the test's `params`;
//! - response tests turn `params` into the output (or error) and compare the HTTP response;
//! - malformed-request tests send the request (once per `testParameters` case) and compare the
//!   response; the handler must not be reached;
//! - event-stream tests (`<id>_event_stream`, which smithy-rs does not generate) send the initial
//!   request with the request events' frames and compare the input and events the handler gets;
//!   the handler answers with the test's output and response events, whose frames are compared;
//!   an expected failure is a refused request or an error reading the events.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use crate::codec::Side as _;
use crate::event_stream::EventStreams as _;
use crate::ir::{
    EventStreamTest, Field, HttpMessage, HttpTest, MalformedRequestTest, Module, Node, Operation, Protocol, Service,
    TestSide,
};
use crate::names;
use crate::protocol_tests::{Case, Values, assert_same, body_check, header_checks, ignored, test_fn_name};
use crate::shapes::Types as _;

impl<'m> Gen<'_, 'm> {
    /// Whether the model carries protocol tests for the server side of this service.
    /// Whether the crate's protocol tests include event-stream tests (which build streams).
    pub(super) fn has_event_stream_tests(&self) -> bool {
        self.s.operations.iter().flat_map(|op| &op.tests.event_stream).any(|t| t.applies(TestSide::Server))
    }

    pub(super) fn has_protocol_tests(&self) -> bool {
        self.s.features.server_tests
    }

    pub(super) fn protocol_tests(&self) -> TokenStream {
        let mut cases = Vec::new();
        for op in &self.s.operations {
            for test in op.tests.request.iter().filter(|t| t.applies(TestSide::Server)) {
                cases.push(self.request_test(op, test));
            }
            for test in op.tests.response.iter().filter(|t| t.applies(TestSide::Server)) {
                cases.push(self.response_test(op, test, None));
            }
            for test in &op.tests.malformed_request {
                cases.push(self.malformed_test(op, test));
            }
            for test in op.tests.event_stream.iter().filter(|t| t.applies(TestSide::Server)) {
                let name = test_fn_name(test.id, "event_stream");
                cases.push(self.event_stream_test(op, test, &name).unwrap_or_else(|reason| ignored(name, &reason)));
            }
        }
        for (id, (module, _)) in &self.s.structs {
            if *module != Module::Error {
                continue;
            }
            let Some(op) = self.s.operations.iter().find(|op| op.errors.contains(&id.as_str())) else { continue };
            for test in self.s.error(id).response_tests.iter().filter(|t| t.applies(TestSide::Server)) {
                cases.push(self.response_test(op, test, Some(id)));
            }
        }
        crate::protocol_tests::module("server", cases)
    }

    fn service_with(&self, op: &Operation<'m>, handler: TokenStream) -> TokenStream {
        let name = self.service_name();
        let svc = format_ident!("{name}");
        let config = format_ident!("{name}Config");
        let setter = format_ident!("{}", names::snake(op.name));
        quote! {
            crate::#svc::builder(crate::#config::builder().build()).#setter(#handler).build_unchecked()
        }
    }

    fn op_types(&self, op: &Operation<'m>) -> (TokenStream, TokenStream, TokenStream) {
        let input = self.op_struct(op, Module::Input).1;
        let output = self.op_struct(op, Module::Output).1;
        let error = format_ident!("{}Error", names::type_name(op.name));
        (quote!(crate::input::#input), quote!(crate::output::#output), quote!(crate::error::#error))
    }

    /// `Service.Operation`, the `X-Amz-Target` of an operation under awsJson.
    fn rpc_target(&self, op: &Operation<'m>) -> Option<String> {
        matches!(self.s.protocol, Protocol::AwsJson1_0 | Protocol::AwsJson1_1)
            .then(|| format!("{}.{}", crate::names::shape_name(self.s.id), op.name))
    }

    fn request_test(&self, op: &Operation<'m>, test: &HttpTest<'m>) -> Case {
        let name = test_fn_name(test.id, "request");
        let fn_name = format_ident!("{name}");
        let (input, output, error) = self.op_types(op);
        let expected = match self.struct_value(
            op.input,
            &self.op_struct(op, Module::Input).1.to_string(),
            Module::Input,
            test.params,
        ) {
            Ok(v) => v,
            Err(reason) => return ignored(name, &reason),
        };
        let target = self.rpc_target(op);
        let request = build_request(&test.message, target.as_deref());
        let compare = assert_same(self.s, op.input, test.params, quote!(input), quote!(expected), true);
        let service = self.service_with(
            op,
            quote! {
                move |input: #input| {
                    let sender = sender.clone();
                    async move {
                        if let Some(sender) = sender.lock().unwrap().take() {
                            let _ = sender.send(input);
                        }
                        ::std::future::pending::<::std::result::Result<#output, #error>>().await
                    }
                }
            },
        );
        let code = quote! {
            #[::tokio::test]
            async fn #fn_name() {
                let expected: #input = #expected;
                let (sender, receiver) = ::tokio::sync::oneshot::channel::<#input>();
                let sender = ::std::sync::Arc::new(::std::sync::Mutex::new(Some(sender)));
                let service = #service;
                let request = #request;
                let mut call = ::tokio::spawn(::tower::ServiceExt::oneshot(service, request));
                ::tokio::select! {
                    input = receiver => {
                        let Ok(input) = input else {
                            let response = call.await.unwrap().unwrap();
                            let status = response.status();
                            let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
                            panic!("the request did not reach the handler: {status} {body:?}");
                        };
                        #compare
                    }
                    response = &mut call => {
                        let response = response.unwrap().unwrap();
                        let status = response.status();
                        let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
                        panic!("the request did not reach the handler: {status} {body:?}");
                    }
                }
            }
        };
        Case { name, code }
    }

    fn response_test(&self, op: &Operation<'m>, test: &HttpTest<'m>, error_shape: Option<&str>) -> Case {
        let name = test_fn_name(test.id, "response");
        let fn_name = format_ident!("{name}");
        let (_, output, op_error) = self.op_types(op);
        let value = match error_shape {
            None => self.struct_value(
                op.output,
                &self.op_struct(op, Module::Output).1.to_string(),
                Module::Output,
                test.params,
            ),
            Some(id) => {
                let id = self.id(id);
                self.struct_value(id, &self.type_name(id), Module::Error, test.params)
                    .map(|v| quote!(#op_error::from(#v)))
            }
        };
        let value = match value {
            Ok(v) => v,
            Err(reason) => return ignored(name, &reason),
        };
        let value = match error_shape {
            None => quote!(let value: #output = #value;),
            Some(_) => quote!(let value: #op_error = #value;),
        };
        let http = &test.message;
        let code = http.code.unwrap_or(200);
        let checks = response_checks(http, http.body.as_deref(), http.body_media_type.as_deref());
        let code = quote! {
            #[::tokio::test]
            async fn #fn_name() {
                #value
                let response = ::aws_smithy_http_server::response::IntoResponse::<crate::protocol_serde::Protocol>::into_response(value);
                assert_eq!(response.status().as_u16(), #code);
                #checks
            }
        };
        Case { name, code }
    }

    /// One case of a malformed-request test: the request must be refused, without reaching the
    /// handler, with the test's response.
    fn malformed_test(&self, op: &Operation<'m>, test: &MalformedRequestTest<'m>) -> Case {
        let base = test_fn_name(test.id, "malformed_request");
        let name = match test.case {
            Some(index) => format!("{base}_case{index}"),
            None => base,
        };
        let case = match &test.outcome {
            Ok(case) => case,
            Err(reason) => return ignored(name, reason),
        };
        let (input, output, error) = self.op_types(op);
        let service = self.service_with(
            op,
            quote! {
                |_input: #input| async {
                    panic!("a malformed request reached the handler");
                    ::std::future::pending::<::std::result::Result<#output, #error>>().await
                }
            },
        );
        let http_request = build_request(&case.request, self.rpc_target(op).as_deref());
        let code = case.response.code.unwrap_or(400);
        let mut checks =
            response_checks(&case.response, case.body_contents.as_deref(), case.body_media_type.as_deref());
        if let Some(regex) = &case.message_regex {
            checks.extend(quote! {
                let body: ::serde_json::Value = ::serde_json::from_slice(&body).expect("a JSON body");
                let message = body.get("message").or_else(|| body.get("Message")).and_then(|m| m.as_str()).unwrap_or_default();
                let regex = ::regex::Regex::new(#regex).expect("a valid messageRegex");
                assert!(regex.is_match(message), "message {message:?} does not match {}", #regex);
            });
        }
        let fn_name = format_ident!("{name}");
        Case {
            name,
            code: quote! {
                #[::tokio::test]
                async fn #fn_name() {
                    let service = #service;
                    let request = #http_request;
                    let response = ::tower::ServiceExt::oneshot(service, request).await.unwrap();
                    assert_eq!(response.status().as_u16(), #code, "{:?}", response);
                    #checks
                }
            },
        }
    }

    /// An event-stream test: the request (its initial message, then the frames of the request
    /// events) goes to the service, whose handler hands over the input and answers with the
    /// output of `initialResponseParams` streaming the response events. On success the input's
    /// members and events must be the test's, and the response's frames its response events; on
    /// failure the request must be refused, or reading its events must end in an error (the
    /// modeled one `errorId` names).
    fn event_stream_test(&self, op: &Operation<'m>, test: &EventStreamTest<'m>, name: &str) -> Result<Case, String> {
        static NO_PARAMS: BTreeMap<String, Node> = BTreeMap::new();
        let (input, output, error) = self.op_types(op);
        let events = |request: bool| test.events.iter().filter(move |e| e.request == request);
        let input_stream = op.input_stream.as_ref().filter(|f| self.s.event_stream(f.target).is_some());
        let output_stream = op.output_stream.as_ref().filter(|f| self.s.event_stream(f.target).is_some());
        if events(true).next().is_some() && input_stream.is_none() {
            return Err("request events for an input without an event stream".to_owned());
        }
        if events(false).next().is_some() && output_stream.is_none() {
            return Err("response events for an output without an event stream".to_owned());
        }
        if test.failure.is_some() && (events(false).next().is_some() || test.initial_response.is_some()) {
            return Err("a server test expecting its response to fail".to_owned());
        }

        // The request: the initial message, then the request events' frames.
        let frames = events(true).map(crate::protocol_tests::event_frame).collect::<Result<Vec<_>, _>>()?;
        let mut line = test.initial_request.clone();
        if input_stream.is_some() && !line.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            line.headers.push(("Content-Type".to_owned(), "application/vnd.amazon.eventstream".to_owned()));
        }
        let request = build_request_with(&line, self.rpc_target(op).as_deref(), quote!(::bytes::Bytes::from(body)));

        // The handler's answer: the output of `initialResponseParams`, streaming the response events.
        let stream_value = match output_stream {
            Some(field) => {
                let items = events(false)
                    .map(|e| {
                        crate::protocol_tests::stream_item(
                            self,
                            field.target,
                            e.params.ok_or("an unmodeled response event")?,
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let (union, union_error) = (self.rust_type(field.target), self.stream_error_path(field.target));
                Some((
                    field.name,
                    quote! {
                        ::aws_smithy_http::event_stream::EventStreamSender::from(::futures_util::stream::iter(
                            ::std::vec::Vec::<::std::result::Result<#union, #union_error>>::from([#(#items),*]),
                        ))
                    },
                ))
            }
            None => None,
        };
        // A test of the request alone leaves the output out: its handler never answers.
        let checks_response =
            test.initial_response.is_some() || test.initial_response_params.is_some() || events(false).next().is_some();
        let answer = if checks_response {
            let response_params = test.initial_response_params.unwrap_or(&NO_PARAMS);
            let output_value = self.struct_value_with(
                op.output,
                &self.op_struct(op, Module::Output).1.to_string(),
                Module::Output,
                response_params,
                stream_value,
            )?;
            quote!(::std::result::Result::<#output, #error>::Ok(#output_value))
        } else {
            quote!(::std::future::pending::<::std::result::Result<#output, #error>>().await)
        };
        let service = self.service_with(
            op,
            quote! {
                move |input: #input| {
                    let sender = sender.clone();
                    async move {
                        if let Some(sender) = sender.lock().unwrap().take() {
                            let _ = sender.send(input);
                        }
                        #answer
                    }
                }
            },
        );

        // What the handler got: the input's members, then its events.
        let mut input_checks = Vec::new();
        if let Some(params) = test.initial_request_params {
            for (field, value) in self.member_values(op.input, Module::Input, params)? {
                if input_stream.is_some_and(|stream| stream.name == field.name) {
                    continue;
                }
                let (f, value) = (names::field(field.name), value?);
                input_checks.push(quote!(assert_eq!(input.#f, #value, "the input's {}", stringify!(#f));));
            }
        }
        let stream_access = input_stream.map(|field| {
            let f = names::field(field.name);
            if field.is_always_set() {
                quote!(input.#f)
            } else {
                quote!(input.#f.as_mut().expect("the input has its stream"))
            }
        });
        let sdk_error = quote!(::aws_smithy_runtime_api::client::result::SdkError);
        let outcome = match test.failure {
            None => {
                let event_checks = match (input_stream, &stream_access) {
                    (Some(field), Some(stream)) => {
                        crate::protocol_tests::events_received(self, field.target, stream, events(true))?
                    }
                    _ => Vec::new(),
                };
                let code = test.initial_response.as_ref().and_then(|r| r.code).unwrap_or(200);
                let headers = test.initial_response.as_ref().map(|r| header_checks(quote!(response), r));
                let mut frame_checks = Vec::new();
                for (index, event) in events(false).enumerate() {
                    let checks = crate::protocol_tests::event_checks(event)?;
                    frame_checks.push(quote!({ let message = &messages[#index]; #checks }));
                }
                let count = events(false).count();
                let read = crate::protocol_tests::read_frames();
                let response_checks = if !checks_response {
                    quote!(let _ = response;)
                } else {
                    quote! {
                        let response = match response {
                            ::std::option::Option::Some(response) => response,
                            ::std::option::Option::None => (&mut call).await.unwrap().unwrap(),
                        };
                        let status = response.status();
                        assert_eq!(status.as_u16(), #code, "the response's status");
                        #headers
                        let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
                        #read
                        assert_eq!(messages.len(), #count, "the response's events: {messages:?}");
                        #(#frame_checks)*
                    }
                };
                quote! {
                    let ::std::option::Option::Some(mut input) = input else {
                        let response = response.expect("the request was answered");
                        let status = response.status();
                        let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
                        panic!("the request did not reach the handler: {status} {body:?}");
                    };
                    let _ = &mut input;
                    #(#input_checks)*
                    #(#event_checks)*
                    #response_checks
                }
            }
            Some(error_id) => {
                let check = match (error_id, input_stream) {
                    (Some(error_id), Some(field)) => {
                        let path = self.stream_error_path(field.target);
                        let variant = format_ident!("{}", self.type_name(error_id));
                        quote! {
                            let Some(#sdk_error::ServiceError(error)) = &failed else { panic!("expected the stream's error {}, got {failed:?}", stringify!(#variant)) };
                            assert!(matches!(error.err(), #path::#variant(_)), "expected the stream's error {}, got {:?}", stringify!(#variant), error.err());
                        }
                    }
                    (Some(_), None) => return Err("an expected error without an input event stream".to_owned()),
                    (None, _) => quote!(assert!(failed.is_some(), "the request's events read without an error");),
                };
                let read = match &stream_access {
                    Some(stream) => quote! {
                        let failed = loop {
                            match #stream.recv().await {
                                ::std::result::Result::Ok(::std::option::Option::Some(_)) => continue,
                                ::std::result::Result::Ok(::std::option::Option::None) => break ::std::option::Option::None,
                                ::std::result::Result::Err(error) => break ::std::option::Option::Some(error),
                            }
                        };
                    },
                    None => quote!(let failed: ::std::option::Option<()> = ::std::option::Option::None;),
                };
                // Refused before the handler: right unless the test expects a modeled error.
                let refused = match error_id {
                    Some(_) => {
                        quote!(panic!("the request was refused ({status}), not answered with the modeled error");)
                    }
                    None => quote! {
                        assert!(status.is_client_error() || status.is_server_error(), "the handler was not reached, yet the status is {status}");
                    },
                };
                quote! {
                    match input {
                        ::std::option::Option::None => {
                            let status = response.expect("the request was answered").status();
                            #refused
                        }
                        ::std::option::Option::Some(mut input) => {
                            let _ = &mut input;
                            #read
                            #check
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
                #(#frames)*
                let request = #request;
                let (sender, receiver) = ::tokio::sync::oneshot::channel::<#input>();
                let sender = ::std::sync::Arc::new(::std::sync::Mutex::new(Some(sender)));
                let service = #service;
                let mut call = ::tokio::spawn(::tower::ServiceExt::oneshot(service, request));
                // The input the handler got, or else the response that refused the request.
                let (input, response) = ::tokio::select! {
                    biased;
                    input = receiver => match input {
                        ::std::result::Result::Ok(input) => (::std::option::Option::Some(input), ::std::option::Option::None),
                        ::std::result::Result::Err(_) => (::std::option::Option::None, ::std::option::Option::Some((&mut call).await.unwrap().unwrap())),
                    },
                    response = &mut call => (::std::option::Option::None, ::std::option::Option::Some(response.unwrap().unwrap())),
                };
                #outcome
            }
        };
        Ok(Case { name: name.to_owned(), code })
    }

    // --- Values from `params` -----------------------------------------------------------------

    /// A structure literal from a test's `params` (members absent from `params` are `None`, or
    /// their `@default`).
    fn struct_value(
        &self,
        id: &'m str,
        name: &str,
        module: Module,
        params: &BTreeMap<String, Node>,
    ) -> Result<TokenStream, String> {
        self.struct_value_with(id, name, module, params, None)
    }

    /// As [`Self::struct_value`], with the member `stream` names set to its value.
    fn struct_value_with(
        &self,
        id: &'m str,
        name: &str,
        module: Module,
        params: &BTreeMap<String, Node>,
        stream: Option<(&str, TokenStream)>,
    ) -> Result<TokenStream, String> {
        let module_ident = format_ident!("{}", module.name());
        let ident = format_ident!("{name}");
        let mut inits = Vec::new();
        for (field, value) in self.member_values(id, module, params)? {
            let f = names::field(field.name);
            let value = match stream.as_ref().filter(|(name, _)| *name == field.name) {
                Some((_, value)) if field.is_always_set() => value.clone(),
                Some((_, value)) => quote!(::std::option::Option::Some(#value)),
                None => value?,
            };
            inits.push(quote!(#f: #value,));
        }
        Ok(quote!(crate::#module_ident::#ident { #(#inits)* }))
    }

    /// Each member of the structure `id` with its value from `params`: `None` or its `@default`
    /// when left out; a required member left out is an error (in its place, for a caller that
    /// sets it otherwise).
    #[allow(clippy::type_complexity)]
    fn member_values<'f>(
        &'f self,
        id: &'m str,
        module: Module,
        params: &BTreeMap<String, Node>,
    ) -> Result<Vec<(&'f Field<'m>, Result<TokenStream, String>)>, String> {
        let fields = if module == Module::Model { self.s.member_fields(id) } else { self.s.fields(id) };
        let mut values = Vec::new();
        for field in fields {
            let value = match params.get(field.name) {
                Some(value) if !value.is_null() => {
                    let v = self.value(field.target, value)?;
                    let v = if field.boxed { quote!(::std::boxed::Box::new(#v)) } else { v };
                    Ok(if field.is_always_set() { v } else { quote!(::std::option::Option::Some(#v)) })
                }
                _ => match field.default {
                    Some(_) => Ok(self.default_value(field)),
                    None if field.required => Err(format!("params leave out the required member {}", field.name)),
                    None => Ok(quote!(::std::option::Option::None)),
                },
            };
            values.push((field, value));
        }
        Ok(values)
    }
}

impl<'m> Values<'m> for Gen<'_, 'm> {
    fn service(&self) -> &Service<'m> {
        self.s
    }

    fn type_path(&self, target: &'m str) -> Result<TokenStream, String> {
        Ok(self.rust_type(target))
    }

    fn newtype(&self, target: &'m str, plain: TokenStream) -> Result<TokenStream, String> {
        let path = self.type_path(target)?;
        Ok(quote!(#path(#plain)))
    }

    fn structure(&self, target: &'m str, params: &BTreeMap<String, Node>) -> Result<TokenStream, String> {
        let (module, name) = self.s.struct_place(target);
        self.struct_value(target, name, module, params)
    }
}

/// The HTTP request of a test object (`method`, `uri`, `queryParams`, `headers`, `body`), for the
/// operation `target` names under an RPC protocol (`Service.Operation`). Some RPC tests written
/// for clients (whose serializers add `X-Amz-Target`) leave the header out; the server routes by it,
/// so it is added when missing.
fn build_request(request: &HttpMessage, target: Option<&str>) -> TokenStream {
    let body = crate::protocol_tests::body_bytes(request);
    let body = proc_macro2::Literal::byte_string(&body);
    build_request_with(request, target, quote!(::bytes::Bytes::from_static(#body)))
}

/// As [`build_request`], with the body `body` (an expression of `bytes::Bytes`).
fn build_request_with(request: &HttpMessage, target: Option<&str>, body: TokenStream) -> TokenStream {
    let method = request.method.as_deref().unwrap_or("GET");
    let mut uri = request.uri.as_deref().unwrap_or("/").to_owned();
    if !request.query_params.is_empty() {
        uri.push(if uri.contains('?') { '&' } else { '?' });
        uri.push_str(&request.query_params.join("&"));
    }
    let mut headers: Vec<(&str, &str)> = request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if let Some(target) = target
        && !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("x-amz-target"))
    {
        headers.push(("X-Amz-Target", target));
    }
    let (keys, values): (Vec<_>, Vec<_>) = headers.into_iter().unzip();
    quote! {
        ::http::Request::builder()
            .method(#method)
            .uri(#uri)
            #(.header(#keys, #values))*
            .body(::http_body_util::Full::new(#body))
            .unwrap()
    }
}

/// Checks of a `response` in scope: the test object's `headers` and `forbidHeaders`, and `body`.
fn response_checks(http: &HttpMessage, body: Option<&str>, media: Option<&str>) -> TokenStream {
    let header_checks = header_checks(quote!(response), http);
    let body_check = body_check(body, media);
    quote! {
        #header_checks
        let body = ::http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        #body_check
    }
}
