//! Event streams (`@streaming` unions), for both sides over the codec's [`Side`]: the Rust type
//! of a stream member (`aws-smithy-http`'s `Receiver` where this side reads the stream,
//! `EventStreamSender` where it writes it), the error enum of each stream's modeled errors, and
//! the marshallers and unmarshallers between a union's values and `aws-smithy-eventstream`'s
//! messages (headers from `@eventHeader` members; the payload from the `@eventPayload` member, or
//! the other members as a JSON object; modeled errors as exception messages). The helpers they
//! call are `codegen/support/src/common/event_stream.rs`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::codec::{Codec, Format, Side, Slot};
use crate::ir::{Event, Field, Module, Prim, Ty};
use crate::names;
use crate::rust_types::variant_ident;

/// Whether this side reads the stream of `field` (a member of an input or output): the server
/// reads inputs' streams, the client outputs'.
pub(crate) fn reads_stream<'m, S: Side<'m> + ?Sized>(side: &S, field: &Field<'m>) -> bool {
    let input = side.service().operations.iter().any(|op| op.input == field.container);
    input == side.validates()
}

/// The type of a stream member: `Receiver<Union, UnionError>` where this side reads it,
/// `EventStreamSender<Union, UnionError>` where it writes it.
pub(crate) fn stream_type<'m, S: Side<'m> + ?Sized>(side: &S, field: &Field<'m>) -> TokenStream {
    let (event, error) = (side.named_type(field.target), stream_error_path(side, field.target));
    if reads_stream(side, field) {
        quote!(::aws_smithy_http::event_stream::Receiver<#event, #error>)
    } else {
        quote!(::aws_smithy_http::event_stream::EventStreamSender<#event, #error>)
    }
}

/// `<Union>Error`'s name.
fn stream_error_ident<'m, S: Side<'m> + ?Sized>(side: &S, id: &str) -> Ident {
    format_ident!("{}Error", side.type_name(id))
}

/// The path of `<Union>Error`, beside the modeled errors.
fn stream_error_path<'m, S: Side<'m> + ?Sized>(side: &S, id: &str) -> TokenStream {
    let ident = stream_error_ident(side, id);
    if side.validates() { quote!(crate::error::#ident) } else { quote!(crate::types::error::#ident) }
}

/// The event-stream emitter, for every side.
pub(crate) trait EventStreams<'m>: Codec<'m> {
    fn reads_stream(&self, field: &Field<'m>) -> bool {
        reads_stream(self, field)
    }

    fn stream_error_ident(&self, id: &str) -> Ident {
        stream_error_ident(self, id)
    }

    fn stream_error_path(&self, id: &str) -> TokenStream {
        stream_error_path(self, id)
    }

    /// `<Union>Error`: the modeled errors the stream `id` may carry (its exception messages).
    fn stream_error_enum(&self, id: &'m str) -> TokenStream {
        let s = self.service();
        let Some(stream) = s.event_stream(id) else { return TokenStream::new() };
        let ident = self.stream_error_ident(id);
        let doc =
            format!(" The modeled errors of the event stream `{}`, sent as exception messages.", self.type_name(id));
        let mut variants = Vec::new();
        let mut displays = Vec::new();
        let mut sources = Vec::new();
        for (_, error) in &stream.errors {
            let variant = format_ident!("{}", self.type_name(error));
            let path = self.struct_path(error);
            variants.push(quote!(#variant(#path),));
            displays.push(quote!(#ident::#variant(e) => e.fmt(f),));
            sources.push(quote!(#ident::#variant(e) => ::std::option::Option::Some(e),));
        }
        // A stream without modeled errors still has the type, with no value.
        let (display, source) = if variants.is_empty() {
            (quote!(match *self {}), quote!(match *self {}))
        } else {
            (quote!(match self { #(#displays)* }), quote!(match self { #(#sources)* }))
        };
        quote! {
            #[doc = #doc]
            #[derive(::std::fmt::Debug)]
            pub enum #ident { #(#variants)* }
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    #display
                }
            }
            impl ::std::error::Error for #ident {
                fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                    #source
                }
            }
        }
    }

    /// The event streams this side writes and reads: the unions of the stream members of
    /// operations' inputs and outputs.
    fn streams(&self) -> (Vec<&'m str>, Vec<&'m str>) {
        let (mut written, mut read) = (Vec::new(), Vec::new());
        for op in &self.service().operations {
            for field in op.input_stream.iter().chain(&op.output_stream) {
                if self.service().event_stream(field.target).is_none() {
                    continue;
                }
                let list = if self.reads_stream(field) { &mut read } else { &mut written };
                if !list.contains(&field.target) {
                    list.push(field.target);
                }
            }
        }
        (written, read)
    }

    /// `protocol_serde`'s marshallers of the streams this side writes and unmarshallers of those
    /// it reads.
    fn stream_codecs(&self) -> Vec<TokenStream> {
        let (written, read) = self.streams();
        let mut items: Vec<TokenStream> = written.iter().map(|id| self.marshallers(id)).collect();
        items.extend(read.iter().map(|id| self.unmarshaller(id)));
        items
    }

    /// `<Union>Marshaller` (events) and `<Union>ErrorMarshaller` (exception messages).
    fn marshallers(&self, id: &'m str) -> TokenStream {
        let s = self.service();
        let Some(stream) = s.event_stream(id) else { return TokenStream::new() };
        let (union, error) = (self.named_type(id), self.stream_error_path(id));
        let name = self.type_name(id);
        let (marshaller, error_marshaller) =
            (format_ident!("{name}Marshaller"), format_ident!("{name}ErrorMarshaller"));
        let mut arms: Vec<TokenStream> = stream.events.iter().map(|event| self.marshall_event(&union, event)).collect();
        if !self.validates() {
            let unknown = format!("the Unknown variant of {name} cannot be sent");
            arms.push(quote!(#union::Unknown => ::std::result::Result::Err(::aws_smithy_eventstream::error::Error::marshalling(#unknown)),));
        }
        let mut error_arms = Vec::new();
        for (member, error_id) in &stream.errors {
            let variant = format_ident!("{}", self.type_name(error_id));
            let f = self.fn_name("ser", error_id);
            error_arms.push(quote! {
                #error::#variant(value) => {
                    let mut out = ::std::string::String::new();
                    #f(::aws_smithy_json::serialize::JsonValueWriter::new(&mut out), &value)
                        .map_err(::aws_smithy_eventstream::error::Error::marshalling)?;
                    ::std::result::Result::Ok(event_stream::exception(#member, out))
                }
            });
        }
        let error_body =
            if error_arms.is_empty() { quote!(match input {}) } else { quote!(match input { #(#error_arms)* }) };
        let doc = format!(" Writes `{name}`'s events as event-stream messages.");
        let error_doc = format!(" Writes `{name}`'s modeled errors as exception messages.");
        quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub(crate) struct #marshaller;
            impl ::aws_smithy_eventstream::frame::MarshallMessage for #marshaller {
                type Input = #union;
                fn marshall(&self, input: #union) -> ::std::result::Result<::aws_smithy_types::event_stream::Message, ::aws_smithy_eventstream::error::Error> {
                    match input { #(#arms)* }
                }
            }
            #[doc = #error_doc]
            #[derive(Debug)]
            pub(crate) struct #error_marshaller;
            impl ::aws_smithy_eventstream::frame::MarshallMessage for #error_marshaller {
                type Input = #error;
                fn marshall(&self, input: #error) -> ::std::result::Result<::aws_smithy_types::event_stream::Message, ::aws_smithy_eventstream::error::Error> {
                    #error_body
                }
            }
        }
    }

    /// The match arm that writes one event: its headers, then its payload.
    fn marshall_event(&self, union: &TokenStream, event: &Event<'m>) -> TokenStream {
        let s = self.service();
        let variant = variant_ident(event.member.name);
        let event_type = event.member.name;
        let module = Module::Model;
        let mutable = (!event.headers.is_empty()).then(|| quote!(mut));
        let mut stmts = vec![quote!(let #mutable headers = event_stream::event_headers(#event_type);)];
        for field in &event.headers {
            let name = field.name;
            let value = match s.ty(field.target) {
                Ty::Prim(Prim::Bool) => quote!(Bool(*v)),
                Ty::Prim(Prim::Byte) => quote!(Byte(*v)),
                Ty::Prim(Prim::Short) => quote!(Int16(*v)),
                Ty::Prim(Prim::Int) | Ty::IntEnum => quote!(Int32(*v)),
                Ty::Prim(Prim::Long) => quote!(Int64(*v)),
                Ty::Prim(Prim::Timestamp) => quote!(Timestamp(*v)),
                Ty::Prim(Prim::Blob) => quote!(ByteArray(v.as_ref().to_vec().into())),
                Ty::Enum(_) => quote!(String(v.as_str().to_owned().into())),
                _ => quote!(String(v.clone().into())),
            };
            let push = quote! {
                headers.push(::aws_smithy_types::event_stream::Header::new(#name, ::aws_smithy_types::event_stream::HeaderValue::#value));
            };
            stmts.push(self.if_set(module, field, &quote!(event), push));
        }
        let message = if let Some(field) = &event.payload {
            let (bytes, media_type) = match s.ty(field.target) {
                Ty::Prim(Prim::Blob) => (quote!(v.as_ref().to_vec()), "application/octet-stream"),
                Ty::Prim(Prim::String) => (quote!(v.as_bytes().to_vec()), "text/plain"),
                _ => {
                    let writer = Slot::Writer(quote!(::aws_smithy_json::serialize::JsonValueWriter::new(out)));
                    let ser = self.ser_value(field.target, field.timestamp_format, &writer, quote!(v));
                    let ser = quote! {
                        event_stream::json_payload(|out| { #ser ::std::result::Result::Ok(()) })?
                    };
                    (ser, "application/json")
                }
            };
            let f = names::field(field.name);
            let with = quote!({ let payload = { #bytes }; event_stream::with_payload(headers, #media_type, payload) });
            if self.is_optional(module, field) {
                quote! {
                    match &event.#f {
                        ::std::option::Option::Some(v) => #with,
                        ::std::option::Option::None => ::aws_smithy_types::event_stream::Message::new_from_parts(headers, ::std::vec::Vec::<u8>::new()),
                    }
                }
            } else {
                quote!({ let v = &event.#f; #with })
            }
        } else if event.body.is_empty() {
            quote!(::aws_smithy_types::event_stream::Message::new_from_parts(headers, ::std::vec::Vec::<u8>::new()))
        } else {
            let writes = self.ser_members(module, event.body.iter(), quote!(event));
            quote! {
                let payload = event_stream::json_payload(|out| {
                    let mut object = ::aws_smithy_json::serialize::JsonObjectWriter::new(out);
                    #writes
                    object.finish();
                    ::std::result::Result::Ok(())
                })?;
                event_stream::with_payload(headers, "application/json", payload)
            }
        };
        let event_var = if event.member.target == crate::ir::UNIT { quote!() } else { quote!((event)) };
        quote! {
            #union::#variant #event_var => {
                #(#stmts)*
                ::std::result::Result::Ok({ #message })
            }
        }
    }

    /// `<Union>Unmarshaller`: events by `:event-type`, modeled errors by `:exception-type`; an
    /// unmodeled error message is the stream's error.
    fn unmarshaller(&self, id: &'m str) -> TokenStream {
        let s = self.service();
        let Some(stream) = s.event_stream(id) else { return TokenStream::new() };
        let (union, error) = (self.named_type(id), self.stream_error_path(id));
        let name = self.type_name(id);
        let unmarshaller = format_ident!("{name}Unmarshaller");
        let mut fns = Vec::new();
        let mut arms = Vec::new();
        for event in &stream.events {
            let variant = variant_ident(event.member.name);
            let event_type = event.member.name;
            let f = format_ident!("de_{}_{}_event", names::snake(&name), names::snake(event.member.name));
            fns.push(self.read_event(&f, event));
            arms.push(quote! {
                event_stream::Kind::Event(#event_type) => ::std::result::Result::Ok(::aws_smithy_eventstream::frame::UnmarshalledMessage::Event(#union::#variant(#f(message)?))),
            });
        }
        // A client keeps events it does not know; a server refuses them.
        arms.push(if self.validates() {
            quote!(event_stream::Kind::Event(other) => ::std::result::Result::Err(event_stream::unreadable(format!("unknown event type {other:?}"))),)
        } else {
            quote!(event_stream::Kind::Event(_) => ::std::result::Result::Ok(::aws_smithy_eventstream::frame::UnmarshalledMessage::Event(#union::Unknown)),)
        });
        for (member, error_id) in &stream.errors {
            let variant = format_ident!("{}", self.type_name(error_id));
            let de = self.de_target(error_id, crate::ir::TimestampFormat::EpochSeconds, quote!(&Path::ROOT));
            let rust = self.struct_path(error_id);
            arms.push(quote! {
                event_stream::Kind::Exception(#member) => {
                    let read = || -> ::std::result::Result<#rust, ::std::string::String> {
                        let tokens = &mut json::tokens(message.payload());
                        let value = #de.map_err(|e| e.to_string())?;
                        json::end_of_body(tokens).map_err(|e| e.to_string())?;
                        value.ok_or_else(|| "the exception has no payload".to_owned())
                    };
                    ::std::result::Result::Ok(::aws_smithy_eventstream::frame::UnmarshalledMessage::Error(#error::#variant(read().map_err(event_stream::unreadable)?)))
                }
            });
        }
        arms.push(quote!(event_stream::Kind::Exception(other) => ::std::result::Result::Err(event_stream::unreadable(format!("unmodeled exception {other:?}"))),));
        let doc = format!(" Reads `{name}`'s events and modeled errors from event-stream messages.");
        quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub(crate) struct #unmarshaller;
            impl ::aws_smithy_eventstream::frame::UnmarshallMessage for #unmarshaller {
                type Output = #union;
                type Error = #error;
                fn unmarshall(&self, message: &::aws_smithy_types::event_stream::Message) -> ::std::result::Result<::aws_smithy_eventstream::frame::UnmarshalledMessage<#union, #error>, ::aws_smithy_eventstream::error::Error> {
                    match event_stream::kind(message)? { #(#arms)* }
                }
            }
            #(#fns)*
        }
    }

    /// `de_<union>_<member>_event(message)`: one event's structure from a message.
    fn read_event(&self, f: &Ident, event: &Event<'m>) -> TokenStream {
        let s = self.service();
        let target = event.member.target;
        let rust = self.named_type(target);
        let mut stmts = Vec::new();
        for field in &event.headers {
            let var = format_ident!("m_{}", names::snake(field.name));
            let name = field.name;
            let (as_, convert) = match s.ty(field.target) {
                Ty::Prim(Prim::Bool) => (quote!(as_bool), quote!(v)),
                Ty::Prim(Prim::Byte) => (quote!(as_byte), quote!(v)),
                Ty::Prim(Prim::Short) => (quote!(as_int16), quote!(v)),
                Ty::Prim(Prim::Int) | Ty::IntEnum => (quote!(as_int32), quote!(v)),
                Ty::Prim(Prim::Long) => (quote!(as_int64), quote!(v)),
                Ty::Prim(Prim::Timestamp) => (quote!(as_timestamp), quote!(v)),
                Ty::Prim(Prim::Blob) => (quote!(as_byte_array), quote!(::aws_smithy_types::Blob::new(v.to_vec()))),
                Ty::Enum(_) if self.validates() => {
                    let ty = self.rust_type(field.target);
                    (quote!(as_string), quote!(#ty::try_from(v.as_str()).map_err(|_| event_stream::bad_header(#name))?))
                }
                Ty::Enum(_) => {
                    let ty = self.rust_type(field.target);
                    (quote!(as_string), quote!(#ty::from(v.as_str())))
                }
                _ => (quote!(as_string), quote!(v.as_str().to_owned())),
            };
            stmts.push(quote! {
                let #var = match event_stream::header(message, #name) {
                    ::std::option::Option::Some(value) => {
                        let v = value.#as_().map_err(|_| event_stream::bad_header(#name))?;
                        ::std::option::Option::Some(#convert)
                    }
                    ::std::option::Option::None => ::std::option::Option::None,
                };
            });
        }
        // Where a violation sits (server only: a client's reads take no path).
        let path = quote!(Path::ROOT);
        let mut reads = Vec::new();
        if let Some(field) = &event.payload {
            let var = format_ident!("m_{}", names::snake(field.name));
            let name = field.name;
            let value = self.de_payload(field, quote!(bytes), quote!(&#path.member(#name)));
            reads.push(quote!(let #var = #value;));
        } else if !event.body.is_empty() {
            let mut arms = Vec::new();
            for field in &event.body {
                let var = format_ident!("m_{}", names::snake(field.name));
                reads.push(quote!(let mut #var = ::std::option::Option::None;));
                let name = field.name;
                arms.push(self.de_member_arm(field, &var, quote!(&#path.member(#name))));
            }
            let read = Format::Json.read_body(quote!(bytes), &arms, None);
            reads.push(quote!(if !bytes.is_empty() { #read }));
        }
        let mut inits = Vec::new();
        for field in s.member_fields(target) {
            let var = format_ident!("m_{}", names::snake(field.name));
            let m = names::field(field.name);
            let value = self.member_value(Module::Model, field, &var, quote!(#path));
            inits.push(quote!(#m: #value,));
        }
        // A client reads payloads as it reads responses' (a string payload's UTF-8 too), into a
        // BoxError; a server into its rejection.
        let error =
            if self.validates() { self.de_error() } else { quote!(::aws_smithy_runtime_api::box_error::BoxError) };
        let uses_bytes = !reads.is_empty();
        let bytes = uses_bytes.then(|| quote!(let bytes: &[u8] = message.payload();));
        let fn_doc = format!(" The `{}` event from a message.", event.member.name);
        quote! {
            #[doc = #fn_doc]
            fn #f(message: &::aws_smithy_types::event_stream::Message) -> ::std::result::Result<#rust, ::aws_smithy_eventstream::error::Error> {
                #(#stmts)*
                let read = || -> ::std::result::Result<#rust, #error> {
                    #bytes
                    #(#reads)*
                    ::std::result::Result::Ok(#rust { #(#inits)* })
                };
                read().map_err(event_stream::unreadable)
            }
        }
    }
}

impl<'m, T: Codec<'m> + ?Sized> EventStreams<'m> for T {}
