//! Proves the API's operating behaviour over real HTTP on loopback, in-process: a fresh
//! x-amzn-RequestId on every answer, the body limit, ThrottlingException beyond the concurrency
//! limit (and never a wait), the health check, a storage failure answered without its cause, a
//! URL too long for the model, a shutdown that lets the calls in flight finish, and after which no
//! task of the server is left.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use attached_files::{FileStatus, Scan};
use attached_files_server::config::Limits;
use common::*;
use serde_json::{Value, json};

fn arn_query(arn: &str) -> String {
    arn.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn get_path(instance_id: &str, file_id: &str) -> String {
    format!("/attached-files/{instance_id}/{file_id}?associatedResourceArn={}", arn_query(CASE_ARN))
}

/// Status, X-Amzn-Errortype, x-amzn-RequestId and JSON body (Null when empty) of an answer.
struct Answer {
    status: u16,
    error_type: Option<String>,
    request_id: Option<String>,
    body: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = common::send_signed(request).await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let (status, error_type, request_id) =
        (response.status().as_u16(), header("x-amzn-errortype"), header("x-amzn-requestid"));
    let bytes = response.bytes().await.unwrap();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    Answer { status, error_type, request_id, body }
}

async fn get(server: &TestServer, path: &str) -> Answer {
    send(reqwest::Client::new().get(format!("{}{path}", server.url))).await
}

#[tokio::test]
async fn every_answer_carries_a_fresh_request_id() {
    let server = TestServer::start().await;
    let file = server.ingest("inst-1", "a.txt", b"hello", FileStatus::Approved).await;
    let http = reqwest::Client::new();
    let answers = [
        (get(&server, &get_path("inst-1", &file.file_id)).await, 200),
        (get(&server, &get_path("inst-1", "no-such-file")).await, 404),
        (get(&server, &get_path(&"i".repeat(101), "f")).await, 400),
        (get(&server, "/attached-files/inst-1/f?associatedResourceArn=not-an-arn").await, 400),
        (get(&server, "/no/such/route").await, 404),
        (send(http.get(format!("{}{}", server.url, get_path("i", "f"))).header("accept", "text/html")).await, 406),
        (send(http.get(format!("{}/attached-files/i/f", server.url)).body(vec![b'x'; 1025])).await, 413),
        (get(&server, "/ping").await, 200),
    ];
    let mut ids = HashSet::new();
    for (answer, status) in &answers {
        assert_eq!(answer.status, *status, "{:?}", answer.body);
        let id = answer.request_id.as_deref().expect("every answer has x-amzn-RequestId");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        ids.insert(id.to_owned());
    }
    assert_eq!(ids.len(), answers.len(), "request ids are unique");
}

#[tokio::test]
async fn bodies_longer_than_the_limit_are_refused() {
    let server = TestServer::start().await;
    let file = server.ingest("inst-1", "a.txt", b"hello", FileStatus::Processing).await;
    let url = format!("{}{}", server.url, get_path("inst-1", &file.file_id));
    let http = reqwest::Client::new();

    let at_limit = send(http.get(&url).body(vec![b'x'; 1024])).await;
    assert_eq!(at_limit.status, 200, "a body of the limit's length passes: {:?}", at_limit.body);
    let over = send(http.get(&url).body(vec![b'x'; 1025])).await;
    assert_eq!((over.status, over.error_type.as_deref()), (413, Some("RequestEntityTooLargeException")));
    assert_eq!(over.body, json!({ "Message": "the request body is longer than 1024 bytes" }));
}

#[tokio::test]
async fn calls_beyond_the_concurrency_limit_are_throttled_at_once() {
    let server = TestServer::start_with(Limits { max_concurrent_requests: 2, ..LIMITS }).await;
    let file = server.ingest("inst-1", "a.txt", b"hello", FileStatus::Approved).await;
    let path = get_path("inst-1", &file.file_id);

    let (held, before) = (server.hold(), server.lookups());
    let in_flight: Vec<_> = (0..2)
        .map(|_| {
            let url = format!("{}{path}", server.url);
            tokio::spawn(async move {
                common::send_signed(reqwest::Client::new().get(url)).await.unwrap().status().as_u16()
            })
        })
        .collect();
    eventually("both calls are in flight", || server.lookups() == before + 2).await;

    let started = std::time::Instant::now();
    let throttled = get(&server, &path).await;
    assert!(started.elapsed() < Duration::from_secs(1), "answered at once, not queued");
    assert_eq!((throttled.status, throttled.error_type.as_deref()), (429, Some("ThrottlingException")));
    assert_eq!(throttled.body, json!({ "Message": "Too many requests in flight; retry later" }));
    assert!(throttled.request_id.is_some());
    assert_eq!(get(&server, "/ping").await.status, 200, "the health check is never throttled");

    drop(held);
    for call in in_flight {
        assert_eq!(call.await.unwrap(), 200);
    }
    assert_eq!(get(&server, &path).await.status, 200, "the permits are back");
}

#[tokio::test]
async fn a_storage_failure_is_a_500_that_does_not_tell_its_cause() {
    let server = TestServer::start().await;
    let file = server.ingest("inst-1", "a.txt", b"hello", FileStatus::Approved).await;
    server.corrupt(&file.file_id).await;

    let answer = get(&server, &get_path("inst-1", &file.file_id)).await;
    assert_eq!((answer.status, answer.error_type.as_deref()), (500, Some("InternalServiceException")));
    assert_eq!(answer.body, json!({ "Message": "The service could not handle the request; retry later" }));
}

#[tokio::test]
async fn a_download_url_longer_than_the_model_allows_is_an_invalid_request() {
    let server = TestServer::start().await;
    let file = server.ingest("inst-1", &format!("{}.txt", "é".repeat(252)), b"hello", FileStatus::Approved).await;
    let plain = get(&server, &get_path("inst-1", &file.file_id)).await;
    assert_eq!(plain.status, 200, "without a disposition the URL fits: {:?}", plain.body);

    let with_name =
        get(&server, &format!("{}&urlContentDisposition=ATTACHMENT", get_path("inst-1", &file.file_id))).await;
    assert_eq!((with_name.status, with_name.error_type.as_deref()), (400, Some("InvalidRequestException")));
    let message = with_name.body["Message"].as_str().unwrap();
    assert!(message.contains("more than the 2000") && message.contains("urlContentDisposition"), "{message}");
}

#[tokio::test]
async fn shutdown_lets_the_calls_in_flight_finish() {
    let mut server = TestServer::start().await;
    let file = server.ingest("inst-1", "a.txt", b"hello", FileStatus::Approved).await;
    let url = format!("{}{}", server.url, get_path("inst-1", &file.file_id));

    let (held, before) = (server.hold(), server.lookups());
    let call = tokio::spawn(common::send_signed(reqwest::Client::new().get(url.clone())));
    eventually("the call is in flight", || server.lookups() == before + 1).await;
    let task = server.stop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!task.is_finished(), "the server waits for the call in flight");

    drop(held);
    let response = call.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["FileId"], file.file_id.as_str());
    tokio::time::timeout(Duration::from_secs(5), task).await.unwrap().unwrap().unwrap();
    assert!(common::send_signed(reqwest::Client::new().get(url)).await.is_err(), "no new connection is accepted");
}

/// After a shutdown nothing of the server runs on: not the API and its connections, the scanner,
/// the sweep, the key ring's reload, nor the embedded store and its connections.
#[test]
fn after_a_shutdown_no_task_of_the_server_is_left() {
    // A runtime of its own, so that the tasks it counts are this test's alone.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let metrics = tokio::runtime::Handle::current().metrics();
        let before = metrics.num_alive_tasks();
        let scan = Scan::Command("/bin/true".into()); // so that the scanner has work to wait for
        let mut server = TestServer::start_configured(LIMITS, |config| config.storage.scan = scan).await;
        let file = server.ingest("inst-1", "a.txt", b"hello", FileStatus::Approved).await;
        let client = reqwest::Client::new();
        let answer = common::send_signed(client.get(format!("{}{}", server.url, get_path("inst-1", &file.file_id))));
        let body: Value = serde_json::from_slice(&answer.await.unwrap().bytes().await.unwrap()).unwrap();
        let download = client.get(body["DownloadUrlMetadata"]["Url"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(download.bytes().await.unwrap().as_ref(), b"hello");
        // At least the API, the store, the scanner, the sweep and the reload (and connections).
        let running = metrics.num_alive_tasks() - before;
        assert!(running >= 5, "{running} tasks");

        server.stop().await.unwrap().unwrap();
        drop((server, client));
        eventually("every task of the server has ended", || metrics.num_alive_tasks() == before).await;
    });
}
