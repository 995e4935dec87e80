//! Rust names for Smithy names, the way smithy-rs spells them.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// `GetAttachedFile` -> `GetAttachedFile`, `URLExpiryInSeconds` -> `UrlExpiryInSeconds`.
pub fn type_name(smithy_name: &str) -> String {
    let name = smithy_name.to_upper_camel_case();
    match name.as_str() {
        // Names that would shadow the prelude or std types the generated code uses.
        "Self" | "Option" | "Result" | "String" | "Vec" | "Box" | "Some" | "None" | "Ok" | "Err" => {
            format!("{name}Value")
        }
        _ => name,
    }
}

/// `AssociatedResourceArn` -> `associated_resource_arn`.
pub fn snake(smithy_name: &str) -> String {
    smithy_name.to_snake_case()
}

/// The name part of a shape id: `ns#Name` -> `Name`, `ns#Name$member` -> `member`.
pub fn shape_name(id: &str) -> &str {
    let name = id.rsplit_once('#').map_or(id, |(_, name)| name);
    name.rsplit_once('$').map_or(name, |(_, member)| member)
}

/// An identifier for a field, function or module: snake case, keywords made raw (`r#type`),
/// and the few keywords that cannot be raw given a trailing underscore.
pub fn field(smithy_name: &str) -> Ident {
    ident(&snake(smithy_name))
}

/// An identifier for any name already in Rust case.
pub fn ident(name: &str) -> Ident {
    match name {
        "self" | "super" | "crate" | "Self" | "_" => Ident::new(&format!("{name}_"), Span::call_site()),
        _ if is_keyword(name) => Ident::new_raw(name, Span::call_site()),
        _ => Ident::new(name, Span::call_site()),
    }
}

/// An identifier for a type or enum variant in UpperCamelCase.
pub fn type_ident(smithy_name: &str) -> Ident {
    Ident::new(&type_name(smithy_name), Span::call_site())
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smithy_rs_spellings() {
        assert_eq!(type_name("URLExpiryInSeconds"), "UrlExpiryInSeconds");
        assert_eq!(type_name("ISO8601Datetime"), "Iso8601Datetime");
        assert_eq!(type_name("APPROVED"), "Approved");
        assert_eq!(type_name("INVALID_FILE_SIZE"), "InvalidFileSize");
        assert_eq!(snake("AWSIdentityArn"), "aws_identity_arn");
        assert_eq!(snake("UrlExpiryInSeconds"), "url_expiry_in_seconds");
        assert_eq!(field("type").to_string(), "r#type");
        assert_eq!(field("self").to_string(), "self_");
    }
}
