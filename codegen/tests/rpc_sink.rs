//! Proves the RPC protocols end to end: for each of awsJson1_0, awsJson1_1 and rpcv2Cbor, the
//! server and the client of `tests/models/rpc-sink.smithy` are generated, built, and talk over
//! loopback (`tests/rpc_sink/client.rs`, run in the client crate).

mod common;

use attached_files_codegen::smithy::Model;
use attached_files_codegen::{Settings, client, server};
use common::{GeneratedCrate, describe};

/// The client's tests run the server crate (written next to the client crate) on loopback.
const DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
rpc-sink-server-sdk = { path = "../server/crate" }
tokio = { version = "1.54.1", features = ["macros", "net", "rt-multi-thread"] }
"#;

#[test]
fn rpc_protocols_connect_the_generated_client_and_server() {
    let codegen = common::workspace().join("codegen");
    let json = std::fs::read_to_string(codegen.join("tests/models/rpc-sink.json")).unwrap();
    let model = Model::parse(&json).expect("the rpc-sink model parses");
    let tests = std::fs::read(codegen.join("tests/rpc_sink/client.rs")).unwrap();
    for protocol in ["awsJson1_0", "awsJson1_1", "rpcv2Cbor"] {
        let mut settings = Settings {
            service: "example.rpcsink#RpcSink".to_owned(),
            module: "rpc-sink-server-sdk".to_owned(),
            module_version: "0.1.0".to_owned(),
            validation_exception: Some("example.rpcsink#ValidationException".to_owned()),
            source: "codegen/tests/models/rpc-sink.smithy".to_owned(),
            protocol: Some(protocol.to_owned()),
        };
        let server_crate = server::generate(&model, &settings).expect("the server generates");
        GeneratedCrate::write(&format!("rpc-sink/{protocol}/server"), &settings.module, server_crate, "", &[]);

        settings.module = "rpc-sink-client".to_owned();
        settings.validation_exception = None;
        let client_crate = client::generate(&model, &settings).expect("the client generates");
        let client = GeneratedCrate::write(
            &format!("rpc-sink/{protocol}"),
            &settings.module,
            client_crate,
            DEV_DEPENDENCIES,
            &[("tests/client.rs", tests.clone())],
        );
        let output = client.cargo_test(&["--quiet"]);
        assert!(
            output.status.success(),
            "{protocol}: `cargo test` of the generated rpc-sink client in {} failed {}",
            client.dir.display(),
            describe(&output)
        );
    }
}
