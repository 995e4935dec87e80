//! Proves the binary end to end on loopback: operator commands beside a running server on one
//! data directory, downloads of the exact bytes, a download and an upload in flight finishing
//! after SIGTERM, survival (of the files and of the attached-files
//! configuration) across SIGTERM and restart and across `kill -9` of an ingest and of the server
//! amid uploads and deletes, the default limits set by flags, one-line start-up errors, the move
//! to an external S3-compatible store (SeaweedFS) by configuration alone, and two replicas on one
//! PostgreSQL database and one external store serving one set of files, one configuration and
//! one set of access keys (made and deleted once, in the database); and the faults of those
//! engines under load: a PostgreSQL server crashed and started again, a SeaweedFS volume server
//! killed during uploads.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use attached_files::objects::S3Endpoint;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CASE_ARN: &str = "arn:aws:cases:us-east-1:111122223333:domain/d/case/c";

/// The binary on `data_dir`, whose key file has the tests' access key.
fn binary(data_dir: &Path) -> Command {
    common::allow_test_key(data_dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_attached-files-server"));
    command.arg("--data-dir").arg(data_dir).env("RUST_LOG", "warn");
    let storage = ["ATTACHED_FILES_DATABASE_URL", "ATTACHED_FILES_S3_ENDPOINT", "ATTACHED_FILES_PUBLIC_S3_ENDPOINT"];
    for var in storage.into_iter().chain(["ATTACHED_FILES_BUCKET"]) {
        command.env_remove(var);
    }
    command
}

fn run(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// The binary's `ingest`: the new file as GetAttachedFile's JSON body.
fn ingest(data_dir: &Path, file: &Path, status: &str, extra: &[&str]) -> Value {
    let output = run(binary(data_dir)
        .args(["ingest", "--instance-id", "inst-1", "--associated-resource-arn", CASE_ARN, "--status", status])
        .args(extra)
        .arg(file));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn file_id(file: &Value) -> &str {
    file["FileId"].as_str().unwrap()
}

/// The lines a `list` printed, one file each.
fn listed(output: Output) -> Vec<Value> {
    output.stdout.lines().map(|line| serde_json::from_str(&line.unwrap()).unwrap()).collect()
}

/// The server on an ephemeral port, stopped if a test fails, and the URL of its embedded
/// object store from its readiness line.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data_dir: &Path) -> (Server, String) {
    let (server, _, store_url) = serve_with(&mut binary(data_dir), &["--listen", "127.0.0.1:0"]);
    (server, store_url)
}

/// Runs `serve` with `args` and reads the API's and the object store's URLs from its readiness
/// line.
fn serve_with(command: &mut Command, args: &[&str]) -> (Server, String, String) {
    let command = command.args(["serve", "--embedded-s3-listen", "127.0.0.1:0"]).args(args);
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let server = Server(child);
    let (api, store) = line
        .trim()
        .strip_prefix("ready: API at ")
        .and_then(|rest| rest.split_once(", embedded object store at "))
        .and_then(|(api, rest)| Some((api, rest.split_once(", ")?.0)))
        .unwrap_or_else(|| panic!("unexpected readiness line {line:?}"));
    (server, api.to_owned(), store.to_owned())
}

/// The binary's `get`: GetAttachedFile's JSON body, with URLs for the server at `store_url`.
fn get(command: &mut Command, file_id: &str, store_url: &str) -> Value {
    let addr = store_url.strip_prefix("http://").unwrap();
    let output = run(command.args(["--embedded-s3-listen", addr, "get", "--instance-id", "inst-1"]).args([
        "--file-id",
        file_id,
        "--associated-resource-arn",
        CASE_ARN,
        "--url-expiry-in-seconds",
        "60",
    ]));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Downloads `body`'s URL with a plain HTTP client.
async fn download(body: &Value) -> Vec<u8> {
    let url = body["DownloadUrlMetadata"]["Url"].as_str().expect("an approved file has a URL");
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.bytes().await.unwrap().to_vec()
}

fn sample_file(dir: &Path, len: usize) -> (std::path::PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 253) as u8).collect();
    let path = dir.join("sample.pdf"); // an extension the default configuration allows
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

fn sigterm(server: &mut Server) {
    let status = Command::new("kill").args(["-TERM", &server.0.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = server.0.wait().unwrap();
    assert!(exit.success(), "the server exits cleanly on SIGTERM: {exit:?}");
}

#[tokio::test]
async fn operator_commands_share_the_data_directory_with_a_running_server_and_survive_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut server, api, url) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0"]);
    let (path, bytes) = sample_file(dir.path(), 1_000_003);

    let record = ingest(&data, &path, "PROCESSING", &["--tag", "team=blue", "--name", "report.pdf"]);
    assert_eq!((&record["FileName"], &record["FileSizeInBytes"]), (&"report.pdf".into(), &1_000_003.into()));
    assert_eq!(record["Tags"]["team"], "blue");
    let record = file_id(&record);

    let body = get(&mut binary(&data), record, &url);
    assert_eq!(body["FileStatus"], "PROCESSING");
    assert_eq!(body["FileSizeInBytes"], 1_000_003);
    assert!(body.get("DownloadUrlMetadata").is_none(), "{body}");

    let output = run(binary(&data)
        .args(["set-status", "--instance-id", "inst-1", "--file-id", record])
        .args(["--status", "APPROVED"]));
    let approved: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(approved["FileStatus"], "APPROVED");
    assert!(download(&get(&mut binary(&data), record, &url)).await == bytes);

    assert_eq!(listed(run(binary(&data).args(["list", "--instance-id", "inst-1"]))), [approved]);
    let updated =
        update_configuration(&api, TEST_KEY, "CASE", serde_json::json!({ "MaximumSizeLimitInBytes": 1000 })).await;

    sigterm(&mut server);
    let (mut server, api, url) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0"]);
    assert!(download(&get(&mut binary(&data), record, &url)).await == bytes, "the file is served after a restart");
    assert_eq!(describe_configuration(&api, TEST_KEY, "CASE").await, updated, "the configuration survives a restart");
    sigterm(&mut server);

    // Other defaults: they fill the members never set, and files already there stay served.
    let defaults = ["--default-max-file-size-bytes", "5000", "--default-allowed-extensions", "pdf,txt"];
    let (mut server, api, url) =
        serve_with(&mut binary(&data), &[&["--listen", "127.0.0.1:0"][..], &defaults].concat());
    let extensions = serde_json::json!({ "AllowedExtensions": [{ "Extension": "pdf" }, { "Extension": "txt" }] });
    let case = describe_configuration(&api, TEST_KEY, "CASE").await;
    assert_eq!((&case["MaximumSizeLimitInBytes"], &case["ExtensionConfiguration"]), (&1000.into(), &extensions));
    assert_eq!(case["LastModifiedTime"], updated["LastModifiedTime"]);
    let email = describe_configuration(&api, TEST_KEY, "EMAIL").await;
    assert_eq!((&email["MaximumSizeLimitInBytes"], &email["ExtensionConfiguration"]), (&5000.into(), &extensions));
    assert!(email.get("LastModifiedTime").is_none(), "{email}");
    assert!(download(&get(&mut binary(&data), record, &url)).await == bytes, "a file above the new limits");
    sigterm(&mut server);
}

#[tokio::test]
async fn sigterm_lets_a_download_and_an_upload_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (path, bytes) = sample_file(dir.path(), 64 << 20);
    common::allow_test_key(&data);
    let (mut server, api, url) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0"]);
    // Above the default limit of 20 MiB: the ingest allows the most a configuration may.
    let record = ingest(&data, &path, "APPROVED", &["--default-max-file-size-bytes", "104857600"]);
    let body = get(&mut binary(&data), file_id(&record), &url);
    let upload = &bytes[..8 << 20];
    let start =
        serde_json::json!({ "FileName": "up.pdf", "FileSizeInBytes": upload.len(), "FileUseCaseType": "ATTACHMENT" });
    let started = reqwest::Client::new().put(api_path(&api, None)).header("content-type", "application/json");
    let started = started.body(start.to_string());
    let started: Value =
        serde_json::from_slice(&common::send_signed(started).await.unwrap().bytes().await.unwrap()).unwrap();

    let mut response = reqwest::get(body["DownloadUrlMetadata"]["Url"].as_str().unwrap()).await.unwrap();
    let mut received = response.chunk().await.unwrap().unwrap().to_vec();
    assert!(received.len() < bytes.len(), "the download is still in flight");
    // The upload's PUT, by hand, so that half of its body is sent before the signal.
    let put_url = reqwest::Url::parse(started["UploadUrlMetadata"]["Url"].as_str().unwrap()).unwrap();
    let mut put = tokio::net::TcpStream::connect(put_url.socket_addrs(|| None).unwrap()[0]).await.unwrap();
    let host = format!("{}:{}", put_url.host_str().unwrap(), put_url.port().unwrap());
    let (path, query, length) = (put_url.path(), put_url.query().unwrap(), upload.len());
    let head =
        format!("PUT {path}?{query} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");
    put.write_all(head.as_bytes()).await.unwrap();
    put.write_all(&upload[..upload.len() / 2]).await.unwrap();

    let term = Command::new("kill").args(["-TERM", &server.0.id().to_string()]).status().unwrap();
    assert!(term.success());
    put.write_all(&upload[upload.len() / 2..]).await.unwrap();
    let mut answer = String::new();
    put.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "the upload is stored after SIGTERM: {answer}");
    while let Some(chunk) = response.chunk().await.unwrap() {
        received.extend_from_slice(&chunk);
    }
    assert!(received == bytes, "the whole file arrives after SIGTERM");
    assert!(server.0.wait().unwrap().success());

    // The bytes the upload PUT during the shutdown are there for Complete after a restart.
    let (mut server, api, url) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0"]);
    let file_id = started["FileId"].as_str().unwrap();
    let completed = common::send_signed(reqwest::Client::new().post(api_path(&api, Some(file_id)))).await.unwrap();
    assert_eq!(completed.status(), 200);
    assert!(download(&get(&mut binary(&data), file_id, &url)).await == upload);
    sigterm(&mut server);
}

#[tokio::test]
async fn kill_9_of_an_ingest_never_leaves_an_approved_file_without_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (path, _) = sample_file(dir.path(), 8 << 20);
    run(binary(&data).args(["list", "--instance-id", "inst-1"])); // creates the store and its key

    let mut completed = 0;
    for round in 0..12u64 {
        let mut child = binary(&data)
            .args(["ingest", "--instance-id", "inst-1", "--associated-resource-arn", CASE_ARN, "--status", "APPROVED"])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over start-up, Start, the upload, Complete and the verdict.
        std::thread::sleep(Duration::from_millis(round * 25));
        let _ = child.kill();
        if child.wait().unwrap().success() {
            completed += 1;
        }
    }

    let (mut server, url) = serve(&data);
    let files = listed(run(binary(&data).args(["list", "--instance-id", "inst-1"])));
    // An ingest killed before Complete leaves a started upload: PROCESSING, with no URL.
    let approved: Vec<&Value> = files.iter().filter(|file| file["FileStatus"] == "APPROVED").collect();
    assert!(approved.len() >= completed, "{} approved, {completed} ingests completed", approved.len());
    for file in &files {
        assert_eq!(file["FileSizeInBytes"], 8 << 20);
        let body = get(&mut binary(&data), file_id(file), &url);
        match body["FileStatus"].as_str() {
            Some("APPROVED") => assert_eq!(download(&body).await.len(), 8 << 20, "{body}"),
            _ => assert!(body.get("DownloadUrlMetadata").is_none(), "{body}"),
        }
    }
    sigterm(&mut server);
}

#[test]
fn start_up_errors_are_one_line_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();

    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let cases: [(Vec<&str>, &str, &Path); 5] = [
        (
            vec!["serve", "--listen", "127.0.0.1:0", "--embedded-s3-listen", &addr],
            "error: cannot listen on",
            dir.path(),
        ),
        (
            vec!["serve", "--listen", &addr, "--embedded-s3-listen", "127.0.0.1:0"],
            "error: cannot listen on",
            dir.path(),
        ),
        (vec!["list", "--instance-id", "i"], "error: cannot create data directory", &file),
        (vec!["serve", "--embedded-s3-listen", "nowhere"], "invalid value 'nowhere'", dir.path()),
        (vec!["serve", "--max-concurrent-requests", "0"], "invalid value '0'", dir.path()),
    ];
    for (args, expected, data_dir) in cases {
        let output = binary(&data_dir.join("data")).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// The tests' SeaweedFS cluster (a master, two volume servers, a filer and the S3 gateway, each a
/// process; `scripts/test` starts it and names it in `ATTACHED_FILES_TEST_S3_ENDPOINT` and
/// `ATTACHED_FILES_TEST_S3_KEY`). Tests share one bucket: the server's object keys hold the
/// FileId, a fresh UUID, and each bucket is a collection SeaweedFS grows volumes for. None outside
/// `scripts/test`, a failure under `CI=true`.
struct ExternalStore {
    url: String,
    key: (String, String),
    bucket: String,
}

impl ExternalStore {
    fn get() -> Option<Self> {
        let (Ok(url), Ok(key)) =
            (std::env::var("ATTACHED_FILES_TEST_S3_ENDPOINT"), std::env::var("ATTACHED_FILES_TEST_S3_KEY"))
        else {
            let ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
            assert!(!ci, "ATTACHED_FILES_TEST_S3_ENDPOINT is not set: run the tests with scripts/test");
            eprintln!("SeaweedFS not tested: ATTACHED_FILES_TEST_S3_ENDPOINT is not set (scripts/test sets it)");
            return None;
        };
        let (id, secret) = key.split_once(':').expect("ATTACHED_FILES_TEST_S3_KEY is ID:SECRET");
        let bucket = "attached-files-tests".to_owned();
        Some(Self { url, key: (id.to_owned(), secret.to_owned()), bucket })
    }

    /// The flags and credentials that point `command` at this store.
    fn configure<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command
            .args(["--s3-endpoint", &self.url, "--s3-path-style", "--bucket", &self.bucket])
            .env("AWS_ACCESS_KEY_ID", &self.key.0)
            .env("AWS_SECRET_ACCESS_KEY", &self.key.1)
            .env("AWS_CONFIG_FILE", "/dev/null")
    }
}

#[tokio::test]
async fn configuration_alone_moves_the_bytes_to_an_external_store() {
    let Some(store) = ExternalStore::get() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (path, bytes) = sample_file(dir.path(), 300_000);

    let external = |data: &Path| {
        let mut command = binary(data);
        store.configure(&mut command);
        command
    };
    let record = {
        let mut command = external(&data);
        command.args(["ingest", "--instance-id", "inst-1", "--associated-resource-arn", CASE_ARN]);
        serde_json::from_slice::<Value>(&run(command.args(["--status", "APPROVED"]).arg(&path)).stdout).unwrap()
    };
    let record = file_id(&record);
    assert!(!data.join("objects").exists(), "nothing is written to the embedded store");

    let endpoint = S3Endpoint {
        url: Some(store.url.clone()),
        region: "us-east-1".into(),
        force_path_style: true,
        credentials: Some(store.key.clone()),
    };
    let key = format!("inst-1/{record}");
    let stored = endpoint.client().await.get_object().bucket(&store.bucket).key(key).send().await;
    let stored = stored.unwrap().body.collect().await.unwrap().into_bytes();
    assert!(stored == bytes, "the bytes are in the external store");

    let body = get(&mut external(&data), record, "http://127.0.0.1:1");
    let url = body["DownloadUrlMetadata"]["Url"].as_str().unwrap();
    assert!(url.starts_with(&store.url), "{url}");
    assert!(download(&body).await == bytes, "the external store's pre-signed URL downloads the file");
}

#[tokio::test]
async fn serve_logs_one_line_per_request_and_each_internal_error_with_its_cause_and_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (path, _) = sample_file(dir.path(), 1000);
    let approved = ingest(&data, &path, "APPROVED", &[]);
    let damaged = ingest(&data, &path, "APPROVED", &[]);
    let db = rusqlite::Connection::open(data.join("metadata.sqlite3")).unwrap();
    db.execute("UPDATE attached_files SET record = 'not a record' WHERE file_id = ?1", [file_id(&damaged)]).unwrap();

    let log = dir.path().join("serve.log");
    let mut command = binary(&data);
    // The API's address from the environment this time.
    command.env("RUST_LOG", "info").env("ATTACHED_FILES_LISTEN", "127.0.0.1:0");
    command.stderr(std::fs::File::create(&log).unwrap());
    let (mut server, api, _) = serve_with(&mut command, &[]);

    let arn = CASE_ARN.replace(':', "%3A").replace('/', "%2F");
    let mut answers = Vec::new();
    for (file_id, status) in [(file_id(&approved), 200), ("no-such-file", 404), (file_id(&damaged), 500)] {
        let url = format!("{api}/attached-files/inst-1/{file_id}?associatedResourceArn={arn}");
        let response = common::send_signed(reqwest::Client::new().get(url)).await.unwrap();
        assert_eq!(response.status(), status);
        let id = response.headers()["x-amzn-requestid"].to_str().unwrap().to_owned();
        let body = response.text().await.unwrap();
        assert!(!body.contains("corrupt"), "the cause is not told: {body}");
        answers.push((id, status));
    }
    let ping = reqwest::get(format!("{api}/ping")).await.unwrap();
    answers.push((ping.headers()["x-amzn-requestid"].to_str().unwrap().to_owned(), 200));
    sigterm(&mut server);

    let log = std::fs::read_to_string(&log).unwrap();
    let request_lines: Vec<&str> = log.lines().filter(|l| l.contains("attached_files_server::request")).collect();
    assert_eq!(request_lines.len(), answers.len(), "one line per request:\n{log}");
    for (id, status) in &answers {
        let line = request_lines.iter().find(|l| l.contains(&format!("request_id={id} "))).expect(id);
        assert!(line.contains(&format!("status={status} ")) && line.contains("latency_us="), "{line}");
        assert!(line.contains("method=GET") && line.contains("path=/"), "{line}");
    }
    let operations: Vec<bool> = request_lines.iter().map(|l| l.contains("operation=GetAttachedFile ")).collect();
    assert_eq!(operations, [true, true, true, false], "the health check is no operation:\n{log}");
    let failed = &answers[2].0;
    let error = log.lines().find(|l| l.contains("ERROR")).expect("the internal error is logged");
    assert!(error.contains(failed) && error.contains("corrupt record"), "cause and request id: {error}");
}

/// The API's path for a file of inst-1, with CASE_ARN in the query.
fn api_path(api: &str, file_id: Option<&str>) -> String {
    let arn = CASE_ARN.replace(':', "%3A").replace('/', "%2F");
    let file = file_id.map(|id| format!("/{id}")).unwrap_or_default();
    format!("{api}/attached-files/inst-1{file}?associatedResourceArn={arn}")
}

/// The API's path for inst-1's attached-files configuration of `scope`.
fn configuration_path(api: &str, scope: &str) -> String {
    format!("{api}/attached-files-configurations/inst-1/{scope}")
}

/// The tests' key, which `binary` puts in the key file of every data directory.
const TEST_KEY: (&str, &str) = (common::KEY_ID, common::SECRET);

/// DescribeAttachedFilesConfiguration of inst-1's `scope` on `api`, signed with `key`: the
/// configuration.
async fn describe_configuration(api: &str, key: (&str, &str), scope: &str) -> Value {
    let answer = reqwest::Client::new().get(configuration_path(api, scope));
    let answer = common::send_signed_with(answer, key).await.unwrap();
    assert_eq!(answer.status(), 200);
    let body: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    body["AttachedFilesConfiguration"].clone()
}

/// UpdateAttachedFilesConfiguration of inst-1's `scope` on `api` with `body`, signed with `key`:
/// its answer, once acknowledged.
async fn update_configuration(api: &str, key: (&str, &str), scope: &str, body: Value) -> Value {
    let update = reqwest::Client::new().post(configuration_path(api, scope)).header("content-type", "application/json");
    let answer = common::send_signed_with(update.body(body.to_string()), key).await.unwrap();
    assert_eq!(answer.status(), 200);
    serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap()
}

/// Start, PUT and Complete through the API; the FileId once Complete was answered 200.
async fn upload(http: &reqwest::Client, api: &str, bytes: &[u8]) -> Option<String> {
    let start = serde_json::json!({
        "FileName": "f.pdf", "FileSizeInBytes": bytes.len(), "FileUseCaseType": "ATTACHMENT"
    });
    let started = http.put(api_path(api, None)).header("content-type", "application/json").body(start.to_string());
    let started: Value = serde_json::from_slice(&common::send_signed(started).await.ok()?.bytes().await.ok()?).ok()?;
    let file_id = started["FileId"].as_str()?.to_owned();
    let url = started["UploadUrlMetadata"]["Url"].as_str()?;
    let put = http.put(url).header("content-length", bytes.len()).body(bytes.to_vec()).send().await.ok()?;
    if put.status() != 200 {
        return None;
    }
    let completed = common::send_signed(http.post(api_path(api, Some(&file_id)))).await.ok()?;
    (completed.status() == 200).then_some(file_id)
}

#[tokio::test]
async fn kill_9_during_uploads_and_deletes_loses_no_completed_file_and_no_url_lacks_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bytes: Vec<u8> = (0..1_000_000).map(|i| (i * 7 % 253) as u8).collect();
    let http = reqwest::Client::new();
    let mut completed: Vec<String> = Vec::new();
    let (mut deleted, mut victims_of_all_rounds): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut limit = 20 * 1024 * 1024; // the default, until the first Update
    for round in 0..6u64 {
        let (mut server, api, _) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0"]);
        // The limit acknowledged before the last kill holds; a new one, acknowledged before this
        // round's kill.
        assert_eq!(describe_configuration(&api, TEST_KEY, "CASE").await["MaximumSizeLimitInBytes"], limit);
        limit = 2_000_000 + round;
        let updated =
            update_configuration(&api, TEST_KEY, "CASE", serde_json::json!({ "MaximumSizeLimitInBytes": limit })).await;
        assert_eq!(updated["MaximumSizeLimitInBytes"], limit);
        // Files to delete this round, then uploads and deletes at once, cut short by kill -9.
        for _ in 0..3 {
            completed.extend(upload(&http, &api, &bytes).await);
        }
        let victims: Vec<String> = completed.iter().rev().take(2).cloned().collect();
        victims_of_all_rounds.extend(victims.iter().cloned());
        let mut work = tokio::task::JoinSet::new();
        for _ in 0..3 {
            let (http, api, bytes) = (http.clone(), api.clone(), bytes.clone());
            work.spawn(async move { (upload(&http, &api, &bytes).await, None) });
        }
        for victim in victims {
            let (http, api) = (http.clone(), api.clone());
            work.spawn(async move {
                let answer = common::send_signed(http.delete(api_path(&api, Some(&victim)))).await;
                (None, answer.is_ok_and(|answer| answer.status() == 200).then_some(victim))
            });
        }
        tokio::time::sleep(Duration::from_millis(5 + round * 20)).await;
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();
        while let Some(done) = work.join_next().await {
            let (uploaded, removed) = done.unwrap();
            completed.extend(uploaded);
            deleted.extend(removed);
        }
    }

    let (mut server, api, store) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0"]);
    assert!(completed.len() >= 18 && !deleted.is_empty(), "{} completed, {} deleted", completed.len(), deleted.len());
    assert_eq!(describe_configuration(&api, TEST_KEY, "CASE").await["MaximumSizeLimitInBytes"], limit);
    for file_id in &completed {
        let answer = common::send_signed(http.get(api_path(&api, Some(file_id)))).await.unwrap();
        let status = answer.status().as_u16();
        let body: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        if deleted.contains(file_id) {
            assert_eq!(status, 404, "an acknowledged delete holds: {body}");
        } else if status == 200 {
            assert_eq!(body["FileStatus"], "APPROVED", "{body}");
            assert!(download(&body).await == bytes, "the URL of {file_id} downloads the whole file");
        } else {
            // Only a delete, acknowledged or cut short, takes a completed file away.
            assert!(victims_of_all_rounds.contains(file_id), "{file_id} was lost: {body}");
            assert_eq!(status, 404, "{body}");
        }
    }
    // Whatever the cuts left (started uploads, files completed without an answer), every file
    // with a URL has its bytes.
    for file in listed(run(binary(&data).args(["list", "--instance-id", "inst-1"]))) {
        let body = get(&mut binary(&data), file_id(&file), &store);
        match body["FileStatus"].as_str() {
            Some("APPROVED") => assert!(download(&body).await == bytes, "{body}"),
            _ => assert!(body.get("DownloadUrlMetadata").is_none(), "{body}"),
        }
    }
    sigterm(&mut server);
}

/// A database of its own on the tests' PostgreSQL server (`scripts/test` names it in
/// `ATTACHED_FILES_TEST_DATABASE_URL`); None outside `scripts/test`, a failure under `CI=true`.
async fn fresh_postgres_database() -> Option<String> {
    let Ok(admin) = std::env::var("ATTACHED_FILES_TEST_DATABASE_URL") else {
        let ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
        assert!(!ci, "ATTACHED_FILES_TEST_DATABASE_URL is not set: run the tests with scripts/test");
        eprintln!("PostgreSQL not tested: ATTACHED_FILES_TEST_DATABASE_URL is not set (scripts/test sets it)");
        return None;
    };
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let name = format!("attached_files_test_{}", uuid::Uuid::new_v4().simple());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    Some(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
}

/// `serve` on the PostgreSQL `database` and the external `store`: the server and its API's URL.
fn external_replica(data_dir: &Path, database: &str, store: &ExternalStore) -> (Server, String) {
    external_replica_with(data_dir, database, store, |_| {})
}

/// [`external_replica`], its command first changed by `adjust`.
fn external_replica_with(
    data_dir: &Path,
    database: &str,
    store: &ExternalStore,
    adjust: impl FnOnce(&mut Command),
) -> (Server, String) {
    let mut command = binary(data_dir);
    store.configure(command.args(["--database-url", database])).args(["serve", "--listen", "127.0.0.1:0"]);
    adjust(&mut command);
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let api = line.trim().strip_prefix("ready: API at ").and_then(|rest| rest.split_once(", external object store,"));
    let api = api.map(|(api, _)| api);
    let api = api.unwrap_or_else(|| panic!("unexpected readiness line {line:?}")).to_owned();
    (Server(child), api)
}

/// The key a `keys create` printed as the AWS CLI's environment: its id and its secret.
fn created_key(created: Output) -> (String, String) {
    let env: Vec<(String, String)> = String::from_utf8(created.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (name, value) = line.strip_prefix("export ").and_then(|l| l.split_once('=')).expect(line);
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let names: Vec<&str> = env.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    (env[0].1.clone(), env[1].1.clone())
}

/// The binary's `keys` command `args` on the PostgreSQL `database`, run by an operator whose
/// data directory is none of the replicas'.
fn database_keys(dir: &Path, database: &str, args: &[&str]) -> Output {
    run(binary(&dir.join("operator")).args(["--database-url", database, "keys"]).args(args))
}

/// The `X-Amzn-Errortype` of a 403, or None for any other status.
fn refusal(answer: &reqwest::Response) -> Option<String> {
    let error = answer.headers().get("x-amzn-errortype").map(|v| v.to_str().unwrap().to_owned());
    (answer.status() == 403).then(|| error.unwrap_or_default())
}

#[tokio::test]
async fn two_replicas_on_postgres_and_an_external_store_serve_one_set_of_files_with_one_set_of_keys() {
    let Some(database) = fresh_postgres_database().await else { return };
    let Some(store) = ExternalStore::get() else { return };
    let dir = tempfile::tempdir().unwrap();
    let replica = |name: &str| external_replica(&dir.path().join(name), &database, &store);
    let ((mut a, a_api), (mut b, b_api)) = (replica("a"), replica("b"));
    let http = reqwest::Client::new();
    let bytes = b"one file, two replicas".to_vec();

    // One key, made once in the database while both replicas run; no key file is copied.
    let (id, secret) = created_key(database_keys(dir.path(), &database, &["create", "--instance", "inst-1"]));
    let key = (id.as_str(), secret.as_str());
    let listed = String::from_utf8(database_keys(dir.path(), &database, &["list"]).stdout).unwrap();
    assert!(listed.contains(&format!("{id}  instances: inst-1  operations: *")), "{listed}");
    assert!(!listed.contains(&secret) && !listed.contains(common::KEY_ID), "only the database's key: {listed}");
    // The key files of the replicas' data directories (with the tests' key) are not read.
    for api in [&a_api, &b_api] {
        let answer = common::send_signed_with(http.get(api_path(api, Some("f"))), TEST_KEY).await.unwrap();
        assert_eq!(refusal(&answer).as_deref(), Some("UnrecognizedClientException"), "{api}");
    }

    // Start on A, retried on B with the same ClientToken: one file. Both take the new key at once.
    let start = serde_json::json!({
        "ClientToken": "replica-token", "FileName": "r.txt", "FileSizeInBytes": bytes.len(), "FileUseCaseType": "ATTACHMENT"
    });
    let mut answers = Vec::new();
    for api in [&a_api, &b_api] {
        let started = http.put(api_path(api, None)).header("content-type", "application/json").body(start.to_string());
        let started = common::send_signed_with(started, key).await.unwrap();
        assert_eq!(started.status(), 200);
        answers.push(serde_json::from_slice::<Value>(&started.bytes().await.unwrap()).unwrap());
    }
    assert_eq!(answers[0], answers[1], "a retry on another replica answers the same file and URL");
    let file_id = answers[0]["FileId"].as_str().unwrap().to_owned();
    let url = answers[0]["UploadUrlMetadata"]["Url"].as_str().unwrap();
    let put = http.put(url).header("content-length", bytes.len()).body(bytes.clone()).send().await.unwrap();
    assert_eq!(put.status(), 200);

    // Complete on B, Get on A, BatchGet on B, Delete on A, Get on B.
    let completed = common::send_signed_with(http.post(api_path(&b_api, Some(&file_id))), key).await.unwrap();
    assert_eq!(completed.status(), 200);
    let got = common::send_signed_with(http.get(api_path(&a_api, Some(&file_id))), key).await.unwrap();
    let got: Value = serde_json::from_slice(&got.bytes().await.unwrap()).unwrap();
    assert_eq!(got["FileStatus"], "APPROVED", "{got}");
    assert_eq!(got["CreatedBy"]["AWSIdentityArn"], format!("arn:aws:iam::000000000000:user/{id}"), "{got}");
    assert!(download(&got).await == bytes);
    let batch = http.post(api_path(&b_api, None)).header("content-type", "application/json");
    let batch = batch.body(serde_json::json!({ "FileIds": [file_id] }).to_string());
    let batch = common::send_signed_with(batch, key).await.unwrap();
    let batch: Value = serde_json::from_slice(&batch.bytes().await.unwrap()).unwrap();
    assert_eq!(batch["Files"][0]["FileId"], file_id.as_str(), "{batch}");
    let deleted = common::send_signed_with(http.delete(api_path(&a_api, Some(&file_id))), key).await.unwrap();
    assert_eq!(deleted.status(), 200);
    let gone = common::send_signed_with(http.get(api_path(&b_api, Some(&file_id))), key).await.unwrap();
    assert_eq!(gone.status(), 404);

    // A configuration updated on A: B describes it and obeys it at once.
    let updated = update_configuration(&a_api, key, "CASE", serde_json::json!({ "MaximumSizeLimitInBytes": 10 })).await;
    assert_eq!(describe_configuration(&b_api, key, "CASE").await, updated);
    let too_big = serde_json::json!({ "FileName": "big.txt", "FileSizeInBytes": 11, "FileUseCaseType": "ATTACHMENT" });
    let too_big = http.put(api_path(&b_api, None)).header("content-type", "application/json").body(too_big.to_string());
    let too_big = common::send_signed_with(too_big, key).await.unwrap();
    assert_eq!(too_big.status(), 400);
    let too_big: Value = serde_json::from_slice(&too_big.bytes().await.unwrap()).unwrap();
    assert_eq!(
        too_big["Reason"],
        serde_json::json!({ "AttachedFileInvalidRequestExceptionReason": "INVALID_FILE_SIZE" })
    );

    // Deleted once, in the database: both replicas, which hold the key in memory, refuse it
    // within a reload (a second), plus the slack of a loaded machine's scheduling and the query.
    database_keys(dir.path(), &database, &["delete", &id]);
    let deleted_at = std::time::Instant::now();
    let deadline = attached_files_server::access::RELOAD_EVERY + Duration::from_millis(500);
    for api in [&a_api, &b_api] {
        loop {
            let answer = common::send_signed_with(http.get(api_path(api, Some("f"))), key).await.unwrap();
            if let Some(error) = refusal(&answer) {
                assert_eq!(error, "UnrecognizedClientException", "{api}");
                break;
            }
            assert_eq!(answer.status(), 404, "{api}: the key still works, on a file that is not there");
            assert!(deleted_at.elapsed() < deadline, "{api} still takes the key {:?} after", deleted_at.elapsed());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    eprintln!("both replicas refused the deleted key {:?} after `keys delete`", deleted_at.elapsed());
    let listed = String::from_utf8(database_keys(dir.path(), &database, &["list"]).stdout).unwrap();
    assert!(!listed.contains(&id), "{listed}");
    sigterm(&mut a);
    sigterm(&mut b);
}

/// One upload through aws-sdk-connect, started on `start` and completed on `complete`: the
/// FileId once started, and whether Complete was acknowledged.
async fn upload_across(
    start: &aws_sdk_connect::Client,
    complete: &aws_sdk_connect::Client,
    bytes: &[u8],
) -> (Option<String>, bool) {
    use aws_sdk_connect::types::FileUseCaseType;
    let started = start
        .start_attached_file_upload()
        .instance_id("inst-1")
        .associated_resource_arn(CASE_ARN)
        .file_name("r.pdf")
        .file_size_in_bytes(bytes.len() as i64)
        .file_use_case_type(FileUseCaseType::Attachment)
        .send()
        .await;
    let Ok(started) = started else { return (None, false) };
    let file_id = started.file_id().unwrap().to_owned();
    let url = started.upload_url_metadata().unwrap().url().unwrap();
    let put = reqwest::Client::new().put(url).header("content-length", bytes.len()).body(bytes.to_vec()).send().await;
    if !put.is_ok_and(|put| put.status() == 200) {
        return (Some(file_id), false);
    }
    let completed = complete.complete_attached_file_upload().instance_id("inst-1").file_id(&file_id);
    let completed = completed.associated_resource_arn(CASE_ARN).send().await;
    (Some(file_id), completed.is_ok())
}

#[tokio::test]
async fn three_replicas_lose_nothing_acknowledged_when_one_is_killed_mid_upload() {
    let Some(database) = fresh_postgres_database().await else { return };
    let Some(store) = ExternalStore::get() else { return };
    let dir = tempfile::tempdir().unwrap();
    let replica = |name: &str| external_replica(&dir.path().join(name), &database, &store);
    let (mut a, a_api) = replica("a");
    let (mut b, b_api) = replica("b");
    let (mut c, c_api) = replica("c");
    let (id, secret) = created_key(database_keys(dir.path(), &database, &["create", "--instance", "inst-1"]));
    let client = |api: &str| common::connect_client_with(api, (&id, &secret));
    let clients = [&a_api, &b_api, &c_api].map(|api| client(api));
    let bytes: Vec<u8> = (0..300_000).map(|i| (i * 7 % 253) as u8).collect();

    // Uploads started on one replica and completed on the next, then more at once while B is
    // killed with SIGKILL.
    let (mut started, mut acknowledged) = (Vec::new(), Vec::new());
    for i in 0..6 {
        let (file_id, completed) = upload_across(&clients[i % 3], &clients[(i + 1) % 3], &bytes).await;
        assert!(completed, "upload {i} with every replica up");
        started.extend(file_id.clone());
        acknowledged.extend(file_id);
    }
    let mut work = tokio::task::JoinSet::new();
    for i in 0..12 {
        let (start, complete, bytes) = (clients[i % 3].clone(), clients[(i + 1) % 3].clone(), bytes.clone());
        work.spawn(async move { upload_across(&start, &complete, &bytes).await });
    }
    tokio::time::sleep(Duration::from_millis(40)).await;
    b.0.kill().unwrap();
    b.0.wait().unwrap();
    while let Some(done) = work.join_next().await {
        let (file_id, completed) = done.unwrap();
        if completed {
            acknowledged.extend(file_id.clone());
        }
        started.extend(file_id);
    }

    // Every acknowledged upload is there, with its bytes, on both survivors; every file any
    // replica reports as approved downloads whole.
    let (_b, b_api) = replica("b");
    let survivors = [client(&a_api), client(&c_api), client(&b_api)];
    for file_id in &started {
        for client in &survivors {
            let got =
                client.get_attached_file().instance_id("inst-1").file_id(file_id).associated_resource_arn(CASE_ARN);
            let got = got.send().await.unwrap();
            match got.download_url_metadata().and_then(|d| d.url()) {
                Some(url) => assert!(reqwest::get(url).await.unwrap().bytes().await.unwrap() == bytes),
                None => assert!(!acknowledged.contains(file_id), "{file_id} was acknowledged but has no URL"),
            }
        }
    }
    eprintln!("{} uploads started, {} acknowledged", started.len(), acknowledged.len());
    assert!(acknowledged.len() >= 6, "{} acknowledged", acknowledged.len());
    sigterm(&mut a);
    sigterm(&mut c);
}

#[tokio::test]
async fn a_server_whose_database_role_may_only_read_the_keys_verifies_with_them_and_cannot_change_them() {
    let Some(database) = fresh_postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    // The owner's `keys create` makes the schema and the key.
    let (id, secret) = created_key(database_keys(dir.path(), &database, &["create", "--instance", "inst-1"]));

    // The servers' role, as the README grants it: the files' tables, and only reading the keys.
    let role = format!("attached_files_server_{}", uuid::Uuid::new_v4().simple());
    let (admin, connection) = tokio_postgres::connect(&database, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN;
             GRANT SELECT, INSERT, UPDATE, DELETE ON attached_files, instance_usage, attached_files_configurations,
                 cache_clock, record_caches TO {role};
             GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};
             GRANT SELECT ON access_keys, schema_version TO {role};"
        ))
        .await
        .unwrap();
    let mut server_url = reqwest::Url::parse(&database).unwrap();
    server_url.set_username(&role).unwrap();
    let server_url = server_url.to_string();

    let mut command = binary(&dir.path().join("server"));
    command.args(["--database-url", &server_url]);
    let (mut server, api, _) = serve_with(&mut command, &["--listen", "127.0.0.1:0"]);
    let http = reqwest::Client::new();
    let answer = common::send_signed_with(http.get(api_path(&api, Some("f"))), (&id, &secret)).await.unwrap();
    assert_eq!(answer.status(), 404, "verified with the database's key, then no such file");
    let refused = binary(&dir.path().join("server"))
        .args(["--database-url", &server_url, "keys", "create", "--instance", "inst-1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("permission denied for table access_keys"), "{stderr}");
    sigterm(&mut server);

    admin.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}")).await.unwrap();
}

/// The AWS CLI's GetAttachedFile of inst-1's `file_id` on `api`, signed with `key`: whether it
/// succeeded, and its stderr.
fn cli_get(api: &str, file_id: &str, key: (&str, &str), extra: &[&str]) -> (bool, String) {
    let file =
        ["get-attached-file", "--instance-id", "inst-1", "--file-id", file_id, "--associated-resource-arn", CASE_ARN];
    let (ok, _, stderr) = common::aws_connect(api, key, &[&file[..], extra].concat());
    (ok, stderr)
}

#[tokio::test]
async fn a_key_made_by_keys_create_lets_the_aws_cli_in_until_keys_delete_and_flags_change_the_checks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (path, _) = sample_file(dir.path(), 100);
    let file = ingest(&data, &path, "APPROVED", &[]);

    // `keys create` prints the key as the AWS CLI's environment: its id and its secret.
    let create = |args: &[&str]| created_key(run(binary(&data).args(["keys", "create"]).args(args)));
    let (id, secret) = create(&["--instance", "inst-1"]);
    let (id, secret) = (id.as_str(), secret.as_str());
    assert!(id.starts_with("AKIA") && id.len() == 20 && secret.len() == 40, "{id} {secret}");
    // A key for two operations, with an identity of its own.
    let reader_arn = "arn:aws:iam::111122223333:user/reader";
    let (reader, reader_secret) = create(&[
        "--instance",
        "inst-1",
        "--operation",
        "DescribeAttachedFilesConfiguration",
        "--operation",
        "StartAttachedFileUpload",
        "--identity-arn",
        reader_arn,
    ]);
    let mode = std::fs::metadata(data.join(attached_files_server::access::KEY_FILE)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the key file is the owner's only");
    let listed = String::from_utf8(run(binary(&data).args(["keys", "list"])).stdout).unwrap();
    assert!(listed.contains(&format!("{id}  instances: inst-1  operations: *")), "{listed}");
    assert!(!listed.contains(secret), "list shows no secret");
    let reader_line = listed.lines().find(|line| line.contains(&reader)).expect(&listed);
    assert!(reader_line.contains(reader_arn), "list shows the identity: {reader_line}");

    let (mut server, api, _) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0"]);
    let (ok, stderr) = cli_get(&api, file_id(&file), (id, secret), &[]);
    assert!(ok, "{stderr}");

    // The reader describes, starts files as its identity, and may do nothing else.
    let reader_key = (reader.as_str(), reader_secret.as_str());
    let case = ["--instance-id", "inst-1", "--attachment-scope", "CASE"];
    let (ok, _, stderr) =
        common::aws_connect(&api, reader_key, &[&["describe-attached-files-configuration"][..], &case].concat());
    assert!(ok, "{stderr}");
    let update =
        [&["update-attached-files-configuration"][..], &case, &["--maximum-size-limit-in-bytes", "1"]].concat();
    let (ok, _, stderr) = common::aws_connect(&api, reader_key, &update);
    assert!(!ok && stderr.contains("(AccessDeniedException)"), "{stderr}");
    let start = ["start-attached-file-upload", "--instance-id", "inst-1", "--associated-resource-arn", CASE_ARN];
    let start =
        [&start[..], &["--file-name", "r.txt", "--file-size-in-bytes", "3", "--file-use-case-type", "ATTACHMENT"]]
            .concat();
    let (ok, stdout, stderr) = common::aws_connect(&api, reader_key, &start);
    assert!(ok, "{stderr}");
    let started: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(started["CreatedBy"], serde_json::json!({ "AWSIdentityArn": reader_arn }), "{started}");
    let (ok, stderr) = cli_get(&api, file_id(&file), reader_key, &[]);
    assert!(!ok && stderr.contains("(AccessDeniedException)"), "{stderr}");
    let (ok, stderr) = cli_get(&api, file_id(&file), (id, secret), &["--no-sign-request"]);
    assert!(!ok && stderr.contains("(MissingAuthenticationTokenException)"), "{stderr}");

    run(binary(&data).args(["keys", "delete", id]));
    let mut refused = String::new();
    for _ in 0..30 {
        let (ok, stderr) = cli_get(&api, file_id(&file), (id, secret), &[]);
        if !ok {
            refused = stderr;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(refused.contains("(UnrecognizedClientException)"), "the deleted key is refused soon: {refused}");
    sigterm(&mut server);

    // Verification off, as the ready line says: unsigned calls get in.
    let mut command = binary(&data);
    command.args(["serve", "--listen", "127.0.0.1:0", "--embedded-s3-listen", "127.0.0.1:0", "--no-verify-signatures"]);
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let mut server = Server(child);
    assert!(line.trim_end().ends_with(", signatures NOT verified (--no-verify-signatures): anyone may call anything"));
    let api = line.strip_prefix("ready: API at ").and_then(|rest| rest.split_once(',')).unwrap().0;
    let (ok, stderr) = cli_get(api, file_id(&file), ("", ""), &["--no-sign-request"]);
    assert!(ok, "{stderr}");
    sigterm(&mut server);

    // --region: signatures for another region are refused.
    let key = (common::KEY_ID, common::SECRET);
    let (mut server, api, _) = serve_with(&mut binary(&data), &["--listen", "127.0.0.1:0", "--region", "eu-west-1"]);
    let (ok, stderr) = cli_get(&api, file_id(&file), key, &[]);
    assert!(!ok && stderr.contains("(InvalidSignatureException)"), "us-east-1 on a eu-west-1 server: {stderr}");
    let (ok, stderr) = cli_get(&api, file_id(&file), key, &["--region", "eu-west-1"]);
    assert!(ok, "{stderr}");
    sigterm(&mut server);
}

/// A PostgreSQL server of one test's own (Debian's binaries, as `scripts/lib/postgres.sh` uses),
/// on a free port, to be stopped and started under load; stopped when dropped.
struct PrivatePostgres {
    bin: std::path::PathBuf,
    data: std::path::PathBuf,
    port: u16,
    /// Whether the tests run as root, whom PostgreSQL refuses: its programs then run as `postgres`.
    root: bool,
    _dir: tempfile::TempDir,
}

impl PrivatePostgres {
    /// None (with a note) where PostgreSQL is not installed, a failure under `CI=true`.
    fn start() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|versions| {
            let mut bins: Vec<_> = versions.flatten().map(|v| v.path().join("bin")).filter(|b| b.exists()).collect();
            bins.sort();
            bins.pop()
        });
        let Some(bin) = bin else {
            assert!(!std::env::var("CI").is_ok_and(|ci| ci == "true"), "PostgreSQL is not installed");
            eprintln!("PostgreSQL faults not tested: no /usr/lib/postgresql/*/bin (scripts/test installs it)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap().trim() == "0";
        if root {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            assert!(Command::new("chown").arg("postgres").arg(&data).status().unwrap().success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = Self { bin, data, port, root, _dir: dir };
        let initdb = server.tool("initdb").args(["-U", "postgres", "-A", "trust", "-D"]).arg(&server.data).output();
        assert!(initdb.unwrap().status.success());
        server.up();
        Some(server)
    }

    /// One of PostgreSQL's programs, as the user that may run it.
    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        if self.root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn up(&self) {
        let options = format!("-p {} -c listen_addresses=127.0.0.1 -k {}", self.port, self.data.display());
        let mut pg_ctl = self.tool("pg_ctl");
        pg_ctl.arg("-D").arg(&self.data).args(["-w", "-l"]).arg(self.data.join("log"));
        let started = pg_ctl.args(["-o", &options, "start"]).stdout(Stdio::null()).status().unwrap();
        assert!(started.success());
    }

    /// Stops the server at once, as a crash would (`-m immediate`: no checkpoint, connections cut).
    fn crash(&self) {
        let mut pg_ctl = self.tool("pg_ctl");
        pg_ctl.arg("-D").arg(&self.data).args(["-m", "immediate", "stop"]);
        assert!(pg_ctl.stdout(Stdio::null()).status().unwrap().success());
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self.tool("pg_ctl").arg("-D").arg(&self.data).args(["-m", "immediate", "stop"]).output();
    }
}

/// What one call of the load in [`a_database_crash_under_load_costs_calls_while_it_is_down_and_nothing_after`] met.
#[derive(Debug, PartialEq, Eq, Hash, Clone)]
enum Met {
    Ok,
    /// The modeled error for a failure inside the service.
    InternalServiceException,
    /// The modeled error for a service too busy to answer.
    ThrottlingException,
    /// An upload whose Start or Complete failed (the PUT goes to the store, which stays up).
    UploadNotAcknowledged,
    Other(String),
}

#[tokio::test]
async fn a_database_crash_under_load_costs_calls_while_it_is_down_and_nothing_after() {
    let Some(postgres) = PrivatePostgres::start() else { return };
    let Some(store) = ExternalStore::get() else { return };
    let database = postgres.url();
    let dir = tempfile::tempdir().unwrap();
    // (Their logs would be hundreds of lines of the errors this test causes.)
    let quiet = |command: &mut Command| {
        command.stderr(Stdio::null());
    };
    let replica = |name: &str| external_replica_with(&dir.path().join(name), &database, &store, quiet);
    let ((mut a, a_api), (mut b, b_api)) = (replica("a"), replica("b"));
    let (id, secret) = created_key(database_keys(dir.path(), &database, &["create", "--instance", "inst-1"]));
    let clients = [&a_api, &b_api].map(|api| common::connect_client_with(api, (&id, &secret)));
    let bytes: Vec<u8> = (0..50_000).map(|i| (i * 7 % 253) as u8).collect();
    let (file_id, completed) = upload_across(&clients[0], &clients[1], &bytes).await;
    assert!(completed);
    let file_id = file_id.unwrap();

    // Load on both replicas: Gets of the file, and uploads started on one, completed on the other.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = tokio::task::JoinSet::new();
    for worker in 0..4 {
        let (clients, stop, bytes, file_id) = (clients.clone(), stop.clone(), bytes.clone(), file_id.clone());
        load.spawn(async move {
            let mut met = Vec::new();
            let mut n = worker;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let client = &clients[n % 2];
                let got = client.get_attached_file().instance_id("inst-1").file_id(&file_id);
                let got = got.associated_resource_arn(CASE_ARN).send().await;
                met.push((std::time::Instant::now(), classify(got.map(|_| ()))));
                if worker % 2 == 0 {
                    let (_, acknowledged) = upload_across(client, &clients[(n + 1) % 2], &bytes).await;
                    met.push((
                        std::time::Instant::now(),
                        if acknowledged { Met::Ok } else { Met::UploadNotAcknowledged },
                    ));
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            met
        });
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    postgres.crash();
    let crashed = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    postgres.up();
    let back = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(6)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut met = Vec::new();
    while let Some(done) = load.join_next().await {
        met.extend(done.unwrap());
    }

    // Before the crash every call succeeded; while the database was down the service answered
    // with its modeled error (or the upload around it failed); from a few seconds after it was
    // back (the pools reconnect on their next call), every call succeeded again.
    let recovered = back + Duration::from_secs(3);
    let mut counts = std::collections::HashMap::<(&str, Met), usize>::new();
    for (at, outcome) in &met {
        let phase = if *at < crashed {
            "before"
        } else if *at < recovered {
            "during"
        } else {
            "after"
        };
        match (phase, outcome) {
            ("before" | "after", Met::Ok) => {}
            ("during", Met::Ok | Met::InternalServiceException | Met::ThrottlingException) => {}
            ("during", Met::UploadNotAcknowledged) => {}
            _ => panic!("{phase} the crash: {outcome:?}"),
        }
        *counts.entry((phase, outcome.clone())).or_default() += 1;
    }
    eprintln!("calls around a PostgreSQL crash (2 s down): {counts:?}");
    assert!(counts.get(&("after", Met::Ok)).is_some_and(|n| *n > 20), "{counts:?}");

    // Both replicas' caches follow writes again: a delete on A is seen at once on B.
    let deleted = clients[0].delete_attached_file().instance_id("inst-1").file_id(&file_id);
    deleted.associated_resource_arn(CASE_ARN).send().await.unwrap();
    let gone = clients[1].get_attached_file().instance_id("inst-1").file_id(&file_id);
    let gone = gone.associated_resource_arn(CASE_ARN).send().await.unwrap_err();
    assert!(gone.into_service_error().is_resource_not_found_exception());
    sigterm(&mut a);
    sigterm(&mut b);
}

/// How a call through aws-sdk-connect ended.
fn classify<E: aws_sdk_connect::error::ProvideErrorMetadata>(
    result: Result<(), aws_sdk_connect::error::SdkError<E, aws_smithy_runtime_api::http::Response>>,
) -> Met {
    use aws_sdk_connect::error::ProvideErrorMetadata;
    match result {
        Ok(()) => Met::Ok,
        Err(e) if e.code() == Some("InternalServiceException") => Met::InternalServiceException,
        Err(e) if e.code() == Some("ThrottlingException") => Met::ThrottlingException,
        Err(e) => Met::Other(format!("{:?}", e.code())),
    }
}

/// A SeaweedFS cluster of one test's own, as `scripts/lib/seaweedfs.sh` builds the tests' (one
/// master keeping every volume on two volume servers, a filer, the S3 gateway, each a process),
/// with `volumes` volume servers, on free ports; its processes are killed when it is dropped.
struct PrivateSeaweedFs {
    store: ExternalStore,
    volume_servers: Vec<Child>,
    others: Vec<Child>,
    dir: tempfile::TempDir,
}

impl PrivateSeaweedFs {
    /// After the tests' own cluster (`ExternalStore::get`), which installs `weed` into .venv.
    async fn start(volumes: usize) -> Option<Self> {
        ExternalStore::get()?;
        let weed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/weed");
        let dir = tempfile::tempdir().unwrap();
        let spawn = |name: &str, args: &[String]| {
            let log = std::fs::File::create(dir.path().join(format!("{name}.log"))).unwrap();
            let mut command = Command::new(&weed);
            command.arg(name.split('-').next().unwrap()).args(["-ip=127.0.0.1", "-ip.bind=127.0.0.1"]);
            command.args(args).stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log);
            command.spawn().unwrap()
        };
        let at = |name: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir(&path).unwrap();
            path.display().to_string()
        };
        let [master, filer, s3] = [(); 3].map(|()| free_port_with_grpc());
        let mut others = vec![spawn(
            "master",
            &[
                format!("-port={master}"),
                format!("-mdir={}", at("master")),
                "-defaultReplication=001".into(),
                "-volumeSizeLimitMB=64".into(),
            ],
        )];
        let volume_servers = (1..=volumes)
            .map(|n| {
                let args = [
                    format!("-port={}", free_port_with_grpc()),
                    format!("-dir={}", at(&format!("volume-{n}"))),
                    "-max=64".into(),
                    format!("-master=127.0.0.1:{master}"),
                    "-dataCenter=dc1".into(),
                    "-rack=rack1".into(),
                ];
                spawn(&format!("volume-{n}"), &args)
            })
            .collect();
        let filer_args = [
            format!("-port={filer}"),
            format!("-master=127.0.0.1:{master}"),
            format!("-defaultStoreDir={}", at("filer")),
        ];
        others.push(spawn("filer", &filer_args));
        let key = ("private-test".to_owned(), "private-secret".to_owned());
        let config = dir.path().join("s3.json");
        let identity = serde_json::json!({"identities": [{"name": "tests",
            "credentials": [{"accessKey": key.0, "secretKey": key.1}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]});
        std::fs::write(&config, identity.to_string()).unwrap();
        let s3_args = [
            format!("-port={s3}"),
            "-port.iceberg=0".into(),
            "-port.lance=0".into(),
            format!("-filer=127.0.0.1:{filer}"),
            format!("-config={}", config.display()),
        ];
        others.push(spawn("s3", &s3_args));
        let store = ExternalStore { url: format!("http://127.0.0.1:{s3}"), key, bucket: "private-tests".into() };
        let cluster = Self { store, volume_servers, others, dir };
        // Ready when the gateway answers and the master places a file on two volume servers.
        let started = std::time::Instant::now();
        loop {
            let assigned = match reqwest::get(format!("http://127.0.0.1:{master}/dir/assign")).await {
                Ok(answer) => answer.text().await.is_ok_and(|answer| answer.contains("\"fid\"")),
                Err(_) => false,
            };
            if assigned && reqwest::get(&cluster.store.url).await.is_ok() {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "SeaweedFS did not start:\n{}", cluster.logs());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Some(cluster)
    }
}

impl PrivateSeaweedFs {
    /// The last lines of each process's log.
    fn logs(&self) -> String {
        let mut logs = String::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "log") {
                let log = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let tail: Vec<_> = log.lines().rev().take(5).collect();
                logs += &format!(
                    "{}:\n{}\n",
                    entry.path().display(),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                );
            }
        }
        logs
    }
}

impl Drop for PrivateSeaweedFs {
    fn drop(&mut self) {
        for child in self.volume_servers.iter_mut().chain(&mut self.others) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A free port on loopback whose gRPC twin (10000 above, as SeaweedFS derives it) is free too.
fn free_port_with_grpc() -> u16 {
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if port < 55_000 && std::net::TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

#[tokio::test]
async fn a_volume_server_killed_during_uploads_loses_nothing_acknowledged() {
    let Some(database) = fresh_postgres_database().await else { return };
    let Some(mut cluster) = PrivateSeaweedFs::start(3).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let (mut server, api) = external_replica(dir.path(), &database, &cluster.store);
    let (id, secret) = created_key(database_keys(dir.path(), &database, &["create", "--instance", "inst-1"]));
    let client = common::connect_client_with(&api, (&id, &secret));
    let bytes: Vec<u8> = (0..300_000).map(|i| (i * 7 % 253) as u8).collect();
    let mut acknowledged = Vec::new();
    for i in 0..6 {
        let (file_id, completed) = upload_across(&client, &client, &bytes).await;
        assert!(completed, "upload {i} with every volume server up");
        acknowledged.extend(file_id);
    }

    // Uploads from four workers for eight seconds; one of the three volume servers is killed
    // (SIGKILL) after the first two. Each upload is acknowledged or fails: none hangs.
    let started = std::time::Instant::now();
    let mut work = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (client, bytes) = (client.clone(), bytes.clone());
        work.spawn(async move {
            let mut done = Vec::new();
            while started.elapsed() < Duration::from_secs(8) {
                let upload = upload_across(&client, &client, &bytes);
                let upload = tokio::time::timeout(Duration::from_secs(30), upload).await;
                done.push((started.elapsed(), upload.expect("an upload hung for 30 s")));
            }
            done
        });
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    cluster.volume_servers[1].kill().unwrap();
    cluster.volume_servers[1].wait().unwrap();
    let killed = started.elapsed();
    let (mut failed, mut after_the_kill) = (0, 0);
    while let Some(done) = work.join_next().await {
        for (at, (file_id, completed)) in done.unwrap() {
            if completed {
                acknowledged.extend(file_id);
                after_the_kill += usize::from(at > killed + Duration::from_secs(1));
            } else {
                failed += 1;
            }
        }
    }
    eprintln!(
        "uploads around a volume server's kill: {} acknowledged ({after_the_kill} from a second after it), {failed} failed",
        acknowledged.len()
    );
    assert!(after_the_kill > 0, "no upload was acknowledged after the kill");

    // Every acknowledged file downloads whole from the two volume servers left.
    for file_id in &acknowledged {
        let got = client.get_attached_file().instance_id("inst-1").file_id(file_id);
        let got = got.associated_resource_arn(CASE_ARN).send().await.unwrap();
        let url = got.download_url_metadata().and_then(|d| d.url()).unwrap();
        let downloaded = reqwest::get(url).await.unwrap();
        assert_eq!(downloaded.status(), 200, "{file_id}");
        assert!(downloaded.bytes().await.unwrap() == bytes, "{file_id} came back changed");
    }
    sigterm(&mut server);
}
