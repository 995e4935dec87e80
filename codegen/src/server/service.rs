//! `operation_shape.rs` (one type per operation) and `service.rs` (the service, its builder
//! with one setter per operation, its config of layers and plugins, and its routing), with the
//! public API of a smithy-rs server SDK.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::Gen;
use crate::ir::{Binding, Field, Module, Operation, Segment};
use crate::names;
use crate::names::shape_name;
use crate::render::doc;
use crate::shapes::Types;

impl Gen<'_, '_> {
    pub(super) fn operation_shapes(&self) -> TokenStream {
        let mut items = Vec::new();
        for op in &self.s.operations {
            let ident = names::type_ident(op.name);
            let op_doc = crate::render::doc_and_deprecation(&op.docs);
            let (id, ns, name) = (op.id, op.id.split('#').next().unwrap_or_default(), shape_name(op.id));
            let input = self.op_struct(op, Module::Input).1;
            let output = self.op_struct(op, Module::Output).1;
            let error = format_ident!("{}Error", names::type_name(op.name));
            items.push(quote! {
                #op_doc
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                pub struct #ident;
                impl ::aws_smithy_http_server::operation::OperationShape for #ident {
                    const ID: ::aws_smithy_http_server::shape_id::ShapeId =
                        ::aws_smithy_http_server::shape_id::ShapeId::new(#id, #ns, #name);
                    type Input = crate::input::#input;
                    type Output = crate::output::#output;
                    type Error = crate::error::#error;
                }
            });
            items.push(self.sensitivity(op));
        }
        quote!(#(#items)*)
    }

    /// `Sensitivity` for an operation, so that smithy-rs's `InstrumentPlugin` applies: which
    /// headers, labels, query parameters and status code of its requests and responses are
    /// `@sensitive`, and so redacted in its logs.
    fn sensitivity(&self, op: &Operation<'_>) -> TokenStream {
        let ident = names::type_ident(op.name);
        let sensitivity = sensitivity_path();
        let (request_type, request_fmt) = self.request_sensitivity(op);
        let (response_type, response_fmt) = self.response_sensitivity(op);
        quote! {
            impl #sensitivity::Sensitivity for #ident {
                type RequestFmt = #request_type;
                type ResponseFmt = #response_type;
                fn request_fmt() -> Self::RequestFmt {
                    #request_fmt
                }
                fn response_fmt() -> Self::ResponseFmt {
                    #response_fmt
                }
            }
        }
    }

    /// The type and value of an operation's `Sensitivity::RequestFmt`.
    fn request_sensitivity(&self, op: &Operation<'_>) -> (TokenStream, TokenStream) {
        let sensitivity = sensitivity_path();
        let input = self.s.fields(op.input);
        let redacted: Vec<&Field<'_>> = input.iter().filter(|f| f.redacted).collect();
        if redacted.is_empty() {
            return (quote!(#sensitivity::DefaultRequestFmt), quote!(#sensitivity::DefaultRequestFmt::new()));
        }
        let (mut labels, mut greedy) = (Vec::new(), quote!(::std::option::Option::None));
        for (index, label) in op.labels().into_iter().filter(|(_, label)| label.field.redacted) {
            if label.greedy {
                let end = greedy_label_suffix(&op.segments[index + 1..]);
                greedy = quote!(::std::option::Option::Some(#sensitivity::uri::GreedyLabel::new(#index, #end)));
            } else {
                labels.push(index);
            }
        }
        let (mut keys, mut all_keys) = (Vec::new(), false);
        for field in &redacted {
            match field.binding {
                Binding::Query(name, _) => keys.push(name),
                Binding::QueryParams => all_keys = true,
                _ => {}
            }
        }
        let label = if labels.is_empty() { quote!(|_| false) } else { quote!(|index| matches!(index, #(#labels)|*)) };
        let query_marker = quote!(#sensitivity::uri::QueryMarker);
        let query = if keys.is_empty() {
            quote!(|_: &str| #query_marker { key: #all_keys, value: #all_keys })
        } else {
            let value = if all_keys { quote!(true) } else { quote!(matches!(name, #(#keys)|*)) };
            quote!(|name: &str| #query_marker { key: #all_keys, value: #value })
        };
        let (headers, header_fn, make_headers) = header_sensitivity(&redacted);
        (
            quote!(#sensitivity::RequestFmt<#make_headers, #sensitivity::uri::MakeUri<#sensitivity::uri::MakeLabel<fn(usize) -> bool>, #sensitivity::uri::MakeQuery<fn(&str) -> #query_marker>>>),
            quote! {
                #sensitivity::RequestFmt::new()
                    .header(#headers as #header_fn)
                    .label((#label) as fn(usize) -> bool, #greedy)
                    .query((#query) as fn(&str) -> #query_marker)
            },
        )
    }

    /// The type and value of an operation's `Sensitivity::ResponseFmt`, from the bindings of its
    /// output and errors (a response may be either).
    fn response_sensitivity(&self, op: &Operation<'_>) -> (TokenStream, TokenStream) {
        let sensitivity = sensitivity_path();
        let mut responses = self.s.fields(op.output).to_vec();
        for error in &op.errors {
            responses.extend_from_slice(self.s.fields(error));
        }
        let redacted: Vec<&Field<'_>> = responses.iter().filter(|f| f.redacted).collect();
        if redacted.is_empty() {
            return (quote!(#sensitivity::DefaultResponseFmt), quote!(#sensitivity::DefaultResponseFmt::new()));
        }
        let (status_type, status_fmt) = if redacted.iter().any(|f| f.binding == Binding::ResponseCode) {
            (quote!(#sensitivity::MakeSensitive), quote!(.status_code()))
        } else {
            (quote!(::aws_smithy_http_server::instrumentation::MakeIdentity), TokenStream::new())
        };
        let (headers, header_fn, make_headers) = header_sensitivity(&redacted);
        (
            quote!(#sensitivity::ResponseFmt<#make_headers, #status_type>),
            quote!(#sensitivity::ResponseFmt::new().header(#headers as #header_fn) #status_fmt),
        )
    }

    /// `service.rs`: the service, the `Operation` enum, the builder, the request specs,
    /// `MissingOperationsError`, and the config with its builder, in that order.
    pub(super) fn service_rs(&self) -> TokenStream {
        let n = self.service_names();
        let ops: Vec<OperationNames<'_, '_>> = self.s.operations.iter().map(OperationNames::new).collect();
        let parts = [
            self.service_struct(&n),
            service_methods(&n, &ops),
            self.service_impls(&n),
            operation_enum(&n, &ops),
            self.builder(&n, &ops),
            self.request_specs(&ops),
            shared_router(),
            missing_operations_error(&n),
            config(&n),
            config_builder(&n),
        ];
        quote!(#(#parts)*)
    }

    /// The names that `service.rs`'s parts share.
    fn service_names(&self) -> ServiceNames {
        let name = self.service_name();
        ServiceNames {
            svc: format_ident!("{name}"),
            builder: format_ident!("{name}Builder"),
            config: format_ident!("{name}Config"),
            config_builder: format_ident!("{name}ConfigBuilder"),
            protocol: self.protocol_marker(),
            router: self.router(),
            name,
        }
    }

    /// The service struct, with its model docs; by default it holds the protocol's router.
    fn service_struct(&self, n: &ServiceNames) -> TokenStream {
        let ServiceNames { name, svc, router, protocol, .. } = n;
        let svc_doc = doc(self.s.docs.doc);
        let svc_intro = format!(
            " A `tower::Service` over HTTP requests that routes each to its operation; build it with [`{name}::builder`]."
        );
        quote! {
            #svc_doc
            #[doc = #svc_intro]
            #[derive(Clone)]
            pub struct #svc<
                S = ::aws_smithy_http_server::routing::RoutingService<
                    SharedRouter<#router<::aws_smithy_http_server::routing::SyncRoute>>,
                    #protocol,
                >,
            > {
                svc: S,
            }
        }
    }

    /// The service's `tower::Service` and `ServiceShape` impls.
    fn service_impls(&self, n: &ServiceNames) -> TokenStream {
        let ServiceNames { svc, protocol, .. } = n;
        let service_id = self.s.id;
        let (ns, sname) = (service_id.split('#').next().unwrap_or_default(), shape_name(service_id));
        let version = match self.s.version {
            Some(v) => quote!(::std::option::Option::Some(#v)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            impl<S, R> ::tower::Service<R> for #svc<S>
            where
                S: ::tower::Service<R>,
            {
                type Response = S::Response;
                type Error = S::Error;
                type Future = S::Future;
                fn poll_ready(&mut self, cx: &mut ::std::task::Context<'_>) -> ::std::task::Poll<::std::result::Result<(), Self::Error>> {
                    self.svc.poll_ready(cx)
                }
                fn call(&mut self, request: R) -> Self::Future {
                    self.svc.call(request)
                }
            }

            impl<S> ::aws_smithy_http_server::service::ServiceShape for #svc<S> {
                const ID: ::aws_smithy_http_server::shape_id::ShapeId = ::aws_smithy_http_server::shape_id::ShapeId::new(#service_id, #ns, #sname);
                const VERSION: ::std::option::Option<&'static str> = #version;
                type Protocol = #protocol;
                type Operations = Operation;
            }
        }
    }

    /// The service's builder: one field and three setters per operation, then `build` and
    /// `build_unchecked`.
    fn builder(&self, n: &ServiceNames, ops: &[OperationNames<'_, '_>]) -> TokenStream {
        let ServiceNames { name, builder, .. } = n;
        let builder_doc = format!(" Builds a [`{name}`]: one handler per operation, then [`build`]({builder}::build).");
        let fields = ops.iter().map(|op| {
            let field = &op.field;
            quote!(#field: ::std::option::Option<::aws_smithy_http_server::routing::SyncRoute<Body>>,)
        });
        let setters = ops.iter().map(|op| operation_setters(n, op));
        let build = self.build_fns(n, ops);
        quote! {
            #[doc = #builder_doc]
            pub struct #builder<Body, L, HttpPl, ModelPl> {
                #(#fields)*
                layer: L,
                http_plugin: HttpPl,
                model_plugin: ModelPl,
            }

            impl<Body: 'static, L, HttpPl, ModelPl> #builder<Body, L, HttpPl, ModelPl> {
                #(#setters)*

                #build
            }
        }
    }

    /// The builder's `build`, which names the operations without a handler, and
    /// `build_unchecked`, which routes them to a 500.
    fn build_fns(&self, n: &ServiceNames, ops: &[OperationNames<'_, '_>]) -> TokenStream {
        let ServiceNames { svc, router, protocol, .. } = n;
        let missing_checks = ops.iter().map(|op| {
            let (field, op_name) = (&op.field, op.op.id);
            let setter_text = format!(".{}()", op.snake);
            quote! {
                if self.#field.is_none() {
                    missing.push((#op_name, #setter_text));
                }
            }
        });
        let route_names: Vec<&Ident> = ops.iter().map(|op| &op.field).collect();
        let somes = route_names.iter().map(|f| quote!(::std::option::Option::Some(#f)));
        let takes = route_names.iter().map(|f| quote!(self.#f));
        let route_keys: Vec<TokenStream> = ops.iter().map(|op| self.route_key(op)).collect();
        let route_specs = route_keys.iter().zip(&route_names).map(|(key, field)| quote!((#key, #field),));
        let unchecked = route_keys.iter().zip(&route_names).map(|(key, field)| {
            quote! {
                (#key, self.#field.unwrap_or_else(|| {
                    ::aws_smithy_http_server::routing::SyncRoute::new(<::aws_smithy_http_server::operation::MissingFailure<#protocol>>::default())
                })),
            }
        });
        quote! {
            /// Builds the service, or names the operations that have no handler yet.
            pub fn build(self) -> ::std::result::Result<
                #svc<::aws_smithy_http_server::routing::RoutingService<SharedRouter<#router<L::Service>>, #protocol>>,
                MissingOperationsError,
            >
            where
                L: ::tower::Layer<::aws_smithy_http_server::routing::SyncRoute<Body>>,
            {
                let mut missing = ::std::vec::Vec::new();
                #(#missing_checks)*
                let (#(#route_names,)*) = match (#(#takes,)*) {
                    (#(#somes,)*) => (#(#route_names,)*),
                    _ => return ::std::result::Result::Err(MissingOperationsError { missing }),
                };
                let router: #router<_> = [#(#route_specs)*].into_iter().collect();
                ::std::result::Result::Ok(#svc { svc: ::aws_smithy_http_server::routing::RoutingService::new(SharedRouter::new(router.layer(self.layer))) })
            }

            /// Builds the service; operations without a handler answer 500 (and log an error).
            pub fn build_unchecked(self) -> #svc<::aws_smithy_http_server::routing::RoutingService<SharedRouter<#router<L::Service>>, #protocol>>
            where
                Body: Send + 'static,
                L: ::tower::Layer<::aws_smithy_http_server::routing::SyncRoute<Body>>,
            {
                let router: #router<_> = [#(#unchecked)*].into_iter().collect();
                #svc { svc: ::aws_smithy_http_server::routing::RoutingService::new(SharedRouter::new(router.layer(self.layer))) }
            }
        }
    }

    /// What the router matches an operation by: restJson1 by method and URI (the operation's
    /// request spec), the RPC protocols by `X-Amz-Target: <service>.<operation>`.
    fn route_key(&self, op: &OperationNames<'_, '_>) -> TokenStream {
        if self.s.protocol.has_http_bindings() {
            let spec_fn = &op.spec_fn;
            quote!(#spec_fn())
        } else {
            let target = format!("{}.{}", shape_name(self.s.id), op.op.name);
            quote!(#target)
        }
    }

    /// One `request_spec_<operation>` function per operation, for the protocols that route by
    /// method and URI.
    fn request_specs(&self, ops: &[OperationNames<'_, '_>]) -> TokenStream {
        if !self.s.protocol.has_http_bindings() {
            return TokenStream::new();
        }
        let specs = ops.iter().map(|op| request_spec(op.op, &op.spec_fn));
        quote!(#(#specs)*)
    }
}

/// The names of `service.rs`'s types, and the protocol's marker and router.
struct ServiceNames {
    /// The service's Rust name, e.g. `AmazonConnectService`, for docs.
    name: String,
    svc: Ident,
    builder: Ident,
    config: Ident,
    config_builder: Ident,
    protocol: TokenStream,
    router: TokenStream,
}

/// What `service.rs` names after an operation.
struct OperationNames<'o, 'm> {
    op: &'o Operation<'m>,
    /// Its type in `operation_shape.rs`, e.g. `GetAttachedFile`.
    ident: Ident,
    /// e.g. `get_attached_file`.
    snake: String,
    /// Its field and handler setter in the builder.
    field: Ident,
    /// The function that returns its request spec.
    spec_fn: Ident,
}

impl<'o, 'm> OperationNames<'o, 'm> {
    fn new(op: &'o Operation<'m>) -> Self {
        let snake = names::snake(op.name);
        OperationNames {
            op,
            ident: names::type_ident(op.name),
            field: format_ident!("{snake}"),
            spec_fn: format_ident!("request_spec_{snake}"),
            snake,
        }
    }
}

/// The service's `builder`, `into_make_service*`, `layer` and `boxed`.
fn service_methods(n: &ServiceNames, ops: &[OperationNames<'_, '_>]) -> TokenStream {
    let ServiceNames { svc, builder, config, router, protocol, .. } = n;
    let inits = ops.iter().map(|op| {
        let field = &op.field;
        quote!(#field: ::std::option::Option::None,)
    });
    let route = route_service(&quote!(B));
    quote! {
        impl #svc<()> {
            /// A builder that applies `config`'s layers and plugins to every operation.
            pub fn builder<Body, L, HttpPl, ModelPl>(config: #config<L, HttpPl, ModelPl>) -> #builder<Body, L, HttpPl, ModelPl> {
                #builder {
                    #(#inits)*
                    layer: config.layers,
                    http_plugin: config.http_plugins,
                    model_plugin: config.model_plugins,
                }
            }
        }

        impl<S> #svc<S> {
            /// A `MakeService` for [`serve`](crate::serve) or hyper.
            pub fn into_make_service(self) -> ::aws_smithy_http_server::routing::IntoMakeService<Self> {
                ::aws_smithy_http_server::routing::IntoMakeService::new(self)
            }
            /// A `MakeService` that makes the connection's info (e.g. `SocketAddr`) available to
            /// handlers through the `ConnectInfo<C>` extractor.
            pub fn into_make_service_with_connect_info<C>(self) -> ::aws_smithy_http_server::routing::IntoMakeServiceWithConnectInfo<Self, C> {
                ::aws_smithy_http_server::routing::IntoMakeServiceWithConnectInfo::new(self)
            }
        }

        impl<S> #svc<::aws_smithy_http_server::routing::RoutingService<SharedRouter<#router<S>>, #protocol>> {
            /// Applies a layer to every operation's route.
            pub fn layer<L>(self, layer: &L) -> #svc<::aws_smithy_http_server::routing::RoutingService<SharedRouter<#router<L::Service>>, #protocol>>
            where
                S: ::std::clone::Clone,
                L: ::tower::Layer<S>,
            {
                #svc { svc: self.svc.map(|router| SharedRouter::new(router.into_inner().layer(layer))) }
            }
            /// Erases the routes' types.
            pub fn boxed<B>(self) -> #svc<::aws_smithy_http_server::routing::RoutingService<SharedRouter<#router<::aws_smithy_http_server::routing::SyncRoute<B>>>, #protocol>>
            where
                B: 'static,
                S: #route,
                S::Future: Send + 'static,
            {
                self.layer(&::tower::layer::layer_fn(::aws_smithy_http_server::routing::SyncRoute::new))
            }
        }
    }
}

/// The `Operation` enum, its shape ids, and the service's `ContainsOperation` impls.
fn operation_enum(n: &ServiceNames, ops: &[OperationNames<'_, '_>]) -> TokenStream {
    let svc = &n.svc;
    let variants = ops.iter().map(|op| &op.ident);
    let ids = ops.iter().map(|op| {
        let op_ident = &op.ident;
        quote!(Operation::#op_ident => <crate::operation_shape::#op_ident as ::aws_smithy_http_server::operation::OperationShape>::ID,)
    });
    let contains = ops.iter().map(|op| {
        let op_ident = &op.ident;
        quote! {
            impl<S> ::aws_smithy_http_server::service::ContainsOperation<crate::operation_shape::#op_ident> for #svc<S> {
                const VALUE: Operation = Operation::#op_ident;
            }
        }
    });
    quote! {
        /// The operations of the service, for plugins that act on some of them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation { #(#variants,)* }

        impl Operation {
            /// The operation's shape id.
            pub fn shape_id(&self) -> ::aws_smithy_http_server::shape_id::ShapeId {
                match self { #(#ids)* }
            }
        }

        #(#contains)*
    }
}

/// An operation's three builder setters: from a handler, from a `tower::Service`, and from an
/// HTTP service that bypasses the plugins and the protocol.
fn operation_setters(n: &ServiceNames, op: &OperationNames<'_, '_>) -> TokenStream {
    let (op_ident, field, snake) = (&op.ident, &op.field, &op.snake);
    let service_setter = format_ident!("{snake}_service");
    let custom_setter = format_ident!("{snake}_custom");
    let handler_doc = format!(
        " Sets the handler of [`{op_ident}`](crate::operation_shape::{op_ident}): an `async fn(input, extractors...) -> Result<output, error>`."
    );
    let service_doc = format!(
        " Sets a `tower::Service` taking {op_ident}'s input (and extractors) as the operation's implementation."
    );
    let custom_doc = format!(
        " Sets an HTTP service as {op_ident}'s route, bypassing the model plugins and the protocol. For advanced uses."
    );
    let handler_bounds = plugin_bounds(
        n,
        op_ident,
        &quote!(::aws_smithy_http_server::operation::IntoService<crate::operation_shape::#op_ident, HandlerType>),
    );
    let service_bounds = plugin_bounds(
        n,
        op_ident,
        &quote!(::aws_smithy_http_server::operation::Normalize<crate::operation_shape::#op_ident, S>),
    );
    let route = route_service(&quote!(Body));
    quote! {
        #[doc = #handler_doc]
        pub fn #field<HandlerType, HandlerExtractors, UpgradeExtractors>(self, handler: HandlerType) -> Self
        where
            HandlerType: ::aws_smithy_http_server::operation::Handler<crate::operation_shape::#op_ident, HandlerExtractors>,
            #handler_bounds
        {
            use ::aws_smithy_http_server::operation::OperationShapeExt;
            use ::aws_smithy_http_server::plugin::Plugin;
            let svc = crate::operation_shape::#op_ident::from_handler(handler);
            let svc = self.model_plugin.apply(svc);
            let svc = ::aws_smithy_http_server::operation::UpgradePlugin::<UpgradeExtractors>::new().apply(svc);
            let svc = self.http_plugin.apply(svc);
            self.#custom_setter(svc)
        }

        #[doc = #service_doc]
        pub fn #service_setter<S, ServiceExtractors, UpgradeExtractors>(self, service: S) -> Self
        where
            S: ::aws_smithy_http_server::operation::OperationService<crate::operation_shape::#op_ident, ServiceExtractors>,
            #service_bounds
        {
            use ::aws_smithy_http_server::operation::OperationShapeExt;
            use ::aws_smithy_http_server::plugin::Plugin;
            let svc = crate::operation_shape::#op_ident::from_service(service);
            let svc = self.model_plugin.apply(svc);
            let svc = ::aws_smithy_http_server::operation::UpgradePlugin::<UpgradeExtractors>::new().apply(svc);
            let svc = self.http_plugin.apply(svc);
            self.#custom_setter(svc)
        }

        #[doc = #custom_doc]
        pub fn #custom_setter<S>(mut self, svc: S) -> Self
        where
            S: #route,
            S::Future: Send + 'static,
        {
            self.#field = ::std::option::Option::Some(::aws_smithy_http_server::routing::SyncRoute::new(svc));
            self
        }
    }
}

/// The where-clause bounds under which `inner`, an operation's service, goes through the model
/// plugins, the upgrade to HTTP and the HTTP plugins, and comes out a route.
fn plugin_bounds(n: &ServiceNames, op_ident: &Ident, inner: &TokenStream) -> TokenStream {
    let svc = &n.svc;
    let upgrade = quote!(::aws_smithy_http_server::operation::UpgradePlugin<UpgradeExtractors>);
    let route = route_service(&quote!(Body));
    quote! {
        ModelPl: ::aws_smithy_http_server::plugin::Plugin<
            #svc,
            crate::operation_shape::#op_ident,
            #inner,
        >,
        #upgrade:
            ::aws_smithy_http_server::plugin::Plugin<#svc, crate::operation_shape::#op_ident, ModelPl::Output>,
        HttpPl: ::aws_smithy_http_server::plugin::Plugin<
            #svc,
            crate::operation_shape::#op_ident,
            <#upgrade as ::aws_smithy_http_server::plugin::Plugin<
                #svc,
                crate::operation_shape::#op_ident,
                ModelPl::Output,
            >>::Output,
        >,
        HttpPl::Output: #route,
        <HttpPl::Output as ::tower::Service<::http::Request<Body>>>::Future: Send + 'static,
    }
}

/// The bound of a route over `body`: a cloneable HTTP service that never fails, and that threads
/// may share (a `SyncRoute`), so that the router is shared rather than copied for each request.
fn route_service(body: &TokenStream) -> TokenStream {
    quote! {
        ::tower::Service<::http::Request<#body>, Response = ::http::Response<::aws_smithy_http_server::body::BoxBody>, Error = ::std::convert::Infallible>
            + Clone
            + Send
            + Sync
            + 'static
    }
}

/// `SharedRouter`: the routes behind one `Arc`. hyper clones the service for every request (and
/// `aws-smithy-http-server`'s layers clone it again), which otherwise copies every route.
fn shared_router() -> TokenStream {
    quote! {
        /// The service's routes behind one `Arc`: hyper clones the service for every request, and
        /// a clone costs one reference count instead of a copy of each route. The routes are
        /// `SyncRoute`s, so operation services must be `Sync`. (smithy-rs's services hold the
        /// protocol's router of `Route`s, which need not be `Sync`, and copy it for each request.)
        pub struct SharedRouter<R>(::std::sync::Arc<R>);

        impl<R> SharedRouter<R> {
            /// Shares `router`.
            pub fn new(router: R) -> Self {
                Self(::std::sync::Arc::new(router))
            }
            /// The router, cloned if it is still shared.
            pub fn into_inner(self) -> R
            where
                R: ::std::clone::Clone,
            {
                ::std::sync::Arc::unwrap_or_clone(self.0)
            }
        }

        impl<R> ::std::clone::Clone for SharedRouter<R> {
            fn clone(&self) -> Self {
                Self(self.0.clone())
            }
        }

        impl<R: ::std::fmt::Debug> ::std::fmt::Debug for SharedRouter<R> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<B, R: ::aws_smithy_http_server::routing::Router<B>> ::aws_smithy_http_server::routing::Router<B> for SharedRouter<R> {
            type Service = R::Service;
            type Error = R::Error;
            fn match_route(&self, request: &::http::Request<B>) -> ::std::result::Result<R::Service, R::Error> {
                self.0.match_route(request)
            }
        }
    }
}

/// `MissingOperationsError`, which `build` returns, and its message.
fn missing_operations_error(n: &ServiceNames) -> TokenStream {
    let ServiceNames { name, builder, .. } = n;
    let missing_doc = format!(" [`{builder}::build`] found operations without a handler.");
    let missing_intro = format!(
        "You must specify a handler for all operations attached to `{name}`.\nWe are missing handlers for the following operations:\n"
    );
    let missing_outro = format!("\nUse the dedicated methods on `{builder}` to register the missing handlers:\n");
    quote! {
        #[doc = #missing_doc]
        #[derive(Debug)]
        pub struct MissingOperationsError {
            /// (operation shape id, builder method) of each missing handler.
            missing: ::std::vec::Vec<(&'static str, &'static str)>,
        }

        impl ::std::fmt::Display for MissingOperationsError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#missing_intro)?;
                for (operation, _) in &self.missing {
                    writeln!(f, "- {operation}")?;
                }
                f.write_str(#missing_outro)?;
                for (_, setter) in &self.missing {
                    writeln!(f, "- {setter}")?;
                }
                ::std::result::Result::Ok(())
            }
        }

        impl ::std::error::Error for MissingOperationsError {}
    }
}

/// The config that `builder` takes: layers, HTTP plugins and model plugins.
fn config(n: &ServiceNames) -> TokenStream {
    let ServiceNames { name, config, config_builder, .. } = n;
    let config_doc = format!(" Layers and plugins that [`{name}::builder`] applies to every operation.");
    quote! {
        #[doc = #config_doc]
        #[derive(Debug, Clone)]
        pub struct #config<L, H, M> {
            layers: L,
            http_plugins: H,
            model_plugins: M,
        }

        impl #config<(), (), ()> {
            /// A config builder with no layers and no plugins.
            pub fn builder() -> #config_builder<::tower::layer::util::Identity, ::aws_smithy_http_server::plugin::IdentityPlugin, ::aws_smithy_http_server::plugin::IdentityPlugin> {
                #config_builder {
                    layers: ::tower::layer::util::Identity::new(),
                    http_plugins: ::aws_smithy_http_server::plugin::IdentityPlugin,
                    model_plugins: ::aws_smithy_http_server::plugin::IdentityPlugin,
                }
            }
        }
    }
}

/// The config's builder: one method to add a layer, an HTTP plugin or a model plugin.
fn config_builder(n: &ServiceNames) -> TokenStream {
    let ServiceNames { name, config, config_builder, .. } = n;
    let config_builder_doc = format!(" Collects layers and plugins for [`{name}Config`].");
    let config_build_doc = format!(" The config, for [`{name}::builder`].");
    quote! {
        #[doc = #config_builder_doc]
        #[derive(Debug, Clone)]
        pub struct #config_builder<L, H, M> {
            layers: L,
            http_plugins: H,
            model_plugins: M,
        }

        impl<L, H, M> #config_builder<L, H, M> {
            /// Adds a `tower::Layer` around every operation's route.
            pub fn layer<NewLayer>(self, layer: NewLayer) -> #config_builder<::tower::layer::util::Stack<NewLayer, L>, H, M> {
                #config_builder {
                    layers: ::tower::layer::util::Stack::new(layer, self.layers),
                    http_plugins: self.http_plugins,
                    model_plugins: self.model_plugins,
                }
            }
            /// Adds a plugin that wraps each operation's HTTP service.
            pub fn http_plugin<NewPlugin: ::aws_smithy_http_server::plugin::HttpMarker>(self, plugin: NewPlugin) -> #config_builder<L, ::aws_smithy_http_server::plugin::PluginStack<NewPlugin, H>, M> {
                #config_builder {
                    layers: self.layers,
                    http_plugins: ::aws_smithy_http_server::plugin::PluginStack::new(plugin, self.http_plugins),
                    model_plugins: self.model_plugins,
                }
            }
            /// Adds a plugin that wraps each operation's model-level service (input to output).
            pub fn model_plugin<NewPlugin: ::aws_smithy_http_server::plugin::ModelMarker>(self, plugin: NewPlugin) -> #config_builder<L, H, ::aws_smithy_http_server::plugin::PluginStack<NewPlugin, M>> {
                #config_builder {
                    layers: self.layers,
                    http_plugins: self.http_plugins,
                    model_plugins: ::aws_smithy_http_server::plugin::PluginStack::new(plugin, self.model_plugins),
                }
            }
            #[doc = #config_build_doc]
            pub fn build(self) -> #config<L, H, M> {
                #config {
                    layers: self.layers,
                    http_plugins: self.http_plugins,
                    model_plugins: self.model_plugins,
                }
            }
        }
    }
}

/// The routing pattern of an operation: method, path segments, literal query parameters.
fn request_spec(op: &crate::ir::Operation<'_>, name: &proc_macro2::Ident) -> TokenStream {
    // One of the methods the resolver accepts.
    let method = format_ident!("{}", op.method);
    let segments = op.segments.iter().map(|s| match s {
        Segment::Literal(text) => {
            let text = Literal::string(text);
            quote!(::aws_smithy_http_server::routing::request_spec::PathSegment::Literal(::std::string::String::from(#text)))
        }
        Segment::Label(label) if label.greedy => {
            quote!(::aws_smithy_http_server::routing::request_spec::PathSegment::Greedy)
        }
        Segment::Label(_) => quote!(::aws_smithy_http_server::routing::request_spec::PathSegment::Label),
    });
    let query = op.query_literals.iter().map(|(k, v)| match v {
        Some(v) => quote!(::aws_smithy_http_server::routing::request_spec::QuerySegment::KeyValue(::std::string::String::from(#k), ::std::string::String::from(#v))),
        None => quote!(::aws_smithy_http_server::routing::request_spec::QuerySegment::Key(::std::string::String::from(#k))),
    });
    quote! {
        fn #name() -> ::aws_smithy_http_server::routing::request_spec::RequestSpec {
            ::aws_smithy_http_server::routing::request_spec::RequestSpec::new(
                ::http::Method::#method,
                ::aws_smithy_http_server::routing::request_spec::UriSpec::new(
                    ::aws_smithy_http_server::routing::request_spec::PathAndQuerySpec::new(
                        ::aws_smithy_http_server::routing::request_spec::PathSpec::from_vector_unchecked(::std::vec![#(#segments),*]),
                        ::aws_smithy_http_server::routing::request_spec::QuerySpec::from_vector_unchecked(::std::vec![#(#query),*]),
                    ),
                ),
            )
        }
    }
}

/// How many bytes at the end of the path a redacted greedy label leaves readable: the literal
/// segments after it, with their slashes (none if another label follows).
fn greedy_label_suffix(rest: &[Segment]) -> usize {
    if rest.iter().any(|s| s.label().is_some()) {
        return 0;
    }
    rest.iter().map(|s| if let Segment::Literal(l) = s { l.len() + 1 } else { 0 }).sum()
}

fn sensitivity_path() -> TokenStream {
    quote!(::aws_smithy_http_server::instrumentation::sensitivity)
}

/// Which headers of `redacted` are sensitive: the marker closure, its `fn` type, and the
/// `MakeHeaders` type that holds it.
fn header_sensitivity(redacted: &[&Field<'_>]) -> (TokenStream, TokenStream, TokenStream) {
    let sensitivity = sensitivity_path();
    let marker = quote!(#sensitivity::headers::HeaderMarker);
    let header_fn = quote!(fn(&::http::HeaderName) -> #marker);
    let make_headers = quote!(#sensitivity::headers::MakeHeaders<#header_fn>);
    (header_marker(redacted, &marker), header_fn, make_headers)
}

/// The closure that marks the `@sensitive` headers among `redacted` members: a header's value, and
/// for `@httpPrefixHeaders` the name after the prefix too.
fn header_marker(redacted: &[&Field<'_>], marker: &TokenStream) -> TokenStream {
    let mut names = Vec::new();
    let mut prefixes = Vec::new();
    for field in redacted {
        match field.binding {
            Binding::Header(name, _) => names.push(name.to_ascii_lowercase()),
            Binding::PrefixHeaders(prefix) => {
                let (prefix, len) = (prefix.to_ascii_lowercase(), prefix.len());
                prefixes.push(quote! {
                    if name.starts_with(#prefix) {
                        return #marker { value: true, key_suffix: ::std::option::Option::Some(#len) };
                    }
                });
            }
            _ => {}
        }
    }
    if names.is_empty() && prefixes.is_empty() {
        return quote!((|_: &::http::HeaderName| #marker { value: false, key_suffix: ::std::option::Option::None }));
    }
    let value = if names.is_empty() { quote!(false) } else { quote!(matches!(name, #(#names)|*)) };
    quote! {
        (|name: &::http::HeaderName| {
            let name = name.as_str();
            #(#prefixes)*
            #marker { value: #value, key_suffix: ::std::option::Option::None }
        })
    }
}
