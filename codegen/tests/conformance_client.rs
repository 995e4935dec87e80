//! The client of Smithy's restJson1 protocol-test service (`../shared/conformance/restjson1.json`,
//! or the file named by `SMITHY_CONFORMANCE_AST`) is generated and compiles: every
//! feature of the subset that the suite's shapes use (recursive shapes, operations without input,
//! output or errors, unions, defaults, all bindings) yields valid code. Operations outside the
//! subset are left out as in `conformance.rs`.

mod common;

use std::path::PathBuf;

use attached_files_codegen::smithy::Model;
use attached_files_codegen::{Settings, client};
use common::{GeneratedCrate, describe};

const SERVICE: &str = "aws.protocoltests.restjson#RestJson";

fn suite_path() -> Option<PathBuf> {
    let path = match std::env::var_os("SMITHY_CONFORMANCE_AST") {
        Some(path) => PathBuf::from(path),
        None => common::workspace().join("../shared/conformance/restjson1.json"),
    };
    path.exists().then_some(path)
}

#[test]
fn the_protocol_test_services_client_compiles() {
    let Some(path) = suite_path() else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "the conformance suite is missing");
        eprintln!("conformance client: skipped, the suite is missing (SMITHY_CONFORMANCE_AST)");
        return;
    };
    let excluded =
        std::fs::read_to_string(common::workspace().join("codegen/tests/conformance/excluded-operations.txt")).unwrap();
    let namespace = SERVICE.split('#').next().unwrap();
    let left_out: Vec<String> = excluded
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(": ").map(|(op, _)| op.trim().to_owned()))
        .filter(|op| op.split('#').next() == Some(namespace))
        .collect();
    let mut model = Model::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    model.exclude_operations(SERVICE, &left_out).unwrap();
    let settings = Settings {
        service: SERVICE.to_owned(),
        module: "rest-json-client".to_owned(),
        module_version: "0.1.0".to_owned(),
        validation_exception: None,
        source: path.display().to_string(),
    };
    let generated = client::generate(&model, &settings).expect("the suite's client generates");
    let crate_ = GeneratedCrate::write("conformance-client", &settings.module, generated, "", &[]);
    // Builds the crate and its documentation example.
    let output = crate_.cargo_test(&["--quiet"]);
    assert!(output.status.success(), "the client in {} does not compile {}", crate_.dir.display(), describe(&output));
}
