//! `auth.rs`: the service's auth schemes (`@sigv4`, `@httpBearerAuth`, `@httpApiKeyAuth`), each a
//! template in `codegen/support/src/client/auth/` that adds its config and its part of an
//! operation's auth, and the choice among them per operation: the first scheme of the operation's
//! list (its `@auth`, else the service's) whose identity the config has; with none, the request is
//! sent unsigned.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use crate::ir::AuthScheme;

/// Each scheme's module: `src/auth/<module>.rs`, a template of `codegen/support/src/client/auth/`.
fn module(scheme: &AuthScheme<'_>) -> &'static str {
    match scheme {
        AuthScheme::SigV4 { .. } => "sigv4",
        AuthScheme::Bearer => "bearer",
        AuthScheme::ApiKey { .. } => "api_key",
    }
}

/// The `Scheme` variant of a scheme.
fn variant(scheme: &AuthScheme<'_>) -> proc_macro2::Ident {
    match scheme {
        AuthScheme::SigV4 { .. } => format_ident!("SigV4"),
        AuthScheme::Bearer => format_ident!("Bearer"),
        AuthScheme::ApiKey { .. } => format_ident!("ApiKey"),
    }
}

impl Gen<'_, '_> {
    /// Whether the service has the scheme of `src/auth/<module>.rs`.
    pub(super) fn has_auth(&self, module: &str) -> bool {
        self.s.auth.iter().any(|scheme| self::module(scheme) == module)
    }

    /// `[crate::auth::Scheme::X, ...]`: an operation's schemes, most preferred first.
    pub(super) fn op_auth(&self, schemes: &[AuthScheme<'_>]) -> TokenStream {
        let variants = schemes.iter().map(variant);
        quote!(&[#(crate::auth::Scheme::#variants),*])
    }

    pub(super) fn auth_rs(&self) -> TokenStream {
        let mut modules = Vec::new();
        let mut fields = Vec::new();
        let mut variants = Vec::new();
        let mut arms = Vec::new();
        let mut reexports = Vec::new();
        let mut constants = Vec::new();
        for scheme in &self.s.auth {
            let module = format_ident!("{}", module(scheme));
            let variant = variant(scheme);
            let ty = match scheme {
                AuthScheme::SigV4 { .. } => quote!(SigV4),
                AuthScheme::Bearer => quote!(Bearer),
                AuthScheme::ApiKey { name, in_header, scheme } => {
                    let scheme = scheme.unwrap_or_default();
                    constants.push(quote! {
                        /// `@httpApiKeyAuth`: the header or query parameter, whether it is a header, and the scheme before the key.
                        const API_KEY: (&str, bool, &str) = (#name, #in_header, #scheme);
                    });
                    quote!(ApiKey)
                }
            };
            let doc = format!(" `{}`.", scheme.id());
            modules.push(quote!(mod #module;));
            fields.push(quote!(pub(crate) #module: #module::#ty,));
            variants.push(quote!(#[doc = #doc] #variant,));
            arms.push(quote!(Scheme::#variant => self.#module.add(&mut layer, &mut components),));
            if matches!(scheme, AuthScheme::SigV4 { .. }) {
                reexports.push(quote!(pub use super::#module::config_reexports::*;));
            }
        }
        // Bearer tokens and API keys are both `Token`s.
        if self.s.auth.iter().any(|scheme| !matches!(scheme, AuthScheme::SigV4 { .. })) {
            reexports.push(quote! {
                pub use ::aws_smithy_runtime_api::client::identity::http::Token;
                pub use ::aws_smithy_runtime_api::client::identity::ResolveIdentity;
            });
        }
        let apply = if arms.is_empty() {
            quote! {
                /// Sends the operation's requests unsigned: the service has no auth scheme.
                pub(crate) fn apply(&self, operation: OperationBuilder, _schemes: &[Scheme], _identity_cache: &SharedIdentityCache) -> OperationBuilder {
                    operation.no_auth()
                }
            }
        } else {
            quote! {
                /// The operation's auth: `schemes`, in order, each if the config has its identity;
                /// unsigned when it has none of them.
                pub(crate) fn apply(&self, operation: OperationBuilder, schemes: &[Scheme], identity_cache: &SharedIdentityCache) -> OperationBuilder {
                    let mut layer = ::aws_smithy_types::config_bag::Layer::new("auth");
                    layer.store_put(::aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams::new(()));
                    let mut components = ::aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder::new("auth");
                    let mut options = ::std::vec::Vec::new();
                    for scheme in schemes {
                        options.extend(match scheme { #(#arms)* });
                    }
                    if options.is_empty() {
                        return operation.no_auth();
                    }
                    components.set_auth_scheme_option_resolver(::std::option::Option::Some(
                        ::aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver::new(options),
                    ));
                    components.set_identity_cache(::std::option::Option::Some(identity_cache.clone()));
                    operation.runtime_plugin(
                        ::aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin::new()
                            .with_config(layer.freeze())
                            .with_runtime_components(components),
                    )
                }
            }
        };
        quote! {
            //! Auth: the service's schemes, and for each operation the first of its schemes whose
            //! identity the config has (requests are sent unsigned when it has none).

            use ::aws_smithy_runtime::client::orchestrator::operation::OperationBuilder;
            use ::aws_smithy_runtime_api::client::identity::SharedIdentityCache;

            #(#modules)*
            #(#constants)*

            /// An auth scheme of the service.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub(crate) enum Scheme { #(#variants)* }

            /// The identities the config holds, per scheme.
            #[derive(Clone, Debug, Default)]
            pub(crate) struct AuthConfig { #(#fields)* }

            impl AuthConfig {
                #apply
            }

            /// What `config` re-exports for the schemes (credentials, tokens, region).
            pub mod config_reexports {
                #(#reexports)*
            }
        }
    }
}
