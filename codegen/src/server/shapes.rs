//! The Rust types of the model as the server holds them: structures with builders that fail on
//! a missing required member, enums, constrained newtypes with their constraint violations, and
//! each operation's error enum. What the client's types share with them (accessors, unions, the
//! variants of error enums) is `crate::shapes`'s.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::Gen;
use crate::codec::Side;
use crate::event_stream::EventStreams;
use crate::ir::{Bounds, Constraints, Item};
use crate::ir::{Module, Operation, Prim, Ty, UNIT};
use crate::names;
use crate::names::shape_name;
use crate::render::doc_and_deprecation;
use crate::rust_types::{EnumArms, enum_arms, prim_type, struct_debug, value_debug};
use crate::shapes::{ErrorVariants, Types};

impl<'m> Gen<'_, 'm> {
    /// One of `model.rs`, `input.rs`, `output.rs`, `error.rs`.
    pub(super) fn shapes_module(&self, module: Module) -> TokenStream {
        let mut items = Vec::new();
        match module {
            Module::Input | Module::Output => {
                for op in &self.s.operations {
                    let (id, name) = self.op_struct(op, module);
                    items.push(self.structure(id, &name.to_string(), module));
                }
            }
            Module::Error => {
                for (id, (m, name)) in &self.s.structs {
                    if *m == Module::Error {
                        items.push(self.structure(id, name, module));
                        items.push(self.error_impls(id, name));
                    }
                }
                for op in &self.s.operations {
                    items.push(self.operation_error(op));
                }
                for id in self.shared_shapes() {
                    items.push(self.stream_error_enum(id));
                }
            }
            Module::Model => {
                for id in self.shared_shapes() {
                    items.push(match self.s.ty(id) {
                        Ty::Struct(_) if self.s.structs.get(id).is_some_and(|(m, _)| *m == Module::Model) => {
                            let name = self.type_name(id);
                            self.structure(id, &name, module)
                        }
                        Ty::Union(_) => self.union(id),
                        Ty::Enum(_) => self.enumeration(id),
                        Ty::Newtype(_, prim) => self.newtype(id, prim_type(prim), Some(prim)),
                        Ty::List { member, sparse, newtype: true, .. } => {
                            self.newtype(id, self.list_type(member, sparse), None)
                        }
                        Ty::Map { key, value, sparse, newtype: true, .. } => {
                            self.newtype(id, self.map_type(key, value, sparse), None)
                        }
                        _ => continue,
                    });
                }
            }
        }
        quote!(#(#items)*)
    }

    fn structure(&self, id: &'m str, name: &str, module: Module) -> TokenStream {
        let fields = if module == Module::Model { self.s.member_fields(id) } else { self.s.fields(id) };
        let ident = format_ident!("{name}");
        let builder_mod = names::ident(&names::snake(name));
        let shape_doc = if id == UNIT { TokenStream::new() } else { doc_and_deprecation(&self.s.shape(id).docs) };
        let mut decls = Vec::new();
        let mut accessors = Vec::new();
        let mut builder_fields = Vec::new();
        let mut setters = Vec::new();
        let mut build_fields = Vec::new();
        let mut missing = Vec::new();
        for field in fields {
            let f = names::field(field.name);
            let field_doc = doc_and_deprecation(&field.docs);
            let ty = self.member_type(field);
            let held = self.field_type(module, field);
            decls.push(quote!(#field_doc pub #f: #held,));
            accessors.push(self.accessor(module, field, &f, &field_doc));
            builder_fields.push(quote!(pub(crate) #f: ::std::option::Option<#ty>,));
            if field.is_always_set() {
                setters.push(quote! {
                    #field_doc
                    pub fn #f(mut self, input: #ty) -> Self {
                        self.#f = ::std::option::Option::Some(input);
                        self
                    }
                });
            } else {
                setters.push(quote! {
                    #field_doc
                    pub fn #f(mut self, input: ::std::option::Option<#ty>) -> Self {
                        self.#f = input;
                        self
                    }
                });
            }
            if field.default.is_some() {
                let value = self.or_default(quote!(self.#f), field);
                build_fields.push(quote!(#f: #value,));
            } else if field.required {
                let variant = format_ident!("Missing{}", names::type_name(field.name));
                let text = format!(
                    "`{}` was not provided but it is required when building `{name}`",
                    names::snake(field.name)
                );
                missing.push((variant.clone(), text));
                build_fields.push(quote!(#f: self.#f.ok_or(ConstraintViolation::#variant)?,));
            } else {
                build_fields.push(quote!(#f: self.#f,));
            }
        }
        let error = (!missing.is_empty()).then(|| quote!(ConstraintViolation));
        let build = self.build_fn(&quote!(super::#ident), &build_fields, error);
        let violation = missing_members_violation(&missing);
        let builder_doc = format!(" A builder for [`{name}`](super::{name}).");
        let module_doc = format!(" The builder of [`{name}`](super::{name}).");
        // `@sensitive` members are redacted in `Debug`, which is then written out.
        let debug_impl = struct_debug(fields, quote!(#ident), name, &[]);
        let builder_debug = struct_debug(fields, quote!(#builder_mod::Builder), "Builder", &[]);
        let debug = self.debug_derive(&debug_impl);
        // A byte stream can be neither cloned nor compared.
        let (derives, builder_derives) = if self.s.has_stream(id) {
            (quote!(#[derive(#debug)]), quote!(#[derive(#debug Default)]))
        } else {
            (quote!(#[derive(#debug Clone, PartialEq)]), quote!(#[derive(#debug Clone, Default, PartialEq)]))
        };
        quote! {
            #shape_doc
            #derives
            pub struct #ident { #(#decls)* }
            #debug_impl
            #builder_debug
            impl #ident {
                #(#accessors)*
                /// A builder for this structure.
                pub fn builder() -> #builder_mod::Builder {
                    #builder_mod::Builder::default()
                }
            }
            #[doc = #module_doc]
            pub mod #builder_mod {
                #[doc = #builder_doc]
                #builder_derives
                pub struct Builder { #(#builder_fields)* }
                impl Builder {
                    #(#setters)*
                    #build
                }
                #violation
            }
        }
    }

    fn enumeration(&self, id: &'m str) -> TokenStream {
        let ident = format_ident!("{}", self.s.type_name(id));
        let module = self.shape_module(id);
        let shape_doc = doc_and_deprecation(&self.s.shape(id).docs);
        let values = &self.s.shape(id).enum_values;
        let EnumArms { variants, as_str, from_str, values: strs } =
            enum_arms(&ident, values, |variant| quote!(::std::result::Result::Ok(#variant)));
        // Internal values are left out of the violation message.
        let public: Vec<&str> = values.iter().filter(|v| !v.internal).map(|v| v.value).collect();
        let set = format!("Member must satisfy enum value set: [{}]", public.join(", "));
        let violation = self.violation_method(
            id,
            quote!(crate::protocol_serde::Violation::new(path, ::std::option::Option::None, #set)),
        );
        let module_doc = format!(" The constraint violation of [`{ident}`](super::{ident}).");
        let not_one_of = format!("value is not one of the values of {}", shape_name(id));
        let debug_impl = value_debug(self.s, id, quote!(#ident));
        let str_impls = self.enum_str_impls(&ident);
        let debug = self.debug_derive(&debug_impl);
        quote! {
            #shape_doc
            #[derive(#debug Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #ident { #(#variants)* }
            #debug_impl
            impl #ident {
                /// The value on the wire.
                pub fn as_str(&self) -> &'static str {
                    match self { #(#as_str)* }
                }
                /// Every value on the wire.
                pub const fn values() -> &'static [&'static str] {
                    &[#(#strs),*]
                }
            }
            impl ::std::convert::TryFrom<&str> for #ident {
                type Error = #module::ConstraintViolation;
                fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                    match value {
                        #(#from_str)*
                        other => ::std::result::Result::Err(#module::ConstraintViolation(other.to_owned())),
                    }
                }
            }
            impl ::std::convert::TryFrom<::std::string::String> for #ident {
                type Error = #module::ConstraintViolation;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                    Self::try_from(value.as_str())
                }
            }
            impl ::std::str::FromStr for #ident {
                type Err = #module::ConstraintViolation;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Self::try_from(value)
                }
            }
            #str_impls
            #[doc = #module_doc]
            pub mod #module {
                /// A string that is not one of the enum's values.
                #[derive(Debug, Clone, PartialEq, Eq)]
                pub struct ConstraintViolation(pub(crate) ::std::string::String);
                impl ConstraintViolation {
                    /// The value that was refused.
                    pub fn value(&self) -> &str {
                        &self.0
                    }
                    #violation
                }
                impl ::std::fmt::Display for ConstraintViolation {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#not_one_of)
                    }
                }
                impl ::std::error::Error for ConstraintViolation {}
            }
        }
    }

    /// `into_violation`, only for shapes read from requests (elsewhere it would be dead code).
    fn violation_method(&self, id: &str, body: TokenStream) -> TokenStream {
        if !self.s.read.contains(id) {
            return TokenStream::new();
        }
        quote! {
            pub(crate) fn into_violation(self, path: &crate::protocol_serde::Path<'_>) -> crate::protocol_serde::Violation {
                #body
            }
        }
    }

    /// A constrained scalar (`prim`), list or map: a newtype around `inner`, its plain Rust type,
    /// that can only hold valid values.
    fn newtype(&self, id: &'m str, inner: TokenStream, prim: Option<Prim>) -> TokenStream {
        let ident = format_ident!("{}", self.s.type_name(id));
        let module = self.shape_module(id);
        let shape = self.s.shape(id);
        let shape_doc = doc_and_deprecation(&shape.docs);
        let ty = self.s.ty(id);
        let constraints = self.constraint_checks(ty, &shape.constraints, &inner, &module);
        let checks = constraints.iter().map(|c| &c.check);
        let check_param = self.check_param(ty, &inner);
        let debug_impl = value_debug(self.s, id, quote!(#ident));
        let debug = self.debug_derive(&debug_impl);
        let derives = match prim {
            Some(Prim::String) => quote!(#[derive(#debug Clone, PartialEq, Eq, Hash)]),
            _ => quote!(#[derive(#debug Clone, PartialEq)]),
        };
        let accessors = newtype_accessors(prim, &inner);
        let display = newtype_display(&ident, prim);
        let violation = self.newtype_violation(id, &ident, &module, &constraints);
        quote! {
            #shape_doc
            #derives
            pub struct #ident(pub(crate) #inner);
            #debug_impl
            impl #ident {
                #accessors
                fn check(value: #check_param) -> ::std::result::Result<(), #module::ConstraintViolation> {
                    #(#checks)*
                    ::std::result::Result::Ok(())
                }
            }
            impl ::std::convert::TryFrom<#inner> for #ident {
                type Error = #module::ConstraintViolation;
                /// Accepts the value if it satisfies every constraint of the shape.
                fn try_from(value: #inner) -> ::std::result::Result<Self, Self::Error> {
                    Self::check(&value)?;
                    ::std::result::Result::Ok(Self(value))
                }
            }
            impl ::std::convert::From<#ident> for #inner {
                fn from(value: #ident) -> Self {
                    value.0
                }
            }
            #display
            #violation
        }
    }

    /// A newtype's constraints, in the order its `check` tries them.
    fn constraint_checks(
        &self,
        ty: Ty<'m>,
        constraints: &Constraints<'m>,
        inner: &TokenStream,
        module: &Ident,
    ) -> Vec<ConstraintCheck> {
        let prim = match ty {
            Ty::Newtype(_, prim) => Some(prim),
            _ => None,
        };
        let mut checks = Vec::new();
        if let Some(bounds) = &constraints.length {
            checks.push(length_check(bounds, prim, module));
        }
        if let Some(pattern) = constraints.pattern {
            checks.push(pattern_check(pattern, module));
        }
        if let (Some(bounds), Some(prim)) = (&constraints.range, prim) {
            checks.push(range_check(bounds, prim, inner, module));
        }
        if let (true, Ty::List { member, .. }) = (constraints.unique_items, ty) {
            checks.push(self.unique_items_check(member, module));
        }
        checks
    }

    /// `@uniqueItems`: hashable items are checked in linear time; others (structures, unions,
    /// lists, floats) pairwise.
    fn unique_items_check(&self, member: Item<'m>, module: &Ident) -> ConstraintCheck {
        let hashable = match self.s.ty(member.target) {
            Ty::Prim(p) | Ty::Newtype(_, p) => !p.is_float(),
            Ty::Enum(_) | Ty::IntEnum => true,
            _ => false,
        };
        let unique = if hashable { quote!(all_unique_hashable) } else { quote!(all_unique) };
        ConstraintCheck {
            check: quote! {
                if !crate::protocol_serde::#unique(value) {
                    return ::std::result::Result::Err(#module::ConstraintViolation::UniqueItems);
                }
            },
            variant: quote!(
                #[doc = " The list holds the same value more than once."]
                UniqueItems,
            ),
            message: quote!(ConstraintViolation::UniqueItems => crate::protocol_serde::Violation::new(path, ::std::option::Option::None, "Member must have unique values"),),
            display: quote!(ConstraintViolation::UniqueItems => f.write_str("the list holds the same value more than once"),),
        }
    }

    /// The type `check` borrows the value as: `&str` for strings, a slice for lists.
    fn check_param(&self, ty: Ty<'m>, inner: &TokenStream) -> TokenStream {
        match ty {
            Ty::Newtype(_, Prim::String) => quote!(&str),
            Ty::List { member, sparse, .. } => {
                let item = self.item_type(member, sparse);
                quote!(&[#item])
            }
            _ => quote!(&#inner),
        }
    }

    /// The newtype's `ConstraintViolation` module: one variant per constraint, with its
    /// validation message and `Display`.
    fn newtype_violation(
        &self,
        id: &str,
        ident: &Ident,
        module: &Ident,
        constraints: &[ConstraintCheck],
    ) -> TokenStream {
        let variants = constraints.iter().map(|c| &c.variant);
        let messages = constraints.iter().map(|c| &c.message);
        let displays = constraints.iter().map(|c| &c.display);
        let violation = self.violation_method(id, quote!(match self { #(#messages)* }));
        let module_doc = format!(" The constraint violation of [`{ident}`](super::{ident}).");
        quote! {
            #[doc = #module_doc]
            pub mod #module {
                /// Which constraint a value broke.
                #[derive(Debug, Clone, PartialEq)]
                pub enum ConstraintViolation { #(#variants)* }
                impl ConstraintViolation {
                    #violation
                }
                impl ::std::fmt::Display for ConstraintViolation {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match self { #(#displays)* }
                    }
                }
                impl ::std::error::Error for ConstraintViolation {}
            }
        }
    }

    /// The modeled error `id`'s name on the wire, `Display` and `Error`.
    fn error_impls(&self, id: &'m str, name: &str) -> TokenStream {
        let ident = format_ident!("{name}");
        let wire_name = shape_name(id);
        let display = self.error_display(id, &ident);
        quote! {
            impl #ident {
                /// The error's name on the wire (`X-Amzn-Errortype`).
                pub fn name(&self) -> &'static str {
                    #wire_name
                }
            }
            #display
        }
    }

    /// `<Operation>Error`: the errors a handler of the operation may return.
    fn operation_error(&self, op: &Operation<'m>) -> TokenStream {
        let ident = format_ident!("{}Error", names::type_name(op.name));
        let docs = format!(" The errors that {} can answer with.", op.name);
        let ErrorVariants { variants, displays, sources, checks } = self.error_variants(op, &quote!(#ident));
        let mut names_ = Vec::new();
        let mut froms = Vec::new();
        for error in &op.errors {
            let variant = format_ident!("{}", self.type_name(error));
            let path = self.struct_path(error);
            names_.push(quote!(#ident::#variant(e) => e.name(),));
            froms.push(quote! {
                impl ::std::convert::From<#path> for #ident {
                    fn from(error: #path) -> Self {
                        #ident::#variant(error)
                    }
                }
            });
        }
        if op.errors.is_empty() {
            let alias_doc = format!(" {} has no modeled errors.", op.name);
            return quote!(#[doc = #alias_doc] pub type #ident = ::std::convert::Infallible;);
        }
        quote! {
            #[doc = #docs]
            #[derive(Debug)]
            pub enum #ident { #(#variants)* }
            impl #ident {
                /// The error's name on the wire (`X-Amzn-Errortype`).
                pub fn name(&self) -> &'static str {
                    match self { #(#names_)* }
                }
                #(#checks)*
            }
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self { #(#displays)* }
                }
            }
            impl ::std::error::Error for #ident {
                fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                    match self { #(#sources)* }
                }
            }
            #(#froms)*
        }
    }
}

/// The builder's `ConstraintViolation`: one variant per required member without a default
/// (`missing`: the variant and its message); none if there is no such member.
fn missing_members_violation(missing: &[(Ident, String)]) -> TokenStream {
    if missing.is_empty() {
        return TokenStream::new();
    }
    let variants = missing.iter().map(|(v, text)| {
        let text = format!(" {text}.");
        quote!(#[doc = #text] #v,)
    });
    let messages = missing.iter().map(|(v, text)| quote!(ConstraintViolation::#v => #text,));
    quote! {
        /// A required member that was not set when building.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum ConstraintViolation { #(#variants)* }
        impl ::std::fmt::Display for ConstraintViolation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(match self { #(#messages)* })
            }
        }
        impl ::std::error::Error for ConstraintViolation {}
    }
}

/// Whether `value` (`value_ref` is a reference to it) is outside `@length` (usize) or `@range` (the scalar's type) bounds.
fn out_of_bounds(bounds: &Bounds, value: TokenStream, value_ref: TokenStream, prim: Option<Prim>) -> TokenStream {
    let literal = |n: &serde_json::Number| match prim {
        Some(p) if p.is_float() => {
            let l = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
            quote!(#l)
        }
        Some(_) => {
            let l = Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
            quote!(#l)
        }
        None => {
            let l = Literal::u64_unsuffixed(n.as_u64().unwrap_or_default());
            quote!(#l)
        }
    };
    match (bounds.min.as_ref().map(literal), bounds.max.as_ref().map(literal)) {
        (Some(min), Some(max)) => quote!(!(#min..=#max).contains(#value_ref)),
        (Some(min), None) => quote!(#value < #min),
        (None, Some(max)) => quote!(#value > #max),
        (None, None) => quote!(false),
    }
}

/// The constraint as violation messages state it, e.g. `Member must be between 5 and 300, inclusive`.
fn bounds_text(bounds: &Bounds, subject: &str) -> String {
    match (&bounds.min, &bounds.max) {
        (Some(min), Some(max)) => format!("{subject} between {min} and {max}, inclusive"),
        (Some(min), None) => format!("{subject} greater than or equal to {min}"),
        (None, Some(max)) => format!("{subject} less than or equal to {max}"),
        (None, None) => format!("{subject} unbounded"),
    }
}

/// One constraint's part of a newtype.
struct ConstraintCheck {
    /// The statements in `check` that refuse a value breaking it.
    check: TokenStream,
    /// Its `ConstraintViolation` variant.
    variant: TokenStream,
    /// Its arm in `into_violation`: the message of the validation error.
    message: TokenStream,
    /// Its arm in `ConstraintViolation`'s `Display`.
    display: TokenStream,
}

/// `@length`: a string's in characters, a blob's in bytes, a list's or map's in entries.
fn length_check(bounds: &Bounds, prim: Option<Prim>, module: &Ident) -> ConstraintCheck {
    let length = match prim {
        Some(Prim::String) => quote!(value.chars().count()),
        Some(_) => quote!(value.as_ref().len()),
        None => quote!(value.len()),
    };
    let cond = out_of_bounds(bounds, quote!(length), quote!(&length), None);
    let text = bounds_text(bounds, "Member must have length");
    let display = format!("length {{}} is not allowed: {}", text.trim_start_matches("Member must have length "));
    ConstraintCheck {
        check: quote! {
            let length = #length;
            if #cond {
                return ::std::result::Result::Err(#module::ConstraintViolation::Length(length));
            }
        },
        variant: quote!(
            #[doc = " The value's length is outside the bounds."]
            Length(usize),
        ),
        message: quote!(ConstraintViolation::Length(length) => crate::protocol_serde::Violation::new(path, ::std::option::Option::Some(length), #text),),
        display: quote!(ConstraintViolation::Length(length) => write!(f, #display, length),),
    }
}

/// `@pattern`, compiled once.
fn pattern_check(pattern: &str, module: &Ident) -> ConstraintCheck {
    let text = format!("Member must satisfy regular expression pattern: {pattern}");
    let display = format!("the value does not match the pattern {pattern}");
    ConstraintCheck {
        check: quote! {
            static PATTERN: ::std::sync::LazyLock<::regex::Regex> = ::std::sync::LazyLock::new(|| {
                ::regex::Regex::new(#pattern).expect("the generator checked that the pattern compiles")
            });
            if !PATTERN.is_match(value) {
                return ::std::result::Result::Err(#module::ConstraintViolation::Pattern(value.to_owned()));
            }
        },
        variant: quote!(
            #[doc = " The value does not match the pattern."]
            Pattern(::std::string::String),
        ),
        message: quote!(ConstraintViolation::Pattern(_) => crate::protocol_serde::Violation::new(path, ::std::option::Option::None, #text),),
        display: quote!(ConstraintViolation::Pattern(_) => f.write_str(#display),),
    }
}

/// `@range` of a number, `inner`.
fn range_check(bounds: &Bounds, prim: Prim, inner: &TokenStream, module: &Ident) -> ConstraintCheck {
    let cond = out_of_bounds(bounds, quote!(*value), quote!(value), Some(prim));
    let text = bounds_text(bounds, "Member must be");
    let display = format!("the value is not allowed: {}", text.trim_start_matches("Member must be "));
    ConstraintCheck {
        check: quote! {
            if #cond {
                return ::std::result::Result::Err(#module::ConstraintViolation::Range(*value));
            }
        },
        variant: quote!(#[doc = " The value is outside the range."] Range(#inner),),
        message: quote!(ConstraintViolation::Range(_) => crate::protocol_serde::Violation::new(path, ::std::option::Option::None, #text),),
        display: quote!(ConstraintViolation::Range(_) => f.write_str(#display),),
    }
}

/// `as_str` (strings only), `inner` and `into_inner`: smithy-rs's accessors.
fn newtype_accessors(prim: Option<Prim>, inner: &TokenStream) -> TokenStream {
    let as_str = (prim == Some(Prim::String)).then(|| {
        quote! {
            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    });
    quote! {
        #as_str
        /// The value.
        pub fn inner(&self) -> &#inner {
            &self.0
        }
        /// The value, giving up the guarantee that it satisfies the constraints.
        pub fn into_inner(self) -> #inner {
            self.0
        }
    }
}

/// `Display` for a string or number newtype, as its value; none for other newtypes.
fn newtype_display(ident: &Ident, prim: Option<Prim>) -> TokenStream {
    if !prim.is_some_and(|p| p == Prim::String || p.is_number()) {
        return TokenStream::new();
    }
    quote! {
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }
    }
}
