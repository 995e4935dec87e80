//! Proves the client generator works for a model that is not ours: the kitchen-sink client is
//! generated, built, and calls the kitchen-sink server generated from the same model.

mod common;

use attached_files_codegen::ast::Ast;
use attached_files_codegen::{Settings, client, server};
use common::{GeneratedCrate, describe};

/// The client's tests run the server crate (written next to the client crate) on loopback.
const DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
kitchen-sink-server-sdk = { path = "../server/crate" }
tokio = { version = "1.54.1", features = ["macros", "net", "rt-multi-thread"] }
"#;

/// Generates the server SDK and the client of `tests/models/kitchen-sink.json` side by side in
/// `$CARGO_TARGET_TMPDIR/kitchen-sink-client/`, adds the hand-written `tests/kitchen_sink/client.rs`
/// as the client's `tests/client.rs`, and runs `cargo test` on the client.
#[test]
fn kitchen_sink_client_is_generated_compiled_and_calls_its_server() {
    let codegen = common::workspace().join("codegen");
    let json = std::fs::read_to_string(codegen.join("tests/models/kitchen-sink.json")).unwrap();
    let model = Ast::parse(&json).expect("the kitchen-sink model parses");
    let mut settings = Settings {
        service: "example.kitchensink#KitchenSink".to_owned(),
        module: "kitchen-sink-server-sdk".to_owned(),
        module_version: "0.1.0".to_owned(),
        validation_exceptions: vec!["example.kitchensink#ValidationException".to_owned()],
        source: "codegen/tests/models/kitchen-sink.smithy".to_owned(),
        protocol: None,
    };
    let server_crate = server::generate(&model, &settings).expect("the kitchen-sink server generates");
    GeneratedCrate::write("kitchen-sink-client/server", &settings.module, server_crate, "", &[]);

    settings.module = "kitchen-sink-client".to_owned();
    settings.validation_exceptions = Vec::new();
    let client_crate = client::generate(&model, &settings).expect("the kitchen-sink client generates");
    let tests = std::fs::read(codegen.join("tests/kitchen_sink/client.rs")).unwrap();
    let client = GeneratedCrate::write(
        "kitchen-sink-client",
        &settings.module,
        client_crate,
        DEV_DEPENDENCIES,
        &[("tests/client.rs", tests)],
    );
    let output = client.cargo_test(&["--quiet"]);
    assert!(
        output.status.success(),
        "`cargo test` of the generated kitchen-sink client in {} failed {}",
        client.dir.display(),
        describe(&output)
    );
    client.assert_clippy_clean();
}
