//! Proves the RPC protocols end to end: for each of awsJson1_0, awsJson1_1 and rpcv2Cbor, the
//! server and the client of `tests/models/rpc-sink.smithy` are generated, built, and talk over
//! loopback (`tests/rpc_sink/client.rs`, run in the client crate).

mod common;

use attached_files_codegen::ast::Ast;
use attached_files_codegen::{Settings, client, server};
use common::{GeneratedCrate, describe};

/// The client's tests run the server crate (written next to the client crate) on loopback, and
/// name both crates without their protocol.
fn dev_dependencies(server: &str) -> String {
    format!(
        r#"
[dev-dependencies]
rpc-sink-server-sdk = {{ package = "{server}", path = "../server/crate" }}
tokio = {{ version = "1.54.1", features = ["macros", "net", "rt-multi-thread"] }}
"#
    )
}

#[test]
fn rpc_protocols_connect_the_generated_client_and_server() {
    let codegen = common::workspace().join("codegen");
    let json = std::fs::read_to_string(codegen.join("tests/models/rpc-sink.json")).unwrap();
    let model = Ast::parse(&json).expect("the rpc-sink model parses");
    let tests = std::fs::read_to_string(codegen.join("tests/rpc_sink/client.rs")).unwrap();
    for protocol in ["awsJson1_0", "awsJson1_1", "rpcv2Cbor"] {
        // Each protocol's crates have their own names: they share one target directory, where cargo
        // keys a path package's build by its name, version and path relative to its workspace, and
        // those paths are alike, so same-named crates would pass for one another's fresh builds.
        let name = format!("rpc-sink-{}", protocol.to_ascii_lowercase().replace('_', "-"));
        let mut settings = Settings {
            service: "example.rpcsink#RpcSink".to_owned(),
            module: format!("{name}-server-sdk"),
            module_version: "0.1.0".to_owned(),
            validation_exceptions: vec![
                "example.rpcsink#ValidationException".to_owned(),
                "example.rpcsink#InvalidParameterException".to_owned(),
            ],
            source: "codegen/tests/models/rpc-sink.smithy".to_owned(),
            protocol: Some(protocol.to_owned()),
        };
        let server_crate = server::generate(&model, &settings).expect("the server generates");
        let server =
            GeneratedCrate::write(&format!("rpc-sink/{protocol}/server"), &settings.module, server_crate, "", &[]);

        let server_module = std::mem::replace(&mut settings.module, format!("{name}-client"));
        settings.validation_exceptions = Vec::new();
        let client_crate = client::generate(&model, &settings).expect("the client generates");
        // The tests call the client `rpc_sink_client`; the alias goes last, as inner doc comments
        // must open the file.
        let client_tests = format!("{tests}\nextern crate {} as rpc_sink_client;\n", settings.module.replace('-', "_"));
        let client = GeneratedCrate::write(
            &format!("rpc-sink/{protocol}"),
            &settings.module,
            client_crate,
            &dev_dependencies(&server_module),
            &[("tests/client.rs", client_tests.into_bytes())],
        );
        let output = client.cargo_test(&["--quiet"]);
        assert!(
            output.status.success(),
            "{protocol}: `cargo test` of the generated rpc-sink client in {} failed {}",
            client.dir.display(),
            describe(&output)
        );
        client.assert_clippy_clean();
        server.assert_clippy_clean();
    }
}
