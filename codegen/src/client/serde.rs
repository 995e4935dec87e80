//! restJson1 on the client's side of the wire, `protocol_serde.rs`: one request serializer per
//! operation (labels, query, headers, JSON body or payload), one response deserializer per
//! operation (its output, or the modeled error the error code names), and JSON (de)serializers
//! for the shapes inside bodies. The runtime's `Operation` calls the first two.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Gen;
use super::shapes::Held;
use crate::codec::{Codec, Side, format_tokens};
use crate::event_stream::EventStreams;
use crate::ir::{
    Binding, Field, HttpValue, Module, Operation, Prim, Protocol, Scalar, ScalarKind, Segment, Service,
    TimestampFormat, Ty, UNIT,
};
use crate::names;
use crate::shapes::Types;

/// Which text a scalar becomes: a label or a query value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Label,
    /// A greedy label: its slashes are kept.
    GreedyLabel,
    Query,
}

/// The client reads what a server sent: it is lenient, and keeps what it does not know.
impl<'m> Side<'m> for Gen<'_, 'm> {
    fn service(&self) -> &Service<'m> {
        self.s
    }
    fn struct_path(&self, id: &str) -> TokenStream {
        let (module, name) = (self.struct_module(id), self.struct_ident(id));
        quote!(#module::#name)
    }
    fn shapes_module(&self) -> &'static str {
        "types"
    }
    fn validates(&self) -> bool {
        false
    }
    fn header_values(&self, name: TokenStream) -> TokenStream {
        quote!(headers.get_all_bytes(#name))
    }
    fn header_names(&self) -> TokenStream {
        quote!(headers.iter().map(|(name, _)| name))
    }
    fn is_optional(&self, module: Module, field: &Field<'m>) -> bool {
        self.held(module, field) == Held::Optional
    }
    /// A member's value from what was read (`var`, an `Option`): as is when the structure holds
    /// an `Option`, else with its `@default`, else with a zero value (error correction).
    fn member_value(&self, module: Module, field: &Field<'m>, var: &Ident, _path: TokenStream) -> TokenStream {
        match self.held(module, field) {
            Held::Optional => quote!(#var),
            Held::Defaulted => self.or_default(quote!(#var), field),
            Held::Required => {
                let mut zero = self.zero_value(field.target);
                if field.boxed {
                    zero = quote!(::std::boxed::Box::new(#zero));
                }
                let union = matches!(self.s.ty(field.target), Ty::Union(_)) && !field.boxed;
                if zero.to_string() == quote!(::std::default::Default::default()).to_string() {
                    quote!(#var.unwrap_or_default())
                } else if union {
                    quote!(#var.unwrap_or(#zero))
                } else {
                    quote!(#var.unwrap_or_else(|| #zero))
                }
            }
        }
    }
}

impl<'m> Gen<'_, 'm> {
    pub(super) fn protocol_serde(&self) -> TokenStream {
        let mut items = Vec::new();
        for op in &self.s.operations {
            items.push(self.request_serializer(op));
            items.push(self.response_deserializer(op));
            if let Some(prefix) = op.host_prefix {
                items.push(self.host_prefix(op, prefix));
            }
        }
        for (id, (module, _)) in &self.s.structs {
            // Errors that only event streams carry are read from exception messages instead.
            let answered = self.s.operations.iter().any(|op| op.errors.contains(&id.as_str()));
            if *module == Module::Error && answered {
                let id = self.id(id);
                let f = self.fn_name("de", id);
                let f = format_ident!("{f}_error");
                let (path, module) = (self.struct_path(id), Module::Error);
                items.push(self.http_deserializer(id, module, path, &f));
            }
        }
        items.extend(self.shape_codecs());
        items.extend(self.stream_codecs());
        let event_stream = crate::render::optional_mod(self.s.features.event_streams, "event_stream", false);
        let doc = crate::render::inner_doc(Some(&format!(
            "Requests out of operation inputs, and outputs and errors out of responses, under {}.",
            self.s.protocol.name()
        )));
        let cbor = self.s.protocol.is_cbor().then(|| {
            quote!(
                mod cbor;
            )
        });
        quote! {
            #doc
            #cbor
            #event_stream
            mod headers;
            mod json;
            mod support;
            #(#items)*
        }
    }

    // --- Requests ------------------------------------------------------------------------------

    fn request_serializer(&self, op: &Operation<'m>) -> TokenStream {
        let f = format_ident!("ser_{}_input", names::snake(op.name));
        let (id, input) = self.op_struct(op, Module::Input);
        let module = self.op_module(op);
        let fields = self.s.fields(id);
        let method = op.method;
        let path = self.uri_path(op);
        let query = self.uri_query(op, fields);
        let protocol_headers = self.protocol_headers(op);
        let member_headers = self.ser_headers(Module::Input, fields, quote!(input));
        let stream = op.input_stream.as_ref();
        let body = match stream {
            Some(field) => self.stream_body(field),
            None => self.request_body(id, fields),
        };
        // A stream's body is an `SdkBody` already; other bodies are bytes.
        let sdk_body =
            if stream.is_some() { quote!(body) } else { quote!(::aws_smithy_types::body::SdkBody::from(body)) };
        let checksum = op.checksum_required.then(|| {
            quote! {
                let md5 = <::md5::Md5 as ::md5::Digest>::digest(&body);
                headers.insert("content-md5", headers::header_value(&::aws_smithy_types::base64::encode(&md5[..]))?);
            }
        });
        let unused = if fields.is_empty() { quote!(let _ = input;) } else { TokenStream::new() };
        let fn_doc = format!(" The HTTP request of {}.", op.name);
        let length = self.content_length(op, stream);
        quote! {
            #[doc = #fn_doc]
            pub(crate) fn #f(input: #module::#input) -> ::std::result::Result<::aws_smithy_runtime_api::client::orchestrator::HttpRequest, ::aws_smithy_runtime_api::box_error::BoxError> {
                #unused
                let mut uri = ::std::string::String::new();
                #(#path)*
                #query
                #[allow(unused_mut)]
                let mut headers = ::http::HeaderMap::new();
                #protocol_headers
                #member_headers
                #body
                #checksum
                #length
                let mut request = ::http::Request::builder().method(#method).uri(uri).body(#sdk_body)?;
                *request.headers_mut() = headers;
                ::std::result::Result::Ok(::aws_smithy_runtime_api::client::orchestrator::HttpRequest::try_from(request)?)
            }
        }
    }

    /// Statements writing the URI's path into `uri`: its literal segments and its labels.
    fn uri_path(&self, op: &Operation<'m>) -> Vec<TokenStream> {
        let mut path = Vec::new();
        for segment in &op.segments {
            path.push(match segment {
                Segment::Literal(text) => {
                    let text = format!("/{text}");
                    quote!(uri.push_str(#text);)
                }
                Segment::Label(label) => {
                    let (field, scalar) = (&label.field, label.scalar);
                    let m = names::field(field.name);
                    let snake = names::snake(field.name);
                    let place = if label.greedy { Place::GreedyLabel } else { Place::Label };
                    let text = self.scalar_text(scalar, field.timestamp_format, place, quote!(value));
                    let is_string = matches!(self.s.ty(field.target), Ty::Prim(Prim::String) | Ty::Newtype(_, Prim::String));
                    let present = if is_string {
                        quote!(input.#m.as_ref().filter(|value| !value.is_empty()))
                    } else {
                        quote!(input.#m.as_ref())
                    };
                    quote! {
                        let value = #present.ok_or_else(|| ::aws_smithy_types::error::operation::BuildError::missing_field(#snake, "cannot be empty or unset"))?;
                        uri.push('/');
                        uri.push_str(&#text);
                    }
                }
            });
        }
        if op.segments.is_empty() {
            path.push(quote!(uri.push('/');));
        }
        path
    }

    /// A block writing the URI's query: the literal parameters of the URI pattern, the
    /// `@httpQuery` members, then the `@httpQueryParams` map; nothing without any.
    fn uri_query(&self, op: &Operation<'m>, fields: &[Field<'m>]) -> TokenStream {
        let mut query = Vec::new();
        for (key, value) in &op.query_literals {
            query.push(match value {
                Some(value) => quote!(query.push_kv(&::aws_smithy_http::query::fmt_string(#key), &::aws_smithy_http::query::fmt_string(#value));),
                None => quote!(query.push_v(&::aws_smithy_http::query::fmt_string(#key));),
            });
        }
        for field in fields {
            let Binding::Query(key, http) = field.binding else { continue };
            let m = names::field(field.name);
            let snake = names::snake(field.name);
            let push = match http {
                HttpValue::List(item, member) => {
                    let format = member.format(TimestampFormat::DateTime);
                    let text = self.scalar_text(item, format, Place::Query, quote!(item));
                    quote!(for item in value { query.push_kv(&::aws_smithy_http::query::fmt_string(#key), &#text); })
                }
                HttpValue::One(scalar) => {
                    let text = self.scalar_text(scalar, field.timestamp_format, Place::Query, quote!(value));
                    quote!(query.push_kv(&::aws_smithy_http::query::fmt_string(#key), &#text);)
                }
            };
            // A required parameter with a default is the server's to fill in when left out.
            query.push(if field.required && field.default.is_none() {
                quote! {
                    let value = input.#m.as_ref().ok_or_else(|| ::aws_smithy_types::error::operation::BuildError::missing_field(#snake, "cannot be unset"))?;
                    #push
                }
            } else {
                quote!(if let ::std::option::Option::Some(value) = &input.#m { #push })
            });
        }
        // `@httpQueryParams`: the map's parameters, but not those that `@httpQuery` members or the
        // URI bind (those take precedence).
        for field in fields {
            if field.binding != Binding::QueryParams {
                continue;
            }
            let m = names::field(field.name);
            let bound: Vec<&str> = fields
                .iter()
                .filter_map(|f| match f.binding {
                    Binding::Query(key, _) => Some(key),
                    _ => None,
                })
                .chain(op.query_literals.iter().map(|(key, _)| key.as_str()))
                .collect();
            let push = match self.s.ty(field.target) {
                Ty::Map { value, .. } if matches!(self.s.ty(value.target), Ty::List { .. }) => quote! {
                    for item in value {
                        query.push_kv(&::aws_smithy_http::query::fmt_string(key), &::aws_smithy_http::query::fmt_string(item));
                    }
                },
                _ => {
                    quote!(query.push_kv(&::aws_smithy_http::query::fmt_string(key), &::aws_smithy_http::query::fmt_string(value));)
                }
            };
            query.push(quote! {
                if let ::std::option::Option::Some(map) = &input.#m {
                    for (key, value) in map {
                        if ![#(#bound),*].contains(&key.as_str()) {
                            #push
                        }
                    }
                }
            });
        }
        if query.is_empty() {
            TokenStream::new()
        } else {
            quote! {{
                let mut query = ::aws_smithy_http::query::Writer::new(&mut uri);
                #(#query)*
            }}
        }
    }

    /// Statements adding the headers the protocol sends with every request.
    fn protocol_headers(&self, op: &Operation<'m>) -> TokenStream {
        // awsJson names the operation in `X-Amz-Target`; rpcv2Cbor says it is itself.
        let insert = |name: &str, value: &str| quote!(headers.insert(#name, ::http::HeaderValue::from_static(#value)););
        match self.s.protocol {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
                let target = insert("x-amz-target", &format!("{}.{}", crate::names::shape_name(self.s.id), op.name));
                let query_mode = self.s.query_compatible.then(|| insert("x-amzn-query-mode", "true"));
                quote!(#target #query_mode)
            }
            Protocol::RpcV2Cbor => {
                let (protocol, accept) =
                    (insert("smithy-protocol", "rpc-v2-cbor"), insert("accept", "application/cbor"));
                quote!(#protocol #accept)
            }
            Protocol::RestJson1 => TokenStream::new(),
        }
    }

    /// Statements saying the body's length, when it is known (a stream's may not be).
    fn content_length(&self, op: &Operation<'m>, stream: Option<&Field<'m>>) -> TokenStream {
        match stream {
            None => quote! {
                if !body.is_empty() {
                    headers.insert(::http::header::CONTENT_LENGTH, ::http::HeaderValue::from(body.len()));
                }
            },
            Some(field) => {
                let unknown = if self.s.shape(field.target).requires_length {
                    let text = format!("{} needs a body of known length (@requiresLength)", op.name);
                    quote!(::std::option::Option::None => return ::std::result::Result::Err(#text.into()),)
                } else {
                    quote!(::std::option::Option::None => {})
                };
                quote! {
                    match body.content_length() {
                        ::std::option::Option::Some(0) => {}
                        ::std::option::Option::Some(length) => {
                            headers.insert(::http::header::CONTENT_LENGTH, ::http::HeaderValue::from(length));
                        }
                        #unknown
                    }
                }
            }
        }
    }

    /// `host_prefix_<op>`: the operation's `@endpoint` host prefix, its labels filled from the
    /// input. The runtime validates it and puts it before the endpoint's host.
    fn host_prefix(&self, op: &Operation<'m>, prefix: &str) -> TokenStream {
        let (_, input) = self.op_struct(op, Module::Input);
        let module = self.op_module(op);
        let f = format_ident!("host_prefix_{}", names::snake(op.name));
        let mut format = prefix.to_owned();
        let mut args = Vec::new();
        for label in crate::ir::host_labels(prefix) {
            format = format.replace(&format!("{{{label}}}"), "{}");
            let m = names::field(label);
            let snake = names::snake(label);
            args.push(quote! {
                input.#m.as_deref().filter(|value| !value.is_empty()).ok_or_else(|| {
                    ::aws_smithy_types::error::operation::BuildError::missing_field(#snake, "a host label cannot be empty or unset")
                })?
            });
        }
        let fn_doc = format!(" The host prefix of {} (`{prefix}`).", op.name);
        let unused = args.is_empty().then(|| quote!(let _ = input;));
        let prefix = if args.is_empty() {
            quote!(::std::string::String::from(#format))
        } else {
            quote!(format!(#format #(, #args)*))
        };
        quote! {
            #[doc = #fn_doc]
            pub(crate) fn #f(input: &#module::#input) -> ::std::result::Result<::std::string::String, ::aws_smithy_runtime_api::box_error::BoxError> {
                #unused
                ::std::result::Result::Ok(#prefix)
            }
        }
    }

    /// Statements that set `body` (an `SdkBody`) to a `@streaming` payload and, for a stream, the
    /// `content-type` header.
    fn stream_body(&self, field: &Field<'m>) -> TokenStream {
        let m = names::field(field.name);
        let media = self.s.payload_media_type(field.target);
        if self.s.event_stream(field.target).is_some() {
            // Each event is written when the HTTP client asks for more of the body, so a slow
            // connection holds the caller's stream back rather than buffering its events.
            let name = self.type_name(field.target);
            let (marshaller, error_marshaller) =
                (format_ident!("{name}Marshaller"), format_ident!("{name}ErrorMarshaller"));
            return quote! {
                let body = match input.#m {
                    ::std::option::Option::Some(sender) => {
                        headers::content_type(&mut headers, #media);
                        let events = sender.into_body_stream(#marshaller, #error_marshaller, ::aws_smithy_eventstream::frame::NoOpSigner {});
                        ::aws_smithy_types::body::SdkBody::from_body_1_x(event_stream::Fused::new(::http_body_util::StreamBody::new(events)))
                    }
                    ::std::option::Option::None => ::aws_smithy_types::body::SdkBody::empty(),
                };
            };
        }
        quote! {
            let body = match input.#m {
                ::std::option::Option::Some(stream) => {
                    headers::content_type(&mut headers, #media);
                    stream.into_inner()
                }
                ::std::option::Option::None => ::aws_smithy_types::body::SdkBody::empty(),
            };
        }
    }

    /// Statements that set `body` (bytes) and, for a body, the `content-type` header.
    fn request_body(&self, input_id: &str, fields: &[Field<'m>]) -> TokenStream {
        if let Some(field) = fields.iter().find(|f| f.binding == Binding::Payload) {
            let m = names::field(field.name);
            // An absent structure payload is sent as an empty object; other payloads as no body.
            let absent = match self.s.ty(field.target) {
                Ty::Struct(_) => quote!({
                    headers::content_type(&mut headers, "application/json");
                    b"{}".to_vec()
                }),
                _ => quote!(::std::vec::Vec::new()),
            };
            return self.ser_payload(field, quote!(input.#m), absent);
        }
        // The RPC protocols always send an object or map, `{}` at least, but for no input
        // structure under rpcv2Cbor; restJson1 sends one for body members only.
        let body: Vec<&Field<'m>> = fields.iter().filter(|f| f.binding == Binding::Body).collect();
        let none = match self.s.protocol {
            Protocol::RpcV2Cbor => input_id == UNIT,
            protocol => protocol.has_http_bindings() && body.is_empty(),
        };
        if none {
            return quote!(let body: ::std::vec::Vec<u8> = ::std::vec::Vec::new(););
        }
        self.ser_body(Module::Input, &body, quote!(input), TokenStream::new())
    }

    /// The text of a scalar (`value: &T`) in a label or a query value, percent-encoded, as an
    /// expression of type `String`.
    fn scalar_text(
        &self,
        scalar: Scalar<'m>,
        format: TimestampFormat,
        place: Place,
        value: TokenStream,
    ) -> TokenStream {
        let encode = |text: TokenStream| match place {
            Place::Label => {
                quote!(::aws_smithy_http::label::fmt_string(#text, ::aws_smithy_http::label::EncodingStrategy::Default))
            }
            Place::GreedyLabel => {
                quote!(::aws_smithy_http::label::fmt_string(#text, ::aws_smithy_http::label::EncodingStrategy::Greedy))
            }
            Place::Query => quote!(::aws_smithy_http::query::fmt_string(#text)),
        };
        match scalar.kind {
            ScalarKind::Prim(Prim::String) | ScalarKind::Constrained(Prim::String) | ScalarKind::Enum => {
                encode(quote!(#value.as_str()))
            }
            ScalarKind::Prim(Prim::Timestamp) | ScalarKind::Constrained(Prim::Timestamp) => {
                let format = format_tokens(format);
                match place {
                    Place::Label | Place::GreedyLabel => {
                        quote!(::aws_smithy_http::label::fmt_timestamp(#value, #format)?)
                    }
                    Place::Query => quote!(::aws_smithy_http::query::fmt_timestamp(#value, #format)?),
                }
            }
            ScalarKind::Prim(_) | ScalarKind::Constrained(_) | ScalarKind::IntEnum => {
                quote!(headers::format_primitive(*#value))
            }
        }
    }

    // --- Responses -----------------------------------------------------------------------------

    fn response_deserializer(&self, op: &Operation<'m>) -> TokenStream {
        let codec = if self.s.protocol.is_cbor() { quote!(cbor) } else { quote!(json) };
        let snake = names::snake(op.name);
        let f = format_ident!("de_{snake}_response");
        let output_fn = format_ident!("de_{snake}_output");
        let (id, output) = self.op_struct(op, Module::Output);
        let module = self.op_module(op);
        let error = self.op_error_path(op);
        let mut arms = Vec::new();
        for e in &op.errors {
            let code = crate::names::shape_name(e);
            let variant = self.struct_ident(e);
            let de = self.fn_name("de", e);
            let de = format_ident!("{de}_error");
            arms.push(quote! {
                ::std::option::Option::Some(#code) => match #de(status, headers, body, meta) {
                    ::std::result::Result::Ok(error) => #error::#variant(error),
                    ::std::result::Result::Err(cause) => #error::unhandled(cause),
                },
            });
        }
        // A query-compatible service's error keeps its variant, and reports its awsQuery code.
        let query_code =
            self.s.query_compatible.then(|| quote!(let meta = support::query_error_metadata(meta, headers);));
        let select = if arms.is_empty() {
            quote!(let error = #error::generic(meta);)
        } else {
            quote! {
                let code = meta.code().map(::std::borrow::ToOwned::to_owned);
                #query_code
                let error = match code.as_deref() {
                    #(#arms)*
                    _ => #error::generic(meta),
                };
            }
        };
        let output_de = self.http_deserializer(id, Module::Output, quote!(#module::#output), &output_fn);
        let fn_doc = format!(" {}'s output from a 2xx response, else the error the response names.", op.name);
        let stream_de = op.output_stream.as_ref().map(|field| {
            let stream_fn = format_ident!("de_{snake}_stream");
            let m = names::field(field.name);
            let stream = if self.s.event_stream(field.target).is_some() {
                let unmarshaller = format_ident!("{}Unmarshaller", self.type_name(field.target));
                quote!(::aws_smithy_http::event_stream::Receiver::new(#unmarshaller, body))
            } else {
                quote!(::aws_smithy_types::byte_stream::ByteStream::new(body))
            };
            let stream = if self.held(Module::Output, field) == Held::Optional {
                quote!(::std::option::Option::Some(#stream))
            } else {
                stream
            };
            let doc = format!(" {}'s output from a 2xx response, its body handed over as the stream.", op.name);
            quote! {
                #[doc = #doc]
                pub(crate) fn #stream_fn(response: &mut ::aws_smithy_runtime_api::client::orchestrator::HttpResponse) -> ::std::result::Result<#module::#output, ::aws_smithy_runtime_api::client::orchestrator::OrchestratorError<#error>> {
                    let body = ::std::mem::replace(response.body_mut(), ::aws_smithy_types::body::SdkBody::taken());
                    let mut output = #output_fn(response.status().as_u16(), response.headers(), &[])
                        .map_err(|cause| ::aws_smithy_runtime_api::client::orchestrator::OrchestratorError::operation(#error::unhandled(cause)))?;
                    output.#m = #stream;
                    ::std::result::Result::Ok(output)
                }
            }
        });
        quote! {
            #output_de
            #stream_de
            #[doc = #fn_doc]
            pub(crate) fn #f(response: &::aws_smithy_runtime_api::client::orchestrator::HttpResponse) -> ::std::result::Result<#module::#output, ::aws_smithy_runtime_api::client::orchestrator::OrchestratorError<#error>> {
                let status = response.status().as_u16();
                let headers = response.headers();
                let body = response.body().bytes().unwrap_or_default();
                if response.status().is_success() {
                    return #output_fn(status, headers, body)
                        .map_err(|cause| ::aws_smithy_runtime_api::client::orchestrator::OrchestratorError::operation(#error::unhandled(cause)));
                }
                let meta = match #codec::error_fields(body) {
                    ::std::result::Result::Ok((code, message)) => support::error_metadata(headers, code, message),
                    ::std::result::Result::Err(cause) => {
                        return ::std::result::Result::Err(::aws_smithy_runtime_api::client::orchestrator::OrchestratorError::operation(#error::unhandled(cause)));
                    }
                };
                #select
                ::std::result::Result::Err(::aws_smithy_runtime_api::client::orchestrator::OrchestratorError::operation(error))
            }
        }
    }

    /// `f(status, headers, body[, meta])`: an output or error structure from its response.
    fn http_deserializer(&self, id: &'m str, module: Module, path: TokenStream, f: &Ident) -> TokenStream {
        let fields = self.s.fields(id);
        let is_error = module == Module::Error;
        let local = |field: &Field<'m>| format_ident!("m_{}", names::snake(field.name));
        let mut stmts = Vec::new();
        for field in fields {
            let var = local(field);
            if field.binding == Binding::ResponseCode {
                stmts.push(quote!(let #var = i32::from(status);));
            } else if field.binding == Binding::Payload && self.s.event_stream(field.target).is_some() {
                // Replaced by the stream of the body when the response is a success.
                let unmarshaller = format_ident!("{}Unmarshaller", self.type_name(field.target));
                let mut stream = quote!(::aws_smithy_http::event_stream::Receiver::new(#unmarshaller, ::aws_smithy_types::body::SdkBody::empty()));
                if self.is_optional(module, field) {
                    stream = quote!(::std::option::Option::Some(#stream));
                }
                stmts.push(quote!(let #var = #stream;));
            } else if field.binding == Binding::Payload && self.s.is_streaming(field.target) {
                // The runtime has read the whole body already.
                let stream = quote!(::aws_smithy_types::byte_stream::ByteStream::from(body.to_vec()));
                stmts.push(quote!(let #var = (!body.is_empty()).then(|| #stream);));
            }
        }
        // restJson1 ignores @httpQuery in responses: such members are in the body too.
        let body_fields: Vec<&Field<'m>> =
            fields.iter().filter(|f| matches!(f.binding, Binding::Body | Binding::Query(..))).collect();
        stmts.push(self.de_bindings(fields, &body_fields, quote!(body), None));
        let mut inits = Vec::new();
        for field in fields {
            let m = names::field(field.name);
            let var = local(field);
            let value = match field.binding {
                // A status is always there.
                Binding::ResponseCode if self.is_optional(module, field) => quote!(::std::option::Option::Some(#var)),
                Binding::ResponseCode => quote!(#var),
                // Held as it was made above.
                Binding::Payload if self.s.event_stream(field.target).is_some() => quote!(#var),
                _ => self.member_value(module, field, &var, quote!()),
            };
            inits.push(quote!(#m: #value,));
        }
        let meta = if is_error {
            inits.push(quote!(meta,));
            quote!(meta: ::aws_smithy_types::error::ErrorMetadata,)
        } else {
            TokenStream::new()
        };
        quote! {
            #[allow(unused_mut, unused_variables)]
            fn #f(status: u16, headers: &::aws_smithy_runtime_api::http::Headers, body: &[u8], #meta) -> ::std::result::Result<#path, ::aws_smithy_runtime_api::box_error::BoxError> {
                #(#stmts)*
                ::std::result::Result::Ok(#path { #(#inits)* })
            }
        }
    }
}
