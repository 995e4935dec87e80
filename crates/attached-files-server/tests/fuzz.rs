//! A bounded fuzz of the HTTP surface through the real service: requests made from valid calls of
//! the five operations, then mutated (method, path and labels, query, headers, body, signature),
//! sent over HTTP on loopback to the in-process API (SigV4 verified, SQLite, embedded store), one
//! connection per worker. Each answer must be well-formed and not a 5xx other than the modeled
//! InternalServiceException; no task may panic; the process's memory must stay flat.
//!
//! `FUZZ_REQUESTS` sets the count (default 20,000, the CI run) and `FUZZ_SEED` the seed (default:
//! random, printed, so a failure can be replayed). The long run:
//! `FUZZ_REQUESTS=1000000 cargo test --release -p attached-files-server --test fuzz -- --nocapture`.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use attached_files::FileStatus;
use attached_files::metadata::Quota;
use attached_files_server::config::Limits;
use bytes::Bytes;
use common::*;
use http_body_util::{BodyExt, Full};

const WORKERS: usize = 8;

/// A request before it is sent: everything a mutation may change.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// What every run shares: the server's address and files to name.
struct Target {
    authority: String,
    file_ids: Vec<String>,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// Text a fuzzer likes: empty, long, reserved and non-ASCII characters, percent signs, numbers.
fn odd_text(rng: &mut fastrand::Rng) -> String {
    let pieces = [
        "",
        "a",
        "inst-1",
        "%",
        "%zz",
        "%2F",
        "..",
        "/",
        "?",
        "#",
        "&",
        "=",
        "é",
        "💥",
        " ",
        "+",
        "\u{0}",
        "\\",
        "\"",
        "{",
        "}",
        "[",
        "]",
        "null",
        "-1",
        "0",
        "1e400",
        "9223372036854775808",
        "arn:aws:cases:::x",
        "*",
    ];
    let mut text = String::new();
    for _ in 0..rng.usize(0..4) {
        text.push_str(pick::<&str>(rng, &pieces));
    }
    if rng.u8(..) < 8 {
        text.push_str(&"x".repeat(rng.usize(90..3000)));
    }
    text
}

fn json_of(value: serde_json::Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// A valid call of one of the five operations (on inst-1, whose files exist, or another instance).
fn valid_call(rng: &mut fastrand::Rng, target: &Target) -> Call {
    let instance = if rng.bool() { "inst-1" } else { "inst-2" };
    let file_id = pick(rng, &target.file_ids).clone();
    let arn = if rng.u8(..) < 200 { CASE_ARN } else { OTHER_CASE_ARN };
    let query = vec![("associatedResourceArn".to_owned(), arn.to_owned())];
    let json = vec![("content-type".to_owned(), "application/json".to_owned())];
    match rng.u8(..5) {
        0 => Call {
            method: "GET".into(),
            path: format!("/attached-files/{instance}/{file_id}"),
            query: [query, vec![("urlExpiryInSeconds".into(), rng.i32(0..400).to_string())]].concat(),
            headers: vec![],
            body: vec![],
        },
        1 => Call {
            method: "PUT".into(),
            path: format!("/attached-files/{instance}"),
            query,
            headers: json,
            body: json_of(serde_json::json!({
                "ClientToken": format!("t-{}", rng.u8(..20)),
                "FileName": "f.txt",
                "FileSizeInBytes": rng.i64(-1..2_000_000),
                "FileUseCaseType": "ATTACHMENT",
                "Tags": { "k": "v" },
            })),
        },
        2 => Call {
            method: "POST".into(),
            path: format!("/attached-files/{instance}/{file_id}"),
            query,
            headers: vec![],
            body: vec![],
        },
        3 => Call {
            method: "POST".into(),
            path: format!("/attached-files/{instance}"),
            query,
            headers: json,
            body: json_of(
                serde_json::json!({ "FileIds": target.file_ids.iter().take(rng.usize(0..4)).collect::<Vec<_>>() }),
            ),
        },
        _ => Call {
            method: "DELETE".into(),
            path: format!("/attached-files/{instance}/{}", if rng.u8(..) < 10 { &file_id } else { "no-such-file" }),
            query,
            headers: vec![],
            body: vec![],
        },
    }
}

/// One random change of the call.
fn mutate(rng: &mut fastrand::Rng, call: &mut Call) {
    match rng.u8(..10) {
        0 => call.method = pick(rng, &["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "FUZZ"]).to_string(),
        1 => {
            let mut segments: Vec<String> = call.path.split('/').map(str::to_owned).collect();
            let i = rng.usize(..segments.len());
            segments[i] = if rng.u8(..) < 40 {
                // Dot segments and empty ones, which SigV4's canonical path removes.
                pick(rng, &[".", "..", ""]).to_string()
            } else {
                percent_encoding::utf8_percent_encode(&odd_text(rng), percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
                    .replace("%25", if rng.bool() { "%" } else { "%25" })
            };
            if rng.u8(..) < 30 {
                segments.push(odd_text(rng).replace(|c: char| !c.is_ascii_graphic(), ""));
            }
            call.path = segments.join("/");
        }
        2 => {
            let names = ["associatedResourceArn", "urlExpiryInSeconds", "urlContentDisposition", "X-Amz-Date", "x"];
            let (name, value) = (pick(rng, &names).to_string(), odd_text(rng));
            match rng.u8(..3) {
                0 => call.query.push((name, value)),
                1 if !call.query.is_empty() => {
                    let i = rng.usize(..call.query.len());
                    call.query.remove(i);
                }
                _ => {
                    if let Some(pair) = call.query.first_mut() {
                        pair.1 = value;
                    }
                }
            }
        }
        3 => {
            let names = [
                "content-type",
                "accept",
                "x-amz-date",
                "x-amz-content-sha256",
                "content-encoding",
                "x-amz-target",
                "x-amz-meta-note",
            ];
            let values = [
                "application/json",
                "text/plain",
                "application/cbor",
                "*/*",
                "gzip",
                "20200101T000000Z",
                "",
                "two  spaces   inside",
                " padded ",
            ];
            call.headers.push((pick(rng, &names).to_string(), pick(rng, &values).to_string()));
        }
        4 if !call.body.is_empty() => {
            let i = rng.usize(..call.body.len());
            call.body[i] ^= 1 << rng.u8(..8);
        }
        5 if !call.body.is_empty() => call.body.truncate(rng.usize(..call.body.len())),
        6 => {
            let bodies: [&[u8]; 6] = [b"", b"{}", b"[]", b"null", b"{\"FileIds\":[\"", b"\xff\xfe"];
            call.body = pick(rng, &bodies).to_vec();
            if rng.u8(..) < 20 {
                call.body =
                    format!("{}{}", "[".repeat(rng.usize(100..5000)), "]".repeat(rng.usize(0..5000))).into_bytes();
            }
        }
        7 => {
            let json = String::from_utf8_lossy(&call.body).into_owned();
            let swaps =
                [("\"f.txt\"", "12"), ("\"ATTACHMENT\"", "\"VIDEO\""), ("{\"k\":\"v\"}", "[]"), ("1", "1.5e999")];
            let (from, to) = pick(rng, &swaps);
            call.body = json.replacen(from, to, 1).into_bytes();
        }
        _ => call.path.push_str(pick::<&str>(rng, &["/", "//", "/x", "%00", "?", ""])),
    }
}

/// How the request is signed: well (after the mutations, so that it reaches the operation), before
/// the mutations (so that they break it), with another secret or key, with a mangled header, or not.
/// True if it was signed as a caller with the right key signs, now.
fn authorize(rng: &mut fastrand::Rng, call: &Call, target: &Target, headers: &mut Vec<(String, String)>) -> bool {
    let url = format!("http://{}{}", target.authority, uri(call));
    let choice = rng.u8(..10);
    let key = match choice {
        7 => ("AKIDUNKNOWN", SECRET),
        8 => (KEY_ID, "wrong"),
        _ => (KEY_ID, SECRET),
    };
    let time = if rng.u8(..) < 10 { SystemTime::now() - Duration::from_secs(3600) } else { SystemTime::now() };
    if choice == 9 {
        return false; // unsigned
    }
    let Some(signed) = sigv4_headers(&call.method, &url, headers, &call.body, key, time) else { return false };
    for (name, mut value) in signed {
        if choice == 6 && name == "authorization" {
            // A mangled Authorization header.
            value = match rng.u8(..4) {
                0 => value[..rng.usize(..value.len())].to_owned(),
                1 => value.replace("SignedHeaders=", "SignedHeaders=x;"),
                2 => value.replacen("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1),
                _ => value.replace(",", ",,"),
            };
        }
        headers.push((name.as_str().to_owned(), value));
    }
    choice < 6 && time > SystemTime::now() - Duration::from_secs(60)
}

fn uri(call: &Call) -> String {
    if call.query.is_empty() {
        return call.path.clone();
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(&call.query);
    format!("{}?{}", call.path, query.finish())
}

/// The process's resident memory, KiB (Linux).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).unwrap_or_default();
    line.trim().trim_end_matches("kB").trim().parse().unwrap_or(0)
}

#[derive(Default)]
struct Tally {
    sent: AtomicU64,
    by_class: [AtomicU64; 6],
    refused_signature: AtomicU64,
    reached_operations: AtomicU64,
    /// Requests signed by aws-sigv4 with the right key after the mutations, none of which may be
    /// refused for their signature.
    well_signed: AtomicU64,
    /// Mutated requests `http` would not build (an invalid URI or header), not sent.
    unsendable: AtomicU64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_surface_survives_a_fuzz() {
    let requests: u64 = std::env::var("FUZZ_REQUESTS").map_or(20_000, |n| n.parse().expect("FUZZ_REQUESTS"));
    let seed: u64 = std::env::var("FUZZ_SEED").map_or_else(|_| fastrand::u64(..), |s| s.parse().expect("FUZZ_SEED"));
    let panics = Arc::new(AtomicU64::new(0));
    let counted = panics.clone();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        counted.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));

    let quota = Quota { max_files: 500, max_bytes: 1 << 30 };
    let limits = Limits { max_concurrent_requests: 64, max_request_body_bytes: 64 * 1024 };
    let server = TestServer::start_configured(limits, |config| config.storage.quota = quota).await;
    let mut file_ids = Vec::new();
    for (name, status) in [("a.txt", FileStatus::Approved), ("b.txt", FileStatus::Processing)] {
        file_ids.push(server.ingest("inst-1", name, b"fuzz", status).await.file_id);
    }
    let target = Arc::new(Target { authority: server.url.trim_start_matches("http://").to_owned(), file_ids });
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let mut memory = Vec::new();
    println!("fuzz: {requests} requests, seed {seed}, {WORKERS} connections");

    // In tenths, so that memory is sampled as the run goes.
    for tenth in 0..10u64 {
        let share = requests / 10 + u64::from(tenth < requests % 10);
        let mut workers = tokio::task::JoinSet::new();
        for worker in 0..WORKERS as u64 {
            let count = share / WORKERS as u64 + u64::from(worker < share % WORKERS as u64);
            let (target, tally) = (target.clone(), tally.clone());
            let mut rng = fastrand::Rng::with_seed(seed ^ (tenth << 32) ^ worker);
            workers.spawn(async move { fuzz_worker(&mut rng, &target, &tally, count).await });
        }
        while let Some(done) = workers.join_next().await {
            done.unwrap();
        }
        memory.push(rss_kib());
    }

    let elapsed = started.elapsed().as_secs_f64();
    let count = |i: usize| tally.by_class[i].load(Ordering::Relaxed);
    println!(
        "fuzz: {} requests in {elapsed:.1} s ({:.0}/s); answers 2xx {}, 3xx {}, 4xx {} ({} refused signatures), 500 InternalServiceException {}; {} reached an operation's handler or deserializer",
        tally.sent.load(Ordering::Relaxed),
        tally.sent.load(Ordering::Relaxed) as f64 / elapsed,
        count(2),
        count(3),
        count(4),
        tally.refused_signature.load(Ordering::Relaxed),
        count(5),
        tally.reached_operations.load(Ordering::Relaxed),
    );
    println!("fuzz: {} mutated requests were not valid HTTP and not sent", tally.unsendable.load(Ordering::Relaxed));
    println!(
        "fuzz: {} requests signed well after the mutations, all accepted",
        tally.well_signed.load(Ordering::Relaxed)
    );
    println!("fuzz: RSS after each tenth, MiB: {:?}", memory.iter().map(|kib| kib / 1024).collect::<Vec<_>>());
    assert_eq!(tally.sent.load(Ordering::Relaxed), requests);
    assert_eq!(panics.load(Ordering::SeqCst), 0, "no panic");
    assert!(count(2) > 0 && count(4) > 0 && tally.reached_operations.load(Ordering::Relaxed) > requests / 4);
    let (first, last) = (memory[0], *memory.last().unwrap());
    assert!(last <= first + 32 * 1024, "memory grew from {first} KiB to {last} KiB");
}

/// Sends `count` fuzzed requests over one connection (a new one whenever the server closes it).
async fn fuzz_worker(rng: &mut fastrand::Rng, target: &Target, tally: &Tally, count: u64) {
    let mut connection = None;
    let mut sent = 0;
    while sent < count {
        let mut call = valid_call(rng, target);
        let with_host =
            |call: &Call| [vec![("host".to_owned(), target.authority.clone())], call.headers.clone()].concat();
        let sign_first = rng.u8(..10) < 3;
        let mut headers = with_host(&call);
        let mut well_signed = false;
        if sign_first {
            // Signed, then changed: the headers the mutations add come after the signature's.
            let before = call.headers.len();
            authorize(rng, &call, target, &mut headers);
            for _ in 0..rng.usize(0..4) {
                mutate(rng, &mut call);
            }
            headers.extend(call.headers.iter().skip(before).cloned());
        } else {
            for _ in 0..rng.usize(0..4) {
                mutate(rng, &mut call);
            }
            headers = with_host(&call);
            // As aws-sigv4 signs it, which the server must accept (unless the date is the
            // mutations' own, which the server reads first).
            well_signed = authorize(rng, &call, target, &mut headers)
                && !call.headers.iter().any(|(name, _)| name == "x-amz-date");
        }
        headers.push(("content-length".to_owned(), call.body.len().to_string()));
        if rng.u8(..) < 5 {
            headers.retain(|(name, _)| name != "host"); // as HTTP/1.0 may, and HTTP/2 does
            well_signed = false;
        }
        let Some(request) = build(&call, &headers) else {
            tally.unsendable.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        sent += 1;

        let sender = match &mut connection {
            Some(sender) => sender,
            None => connection.insert(connect(&target.authority).await),
        };
        let response = match sender.send_request(request).await {
            Ok(response) => response,
            Err(e) => panic!("the server dropped a request ({e}): {call:?}"),
        };
        let status = response.status().as_u16();
        let error = response.headers().get("x-amzn-errortype").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let closes = response.headers().get("connection").is_some_and(|v| v == "close");
        let body = response.into_body().collect().await.expect("a whole answer").to_bytes();
        tally.sent.fetch_add(1, Ordering::Relaxed);
        let class = usize::from(status / 100).min(5);
        tally.by_class[class].fetch_add(1, Ordering::Relaxed);
        match error.as_deref() {
            Some(
                "MissingAuthenticationTokenException"
                | "IncompleteSignatureException"
                | "UnrecognizedClientException"
                | "InvalidSignatureException",
            ) => {
                tally.refused_signature.fetch_add(1, Ordering::Relaxed);
            }
            Some("UnknownOperationException" | "RequestEntityTooLargeException") => {}
            _ if status != 404 || error.is_some() => {
                tally.reached_operations.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        if well_signed {
            tally.well_signed.fetch_add(1, Ordering::Relaxed);
            let mismatch = String::from_utf8_lossy(&body).contains("signature we calculated does not match");
            assert!(!mismatch, "a request signed by aws-sigv4 was refused: {call:?} {headers:?}");
        }
        if status >= 500 {
            assert_eq!(error.as_deref(), Some("InternalServiceException"), "{status} for {call:?}: {body:?}");
        }
        if closes || sender.is_closed() {
            connection = None;
        }
    }
}

/// A request the client can send, or `None` if `http` refuses its method, URI or a header (then
/// the worker makes another).
fn build(call: &Call, headers: &[(String, String)]) -> Option<http::Request<Full<Bytes>>> {
    let mut request = http::Request::builder().method(call.method.as_str()).uri(uri(call));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.body(Full::new(Bytes::from(call.body.clone()))).ok()
}

async fn connect(authority: &str) -> hyper::client::conn::http1::SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(authority).await.unwrap();
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    tokio::spawn(connection);
    sender
}
