//! Smithy's official protocol tests for restJson1, awsJson1_0, awsJson1_1 and rpcv2Cbor
//! (`../shared/conformance/*.json`, or the folder `SMITHY_CONFORMANCE_DIR`), generated into the
//! server and the client crates of their test services, compiled and run:
//! `conformance <protocol> <side>: N passed, M failed, K skipped`.
//!
//! Operations outside the generator's subset are left out by `conformance/excluded-operations.txt`
//! (each with the error the generator gives for it, which this test checks); test cases that are
//! not run are in `conformance/skipped-server-tests.txt` and `skipped-client-tests.txt`, each with
//! its reason. The suites' `smithy.test#eventStreamTests` cases (tests named `..._event_stream`)
//! are counted apart, after the others: `; event streams: N passed, M failed, K skipped`, with
//! the number of the suite's cases that apply to the other side only.
//!
//! `CONFORMANCE_PROTOCOLS=restJson1,rpcv2Cbor` runs those suites only (then skip-list entries of
//! the others are not checked for use).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use attached_files_codegen::ast::Ast;
use attached_files_codegen::{Error, File, Settings, client, server};
use common::{GeneratedCrate, describe};

/// The protocols' suites (files in `../shared/conformance/`, or in `SMITHY_CONFORMANCE_DIR`) and
/// the services of each that run: shape id, crate name (without `-server-sdk` or `-client`),
/// validation exception.
type Suite = (&'static str, &'static str, &'static [(&'static str, &'static str, Option<&'static str>)]);
const SUITES: [Suite; 4] = [
    (
        "restJson1",
        "restjson1.json",
        &[
            ("aws.protocoltests.restjson#RestJson", "rest-json", None),
            (
                "aws.protocoltests.restjson.validation#RestJsonValidation",
                "rest-json-validation",
                Some("smithy.framework#ValidationException"),
            ),
        ],
    ),
    (
        "awsJson1_0",
        "awsjson1_0.json",
        &[
            ("aws.protocoltests.json10#JsonRpc10", "json-rpc10", None),
            ("aws.protocoltests.json10#QueryCompatibleJsonRpc10", "query-compatible-json-rpc10", None),
        ],
    ),
    (
        "awsJson1_1",
        "awsjson1_1.json",
        &[
            ("aws.protocoltests.json#JsonProtocol", "json-protocol", None),
            ("com.amazonaws.machinelearning#AmazonML_20141212", "machine-learning", None),
        ],
    ),
    ("rpcv2Cbor", "rpcv2cbor.json", &[("smithy.protocoltests.rpcv2Cbor#RpcV2Protocol", "rpc-v2-cbor", None)]),
];

type Generate = fn(&Ast, &Settings) -> Result<Vec<File>, Error>;

/// `key: reason` lines, `#` comments and blank lines ignored.
fn read_list(name: &str) -> BTreeMap<String, String> {
    let path = common::workspace().join("codegen/tests/conformance").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (key, reason) = line.split_once(": ").unwrap_or_else(|| panic!("{name}: no `: reason` in {line:?}"));
            (key.trim().to_owned(), reason.trim().to_owned())
        })
        .collect()
}

/// The folder of the suites, if it is there.
fn suite_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SMITHY_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => common::workspace().join("../shared/conformance"),
    };
    dir.join("restjson1.json").exists().then_some(dir)
}

#[test]
fn conformance_server() {
    run("server", "server-sdk", server::generate);
}

#[test]
fn conformance_client() {
    run("client", "client", client::generate);
}

/// Generates one side's crates of every suite's services, runs their protocol tests, reports one
/// line per protocol.
fn run(side: &str, crate_suffix: &str, generate: Generate) {
    let Some(dir) = suite_dir() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the conformance suites are missing: set SMITHY_CONFORMANCE_DIR or provide ../shared/conformance/"
        );
        report(&format!(
            "conformance {side}: skipped, the suites are missing (SMITHY_CONFORMANCE_DIR, ../shared/conformance/)"
        ));
        return;
    };
    let excluded = read_list("excluded-operations.txt");
    let skipped = read_list(&format!("skipped-{side}-tests.txt"));
    let mut unused_skips: Vec<&String> = skipped.keys().collect();
    let mut failed = Vec::new();
    let only = std::env::var("CONFORMANCE_PROTOCOLS").ok();
    let chosen = |protocol: &str| only.as_deref().is_none_or(|only| only.split(',').any(|p| p.trim() == protocol));
    for (protocol, file, services) in SUITES {
        if !chosen(protocol) {
            continue;
        }
        let path = dir.join(file);
        let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (mut passed, mut failed_here, mut skipped_count) = (0, 0, 0);
        // The event-stream tests' counts, and the suite's cases that apply to the other side only.
        let (mut es_passed, mut es_failed, mut es_skipped, mut es_cases, mut es_elsewhere) = (0, 0, 0, 0, 0);
        for (service, name, validation_exception) in services {
            let module = format!("{name}-{crate_suffix}");
            let validation_exception = validation_exception.filter(|_| side == "server");
            let settings = settings(service, &module, validation_exception, Some(protocol), &path);
            let namespace = service.split('#').next().unwrap();
            let left_out: Vec<String> =
                excluded.keys().filter(|op| op.split('#').next() == Some(namespace)).cloned().collect();
            check_exclusions(&json, &settings, &left_out, &excluded, generate);
            let (here_cases, elsewhere) = event_stream_tests(&json, service, protocol, &left_out, side);
            es_cases += here_cases;
            es_elsewhere += elsewhere;

            let mut model = Ast::parse(&json).unwrap();
            model.exclude_operations(service, &left_out).unwrap();
            let generated = generate(&model, &settings).unwrap_or_else(|e| panic!("{service}: {e}"));
            let sdk = GeneratedCrate::write(&format!("conformance/{module}"), &module, generated, "", &[]);

            let mut args = vec!["--lib", "--", "--exact"];
            let skips: Vec<String> = skipped.keys().map(|name| format!("protocol_tests::{name}")).collect();
            for skip in &skips {
                args.extend(["--skip", skip.as_str()]);
            }
            let listed = sdk.cargo_test(&["--lib", "--", "--list"]);
            assert!(listed.status.success(), "{module} does not build {}", describe(&listed));
            let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
            let output = sdk.cargo_test(&args);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let failed_before = failed.len();
            for line in stdout.lines() {
                let Some(rest) = line.strip_prefix("test protocol_tests::") else { continue };
                let Some((name, status)) = rest.rsplit_once(" ... ") else { continue };
                let event_stream = name.ends_with("_event_stream");
                match status {
                    "ok" if event_stream => es_passed += 1,
                    "ok" => passed += 1,
                    _ if status.starts_with("ignored") && event_stream => es_skipped += 1,
                    _ if status.starts_with("ignored") => skipped_count += 1,
                    _ => {
                        if event_stream {
                            es_failed += 1;
                        } else {
                            failed_here += 1;
                        }
                        failed.push(format!("{module}: {name}"));
                    }
                }
            }
            // Skip-list entries of this crate (the others belong to another crate).
            let here = |name: &&String| listed.contains(&format!("protocol_tests::{name}: test"));
            let skips_here: Vec<&String> = skipped.keys().filter(here).collect();
            es_skipped += skips_here.iter().filter(|name| name.ends_with("_event_stream")).count();
            skipped_count += skips_here.iter().filter(|name| !name.ends_with("_event_stream")).count();
            let listed_event_streams = listed.lines().filter(|l| l.ends_with("_event_stream: test")).count();
            assert_eq!(
                listed_event_streams, here_cases,
                "{module}: the crate has {listed_event_streams} event-stream tests for {here_cases} cases of the suite"
            );
            unused_skips.retain(|name| !here(name));
            if !output.status.success() && failed.len() == failed_before {
                panic!("{module}: cargo test failed without a failing test {}", describe(&output));
            }
            sdk.assert_clippy_clean();
        }
        let event_streams = match (es_cases, es_elsewhere) {
            (0, 0) => String::new(),
            _ => format!(
                "; event streams: {es_passed} passed, {es_failed} failed, {es_skipped} skipped \
                 ({es_elsewhere} more cases apply to {} only)",
                if side == "server" { "clients" } else { "servers" }
            ),
        };
        report(&format!(
            "conformance {protocol} {side}: {passed} passed, {failed_here} failed, {skipped_count} skipped{event_streams}"
        ));
    }
    assert!(
        only.is_some() || unused_skips.is_empty(),
        "skipped-{side}-tests.txt lists tests that no generated crate has (take them off): {unused_skips:?}"
    );
    assert!(
        failed.is_empty(),
        "failing conformance tests (fix them, or list them with a reason in skipped-{side}-tests.txt):\n{}",
        failed.join("\n")
    );
}

fn settings(
    service: &str,
    module: &str,
    validation_exception: Option<&str>,
    protocol: Option<&str>,
    source: &std::path::Path,
) -> Settings {
    Settings {
        service: service.to_owned(),
        module: module.to_owned(),
        module_version: "0.1.0".to_owned(),
        validation_exceptions: validation_exception.map(str::to_owned).into_iter().collect(),
        source: source.display().to_string(),
        protocol: protocol.map(str::to_owned),
    }
}

/// A line straight to stderr, past the test harness's capture, so that it shows in every run.
fn report(line: &str) {
    std::io::Write::write_all(&mut std::io::stderr(), format!("{line}\n").as_bytes()).unwrap();
}

/// The `smithy.test#eventStreamTests` cases for `protocol` on the service's operations that are
/// generated (those not left out): how many apply to `side`, and how many to the other side only.
fn event_stream_tests(json: &str, service: &str, protocol: &str, left_out: &[String], side: &str) -> (usize, usize) {
    let model: serde_json::Value = serde_json::from_str(json).unwrap();
    let shapes = &model["shapes"];
    let operations = shapes[service]["operations"].as_array().into_iter().flatten();
    let generated = operations.filter_map(|op| op["target"].as_str()).filter(|op| !left_out.iter().any(|o| o == op));
    let cases =
        generated.flat_map(|op| shapes[op]["traits"]["smithy.test#eventStreamTests"].as_array().into_iter().flatten());
    let cases: Vec<&serde_json::Value> =
        cases.filter(|case| case["protocol"].as_str().and_then(|p| p.split('#').nth(1)) == Some(protocol)).collect();
    let applies = |case: &&&serde_json::Value| case["appliesTo"].as_str().is_none_or(|to| to == side);
    let here = cases.iter().filter(applies).count();
    (here, cases.len() - here)
}

/// Every left-out operation is one the generator refuses on its own, for the listed reason.
fn check_exclusions(
    json: &str,
    settings: &Settings,
    left_out: &[String],
    reasons: &BTreeMap<String, String>,
    generate: Generate,
) {
    let all: Vec<String> =
        Ast::parse(json).unwrap().shapes[&settings.service].operations.iter().map(|op| op.target.clone()).collect();
    for op in left_out {
        assert!(all.contains(op), "excluded-operations.txt: {} has no operation {op}", settings.service);
        let mut model = Ast::parse(json).unwrap();
        let others: Vec<String> = all.iter().filter(|o| *o != op).cloned().collect();
        model.exclude_operations(&settings.service, &others).unwrap();
        match generate(&model, settings) {
            Ok(_) => panic!("excluded-operations.txt: the generator supports {op} now; take it off the list"),
            Err(error) => assert!(
                error.0.contains(&reasons[op]),
                "excluded-operations.txt: {op} is listed for {:?} but the generator says {:?}",
                reasons[op],
                error.0
            ),
        }
    }
}
