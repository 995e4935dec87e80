//! The support templates that `attached-files-codegen` copies verbatim into generated crates.
