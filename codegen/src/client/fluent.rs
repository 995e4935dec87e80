//! `client.rs` (the `Client`, which builds one runtime `Operation` per operation, and one method
//! per operation returning its fluent builder) and `operation/<op>.rs` (the operation's input,
//! output and error, their builders, and the fluent builder whose `send()` makes the call).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Gen;
use super::shapes::Held;
use crate::codec::Side;
use crate::ir::{AuthScheme, Collection, Field, Module, Operation, PageItems, Paginated};
use crate::names;
use crate::render::{doc_and_deprecation, inner_doc};
use crate::shapes::Types;

impl<'m> Gen<'_, 'm> {
    pub(super) fn client_rs(&self) -> TokenStream {
        let service_name = self.service_name();
        let sigv4 = self.s.auth.iter().find_map(|scheme| match scheme {
            AuthScheme::SigV4 { name } => Some(*name),
            _ => None,
        });
        let signing_name = sigv4.map(|name| {
            quote! {
                /// The name requests are signed with (`@sigv4`).
                pub(crate) const SIGNING_NAME: &str = #name;
            }
        });
        let mut fields = Vec::new();
        let mut builds = Vec::new();
        let mut inits = Vec::new();
        let mut methods = Vec::new();
        for op in &self.s.operations {
            let snake = names::snake(op.name);
            let field = names::ident(&snake);
            let module = self.op_module(op);
            let (_, input) = self.op_struct(op, Module::Input);
            let (_, output) = self.op_struct(op, Module::Output);
            let error = self.op_error_path(op);
            let ser = format_ident!("ser_{snake}_input");
            let de = format_ident!("de_{snake}_response");
            let name = op.name;
            fields.push(quote! {
                pub(crate) #field: ::aws_smithy_runtime::client::orchestrator::operation::Operation<#module::#input, #module::#output, #error>,
            });
            let host_prefix = op.host_prefix.map(|_| {
                let f = format_ident!("host_prefix_{snake}");
                quote!(.interceptor(crate::host_prefix::HostPrefix::new(crate::protocol_serde::#f)))
            });
            let compression =
                op.gzip_request.then(|| quote!(.interceptor(crate::compression::RequestCompression::new(&conf))));
            let deserializer = if op.output_stream.is_some() {
                let stream = format_ident!("de_{snake}_stream");
                quote! {
                    .deserializer_impl::<#module::#output, #error>(crate::streaming::StreamingResponse {
                        success: crate::protocol_serde::#stream,
                        whole: crate::protocol_serde::#de,
                    })
                }
            } else {
                quote!(.deserializer(crate::protocol_serde::#de))
            };
            let auth = self.op_auth(&op.auth);
            builds.push(quote! {
                let #field = base
                    .operation::<#error>(SERVICE_NAME, #name, #auth)
                    .serializer(crate::protocol_serde::#ser)
                    #deserializer
                    #host_prefix
                    #compression
                    .build();
            });
            inits.push(quote!(#field,));
            let fluent = format_ident!("{}FluentBuilder", names::type_name(op.name));
            let op_doc = crate::render::doc_and_deprecation(&op.docs);
            let call_doc =
                format!(" Starts a call of {name}: set the input with the builder's methods, then `.send().await`.");
            methods.push(quote! {
                #op_doc
                #[doc = ""]
                #[doc = #call_doc]
                pub fn #field(&self) -> #module::builders::#fluent {
                    #module::builders::#fluent::new(self.handle.clone())
                }
            });
        }
        quote! {
            //! The client: [`Client::from_conf`], then one method per operation.

            /// The service's name, as the runtime reports it (logs, metrics, retry partition).
            pub(crate) const SERVICE_NAME: &str = #service_name;
            #signing_name

            /// The config and each operation's runtime `Operation`, shared by clones of a client.
            #[derive(Debug)]
            pub(crate) struct Handle {
                pub(crate) conf: crate::Config,
                #(#fields)*
            }

            /// A client of the service. Cheap to clone: clones share the configuration, the HTTP
            /// client and its connection pool.
            #[derive(::std::clone::Clone, ::std::fmt::Debug)]
            pub struct Client {
                handle: ::std::sync::Arc<Handle>,
            }

            impl Client {
                /// A client with the given configuration.
                ///
                /// # Panics
                ///
                /// If the configuration has no behavior version (`Config::builder().behavior_version(..)`).
                #[track_caller]
                pub fn from_conf(conf: crate::Config) -> Self {
                    let base = crate::runtime::Base::new(&conf);
                    #(#builds)*
                    Client { handle: ::std::sync::Arc::new(Handle { conf, #(#inits)* }) }
                }

                /// The client's configuration.
                pub fn config(&self) -> &crate::Config {
                    &self.handle.conf
                }

                #(#methods)*
            }
        }
    }

    pub(super) fn operation_rs(&self) -> TokenStream {
        let modules = self.s.operations.iter().map(|op| {
            let module = names::ident(&names::snake(op.name));
            let module_doc = format!(" {}: input, output, error, builders.", op.name);
            quote! {
                #[doc = #module_doc]
                pub mod #module;
            }
        });
        quote! {
            #(#modules)*
        }
    }

    /// `operation/<op>.rs`.
    pub(super) fn operation_module(&self, op: &Operation<'m>) -> TokenStream {
        let module = self.op_module(op);
        let mut items = Vec::new();
        let mut builders = Vec::new();
        for kind in [Module::Input, Module::Output] {
            let (id, ident) = self.op_struct(op, kind);
            let builder = format_ident!("{ident}Builder");
            let (item, builder_item) =
                self.structure(id, kind, ident.clone(), quote!(#module::#ident), quote!(#module::builders::#builder));
            items.push(item);
            builders.push(builder_item);
        }
        items.push(self.operation_error(op));
        builders.push(self.fluent_builder(op));
        if let Some(paginated) = op.paginated {
            items.push(self.paginator(op, paginated));
        }
        let module_doc = inner_doc(op.docs.doc);
        quote! {
            #module_doc
            #(#items)*
            /// The builders of the input and output, and the fluent builder that sends the call.
            pub mod builders {
                #(#builders)*
            }
        }
    }

    fn fluent_builder(&self, op: &Operation<'m>) -> TokenStream {
        let module = self.op_module(op);
        let field = names::ident(&names::snake(op.name));
        let (id, input) = self.op_struct(op, Module::Input);
        let (_, output) = self.op_struct(op, Module::Output);
        let input_builder = format_ident!("{input}Builder");
        let error = self.op_error_path(op);
        let fluent = format_ident!("{}FluentBuilder", names::type_name(op.name));
        let mut setters = Vec::new();
        let mut tokens = Vec::new();
        for field in self.s.fields(id) {
            let f = names::field(field.name);
            if field.idempotency_token {
                tokens.push(quote! {
                    if inner.#f.is_none() {
                        let provider = self.handle.conf.idempotency_token_provider().cloned().unwrap_or_default();
                        inner.#f = ::std::option::Option::Some(provider.make_idempotency_token());
                    }
                });
            }
            setters.push(self.setters(field, &f, &doc_and_deprecation(&field.docs), true));
        }
        let inner = if tokens.is_empty() {
            quote!(let inner = self.inner;)
        } else {
            quote!(let mut inner = self.inner; #(#tokens)*)
        };
        let fluent_doc = format!(
            " A call of {}: set the input, then [`send`](Self::send). Made by [`Client::{field}`](crate::Client::{field}).",
            op.name,
            field = field.to_string().trim_start_matches("r#")
        );
        let result = quote! {
            ::std::result::Result<#module::#output, crate::error::SdkError<#error, ::aws_smithy_runtime_api::client::orchestrator::HttpResponse>>
        };
        let into_paginator = op.paginated.map(|_| {
            let paginator = format_ident!("{}Paginator", names::type_name(op.name));
            quote! {
                /// A paginator: the calls that follow the pagination token, one page each.
                pub fn into_paginator(self) -> #module::paginator::#paginator {
                    #module::paginator::#paginator::new(self.handle, self.inner)
                }
            }
        });
        // An input with a byte stream cannot be cloned, nor can the call that holds it.
        let derives = if self.s.has_stream(id) {
            quote!(#[derive(::std::fmt::Debug)])
        } else {
            quote!(#[derive(::std::clone::Clone, ::std::fmt::Debug)])
        };
        quote! {
            #[doc = #fluent_doc]
            #derives
            pub struct #fluent {
                handle: ::std::sync::Arc<crate::client::Handle>,
                inner: #input_builder,
            }
            impl #fluent {
                pub(crate) fn new(handle: ::std::sync::Arc<crate::client::Handle>) -> Self {
                    Self { handle, inner: ::std::default::Default::default() }
                }
                /// The input set so far.
                pub fn as_input(&self) -> &#input_builder {
                    &self.inner
                }
                #into_paginator
                /// Sends the request (retried as the config says) and reads the answer.
                pub async fn send(self) -> #result {
                    #inner
                    let input = inner.build().map_err(crate::error::SdkError::construction_failure)?;
                    self.handle.#field.invoke(input).await
                }
                #(#setters)*
            }
            impl #input_builder {
                /// Sends this input with `client`.
                pub async fn send_with(self, client: &crate::Client) -> #result {
                    let mut call = client.#field();
                    call.inner = self;
                    call.send().await
                }
            }
        }
    }

    /// `paginator`: the operation's paginator (`@paginated`), as smithy-rs's: `send()` gives a
    /// stream of pages, `items()` one of the items of every page.
    fn paginator(&self, op: &Operation<'m>, paginated: Paginated<'m>) -> TokenStream {
        let module = self.op_module(op);
        let field = names::ident(&names::snake(op.name));
        let (_, input) = self.op_struct(op, Module::Input);
        let (_, output) = self.op_struct(op, Module::Output);
        let input_builder = format_ident!("{input}Builder");
        let error = self.op_error_path(op);
        let name = names::type_name(op.name);
        let paginator = format_ident!("{name}Paginator");
        let input_token = names::field(paginated.input_token.name);
        let token_field = &paginated.output_token;
        let output_token = names::field(token_field.name);
        let next_token = if self.held(Module::Output, token_field) == Held::Optional {
            quote!(output.#output_token.clone())
        } else {
            quote!(::std::option::Option::Some(output.#output_token.clone()))
        };
        let page_size = paginated.page_size.map(|size| self.page_size_setter(&size));
        let sdk_error =
            quote!(crate::error::SdkError<#error, ::aws_smithy_runtime_api::client::orchestrator::HttpResponse>);
        let items = paginated.items.map(|items| self.items_stream(op, &items, &paginator, &sdk_error));
        let (items_method, items_type) = items.unzip();
        let doc = format!(
            " Pages of {}: each a call with the previous page's `{}` as `{}`, until a page has none, or (by
 default) the same one again.",
            op.name, paginated.output_token.name, paginated.input_token.name
        );
        quote! {
            /// The paginator of this operation.
            pub mod paginator {
                #[doc = #doc]
                #[derive(::std::clone::Clone, ::std::fmt::Debug)]
                pub struct #paginator {
                    handle: ::std::sync::Arc<crate::client::Handle>,
                    builder: #module::builders::#input_builder,
                    stop_on_duplicate_token: bool,
                }
                impl #paginator {
                    pub(crate) fn new(handle: ::std::sync::Arc<crate::client::Handle>, builder: #module::builders::#input_builder) -> Self {
                        Self { handle, builder, stop_on_duplicate_token: true }
                    }
                    #page_size
                    /// Whether a page whose token is the one just sent ends the stream (the default)
                    /// rather than asking for the same page again.
                    pub fn stop_on_duplicate_token(mut self, stop: bool) -> Self {
                        self.stop_on_duplicate_token = stop;
                        self
                    }
                    #items_method
                    /// Sends the calls as the stream is read; an error ends it.
                    pub fn send(self) -> ::aws_smithy_async::future::pagination_stream::PaginationStream<::std::result::Result<#module::#output, #sdk_error>> {
                        let Self { handle, builder, stop_on_duplicate_token } = self;
                        ::aws_smithy_async::future::pagination_stream::PaginationStream::new(
                            ::aws_smithy_async::future::pagination_stream::fn_stream::FnStream::new(move |tx| {
                                ::std::boxed::Box::pin(async move {
                                    let mut input = match builder.build() {
                                        ::std::result::Result::Ok(input) => input,
                                        ::std::result::Result::Err(e) => {
                                            let _ = tx.send(::std::result::Result::Err(crate::error::SdkError::construction_failure(e))).await;
                                            return;
                                        }
                                    };
                                    loop {
                                        let result = handle.#field.invoke(input.clone()).await;
                                        let next = match &result {
                                            ::std::result::Result::Ok(output) => #next_token,
                                            ::std::result::Result::Err(_) => ::std::option::Option::None,
                                        };
                                        let last = match &next {
                                            ::std::option::Option::None => true,
                                            ::std::option::Option::Some(token) => {
                                                token.is_empty() || (stop_on_duplicate_token && input.#input_token.as_ref() == ::std::option::Option::Some(token))
                                            }
                                        };
                                        // The reader dropped the stream, or the last page is out.
                                        if tx.send(result).await.is_err() || last {
                                            return;
                                        }
                                        input.#input_token = next;
                                    }
                                })
                            }),
                        )
                    }
                }
                #items_type
            }
        }
    }

    /// The paginator's `page_size`, which sets the input's `@paginated` page size.
    fn page_size_setter(&self, size: &Field<'m>) -> TokenStream {
        let f = names::field(size.name);
        let ty = self.rust_type(size.target);
        quote! {
            /// The most items a page may hold.
            pub fn page_size(mut self, limit: #ty) -> Self {
                self.builder.#f = ::std::option::Option::Some(limit);
                self
            }
        }
    }

    /// The paginator's `items()` and the type it returns: a stream of the items of every page.
    fn items_stream(
        &self,
        op: &Operation<'m>,
        items: &PageItems<'m>,
        paginator: &Ident,
        sdk_error: &TokenStream,
    ) -> (TokenStream, TokenStream) {
        let (module, (_, output)) = (self.op_module(op), self.op_struct(op, Module::Output));
        let f = names::field(items.field.name);
        let item = match items.collection {
            Collection::List { member, sparse } => self.item_type(member, sparse),
            Collection::Map { key, value, sparse } => {
                let (k, v) = (self.rust_type(key.target), self.item_type(value, sparse));
                quote!((#k, #v))
            }
        };
        let take = match self.held(Module::Output, &items.field) {
            Held::Optional => quote!(output.#f.unwrap_or_default()),
            _ => quote!(output.#f),
        };
        let items_ident = format_ident!("{}PaginatorItems", names::type_name(op.name));
        let items_doc = format!(" The items (`{}`) of every page of {}.", items.field.name, op.name);
        (
            quote! {
                /// A stream of the items of every page, rather than of pages.
                pub fn items(self) -> #items_ident {
                    #items_ident(self)
                }
            },
            quote! {
                #[doc = #items_doc]
                #[derive(::std::fmt::Debug)]
                pub struct #items_ident(#paginator);
                impl #items_ident {
                    /// Sends the calls as the stream is read; an error ends it.
                    pub fn send(self) -> ::aws_smithy_async::future::pagination_stream::PaginationStream<::std::result::Result<#item, #sdk_error>> {
                        ::aws_smithy_async::future::pagination_stream::TryFlatMap::new(self.0.send())
                            .flat_map(|output: #module::#output| #take)
                    }
                }
            },
        )
    }
}
