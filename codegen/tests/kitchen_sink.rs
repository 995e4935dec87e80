//! Proves the generator works for a model that is not ours: the kitchen-sink SDK is generated, built, driven over HTTP.

mod common;

use attached_files_codegen::ast::Ast;
use attached_files_codegen::{Settings, server};
use common::{GeneratedCrate, describe};

/// What the HTTP tests need besides the generated crate's own dependencies (versions as in the
/// workspace, so that the copied lock already holds them).
const DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
reqwest = { version = "0.13.5", default-features = false }
serde_json = "1.0.154"
tokio = { version = "1.54.1", features = ["macros", "net", "rt-multi-thread"] }
"#;

/// Generates the server SDK of `tests/models/kitchen-sink.json` with the library API, adds the
/// hand-written `tests/kitchen_sink/http.rs` as its `tests/http.rs`, and runs `cargo test` on it.
#[test]
fn kitchen_sink_sdk_is_generated_compiled_and_passes_its_http_tests() {
    let codegen = common::workspace().join("codegen");
    let json = std::fs::read_to_string(codegen.join("tests/models/kitchen-sink.json")).unwrap();
    let model = Ast::parse(&json).expect("the kitchen-sink model parses");
    let settings = Settings {
        service: "example.kitchensink#KitchenSink".to_owned(),
        module: "kitchen-sink-server-sdk".to_owned(),
        module_version: "0.1.0".to_owned(),
        validation_exceptions: vec!["example.kitchensink#ValidationException".to_owned()],
        source: "codegen/tests/models/kitchen-sink.smithy".to_owned(),
        protocol: None,
    };
    let generated = server::generate(&model, &settings).expect("the kitchen-sink model generates");
    let http_tests = std::fs::read(codegen.join("tests/kitchen_sink/http.rs")).unwrap();
    let sdk = GeneratedCrate::write(
        "kitchen-sink",
        &settings.module,
        generated,
        DEV_DEPENDENCIES,
        &[("tests/http.rs", http_tests)],
    );
    let output = sdk.cargo_test(&["--quiet"]);
    assert!(
        output.status.success(),
        "`cargo test` of the generated kitchen-sink crate in {} failed {}",
        sdk.dir.display(),
        describe(&output)
    );
    sdk.assert_pinned();
    sdk.assert_clippy_clean();
}
