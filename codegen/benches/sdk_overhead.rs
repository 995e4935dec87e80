//! What the generated server SDK costs per request: GetAttachedFile served by
//! `attached-files-server-sdk` (routing, request parsing, validation, handler, JSON serialization,
//! `serve`) against a bare hyper 1 HTTP/1 service answering every request with the same bytes,
//! all in this process on the same tokio runtime and measured by the same load generator (`wrk`)
//! in the same run; and the same generated service verifying SigV4 with the crate's
//! `sigv4::SigV4Plugin` (wrk replays one signed request, valid for SigV4's 15 minutes). The goals
//! (issue 16): the generated service keeps at least 75% of the bare service's requests/s, and
//! spends at most 3 µs of CPU per request more.
//!
//! Run: `cargo bench -p attached-files-codegen --bench sdk_overhead` (or `scripts/bench-sdk`,
//! which installs wrk first). Needs `wrk` (Debian/Ubuntu: `apt-get install -y wrk`).
//!
//! Settings, all environment variables:
//! - `SDK_BENCH_DURATION`: seconds per measured run (default 10);
//! - `SDK_BENCH_WARMUP`: seconds of warm-up per server before each connection count (default 3, 0 for none);
//! - `SDK_BENCH_ROUNDS`: measured runs per server and connection count, alternating servers (default 2);
//! - `SDK_BENCH_CONNECTIONS`: comma-separated connection counts (default `16,64`);
//! - `SDK_BENCH_WORKERS`: tokio worker threads of the runtime both servers share (default 2);
//! - `SDK_BENCH_WRK`: the wrk executable (default `wrk` on PATH); `SDK_BENCH_WRK_THREADS` its threads (default 1);
//! - `SDK_BENCH_ISOLATE=1`: also measure the generated service on the bare server's hyper HTTP/1
//!   connection loop instead of `serve`, which separates the generated layer's cost from `serve`'s;
//! - `SDK_BENCH_ENFORCE=1`: exit with status 1 when the goal is missed.
//!
//! Besides wrk's requests/s and latency percentiles, each row shows the CPU time this process
//! (the servers, not wrk) spent per request, which does not depend on how wrk and the servers
//! share the CPUs, and the header says how much CPU other processes took during the run: wrk and
//! the servers share this machine's CPUs, so a busy machine skews the comparison.

use std::collections::HashMap;
use std::convert::Infallible;
use std::error::Error as StdError;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;

use attached_files_server_sdk::error::GetAttachedFileError;
use attached_files_server_sdk::input::GetAttachedFileInput;
use attached_files_server_sdk::model::{
    CreatedByInfo, DownloadUrlMetadata, FileId, FileName, FileSizeInBytes, FileStatusType, FileUseCaseType,
    MetadataUrl, TagKey, TagMap, TagValue,
};
use attached_files_server_sdk::output::GetAttachedFileOutput;
use attached_files_server_sdk::{AmazonConnectService, AmazonConnectServiceConfig};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The goals: generated requests/s over bare requests/s, and CPU per request above bare.
const GOAL: f64 = 0.75;
const CPU_GOAL_US: f64 = 3.0;

/// The one access key the SigV4-verifying service knows.
const KEY: (&str, &str) = ("AKIDBENCHMARK", "bench-secret");

struct OneKey;

impl attached_files_server_sdk::sigv4::Keys for OneKey {
    type Principal = ();

    fn lookup(
        &self,
        id: &str,
    ) -> impl std::future::Future<Output = Option<attached_files_server_sdk::sigv4::Signer<()>>> + Send {
        let signer = (id == KEY.0)
            .then(|| attached_files_server_sdk::sigv4::Signer { secret_access_key: KEY.1.to_owned(), principal: () });
        std::future::ready(signer)
    }
}

/// The headers of a GET of `url` signed with [`KEY`] now, as wrk sends it (with `Accept`).
fn signed_headers(url: &str) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity = aws_credential_types::Credentials::new(KEY.0, KEY.1, None, None, "bench").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(attached_files_server_sdk::sigv4::SIGNING_NAME)
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = [("accept", "application/json")].into_iter();
    let request = SignableRequest::new("GET", url, headers, SignableBody::Bytes(&[])).unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    instructions.headers().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()
}

const INSTANCE_ID: &str = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
const FILE_ID: &str = "f5e4d3c2-b1a0-4987-8654-EXAMPLE22222";
const CASE_ARN: &str = "arn:aws:cases:us-west-2:111122223333:domain/0f4e2b6a-9c1d-4e3f-8a7b-EXAMPLE33333/case/6c5d4e3f-2a1b-4c0d-9e8f-EXAMPLE44444";

/// The request every run sends: both labels, `associatedResourceArn` percent-encoded, and the
/// optional query parameters.
fn request_path() -> String {
    let arn: String = CASE_ARN
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!(
        "/attached-files/{INSTANCE_ID}/{FILE_ID}?associatedResourceArn={arn}&urlExpiryInSeconds=300&urlContentDisposition=ATTACHMENT"
    )
}

/// A pre-signed S3 URL of about 400 characters, like the ones Amazon Connect hands out.
fn download_url() -> String {
    format!(
        "https://connect-attachments.s3.us-west-2.amazonaws.com/{INSTANCE_ID}/Attachments/{FILE_ID}\
         ?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240503T024128Z&X-Amz-SignedHeaders=host&X-Amz-Expires=300\
         &X-Amz-Credential=ASIAIOSFODNN7EXAMPLE%2F20240503%2Fus-west-2%2Fs3%2Faws4_request\
         &X-Amz-Signature=5f1c8d9a0b3e7f2a6c4d8e0b1a3f5c7e9d2b4a6c8e0f1a3b5c7d9e2f4a6b8c0d"
    )
}

/// The APPROVED file every call of the generated service answers with.
fn fixed_output() -> GetAttachedFileOutput {
    let url = download_url();
    assert!((380..=420).contains(&url.len()), "the download URL has {} characters", url.len());
    let tag = |key: &str, value: &str| {
        (TagKey::try_from(key.to_owned()).unwrap(), TagValue::try_from(value.to_owned()).unwrap())
    };
    let tags = TagMap::try_from(HashMap::from([tag("department", "billing"), tag("retention", "7-years")])).unwrap();
    GetAttachedFileOutput::builder()
        .file_arn(Some(format!("arn:aws:connect:us-west-2:111122223333:instance/{INSTANCE_ID}/file/{FILE_ID}")))
        .file_id(Some(FileId::try_from(FILE_ID.to_owned()).unwrap()))
        .creation_time(Some("2024-05-03T02:41:28.172Z".to_owned()))
        .file_status(Some(FileStatusType::Approved))
        .file_name(Some(FileName::try_from("invoice-2024-05.pdf".to_owned()).unwrap()))
        .file_size_in_bytes(FileSizeInBytes::try_from(184_320).unwrap())
        .associated_resource_arn(Some(CASE_ARN.to_owned()))
        .file_use_case_type(Some(FileUseCaseType::Attachment))
        .created_by(Some(CreatedByInfo::ConnectUserArn(format!(
            "arn:aws:connect:us-west-2:111122223333:instance/{INSTANCE_ID}/agent/9a8b7c6d-5e4f-4a3b-9c2d-EXAMPLE55555"
        ))))
        .download_url_metadata(Some(
            DownloadUrlMetadata::builder()
                .url(Some(MetadataUrl::try_from(url).unwrap()))
                .url_expiry(Some("2024-05-03T02:46:28.172Z".to_owned()))
                .build(),
        ))
        .tags(Some(tags))
        .build()
        .unwrap()
}

struct Settings {
    duration: u64,
    warmup: u64,
    rounds: usize,
    connections: Vec<usize>,
    workers: usize,
    wrk: String,
    wrk_threads: usize,
    isolate: bool,
    enforce: bool,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(value) => value.trim().parse().unwrap_or_else(|_| fail(&format!("{name}={value:?} is not a valid value"))),
        Err(_) => default,
    }
}

impl Settings {
    fn from_env() -> Settings {
        let connections = std::env::var("SDK_BENCH_CONNECTIONS").unwrap_or_else(|_| "16,64".to_owned());
        let connections = connections
            .split(',')
            .map(|c| {
                c.trim().parse().unwrap_or_else(|_| fail(&format!("SDK_BENCH_CONNECTIONS: {c:?} is not a number")))
            })
            .collect();
        let settings = Settings {
            duration: env_or("SDK_BENCH_DURATION", 10),
            warmup: env_or("SDK_BENCH_WARMUP", 3),
            rounds: env_or("SDK_BENCH_ROUNDS", 2),
            connections,
            workers: env_or("SDK_BENCH_WORKERS", 2),
            wrk: env_or("SDK_BENCH_WRK", "wrk".to_owned()),
            wrk_threads: env_or("SDK_BENCH_WRK_THREADS", 1),
            isolate: env_or("SDK_BENCH_ISOLATE", 0u8) == 1,
            enforce: env_or("SDK_BENCH_ENFORCE", 0u8) == 1,
        };
        if settings.duration == 0 || settings.rounds == 0 || settings.workers == 0 || settings.wrk_threads == 0 {
            fail("SDK_BENCH_DURATION, SDK_BENCH_ROUNDS, SDK_BENCH_WORKERS and SDK_BENCH_WRK_THREADS must be positive");
        }
        if let Some(c) = settings.connections.iter().find(|&&c| c < settings.wrk_threads) {
            fail(&format!("{c} connections is fewer than wrk's {} threads", settings.wrk_threads));
        }
        settings
    }
}

fn fail(message: &str) -> ! {
    eprintln!("sdk_overhead: {message}");
    std::process::exit(2)
}

/// Fails clearly when wrk cannot be run.
fn check_wrk(settings: &Settings) {
    match Command::new(&settings.wrk).arg("-v").output() {
        Ok(_) => {}
        Err(e) => fail(&format!(
            "cannot run the load generator `{}` ({e}).\n\
             This benchmark needs wrk: install it with `apt-get update && apt-get install -y wrk` (Debian/Ubuntu; \
             `brew install wrk` on macOS), or run scripts/bench-sdk, which installs it; or point SDK_BENCH_WRK at it.",
            settings.wrk
        )),
    }
}

/// The servers under test, in the order each round runs them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Server {
    /// hyper 1 HTTP/1 answering with fixed bytes.
    Bare,
    /// The generated service, served by `attached_files_server_sdk::serve` as in production.
    Generated,
    /// The generated service on the bare server's connection loop (`SDK_BENCH_ISOLATE=1`).
    GeneratedOnHyperLoop,
    /// The generated service verifying SigV4, served by `serve`.
    GeneratedSigV4,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Bare => "bare hyper",
            Server::Generated => "generated",
            Server::GeneratedOnHyperLoop => "generated, hyper loop",
            Server::GeneratedSigV4 => "generated, SigV4",
        }
    }
}

/// Serves `service` over plain hyper 1 HTTP/1 with keep-alive, one task per connection.
fn spawn_hyper_http1<S, B>(listener: TcpListener, service: S)
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn StdError + Send + Sync>>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    tokio::spawn(async move {
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    eprintln!("sdk_overhead: accept failed: {e}");
                    continue;
                }
            };
            let service = service.clone();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

/// A response as the load generator sees it, minus the `date` header.
#[derive(Debug, PartialEq)]
struct Captured {
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: Bytes,
}

async fn fetch(client: &reqwest::Client, addr: SocketAddr, path: &str) -> Captured {
    let response = client
        .get(format!("http://{addr}{path}"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap_or_else(|e| fail(&format!("GET {path} from {addr}: {e}")));
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or("<binary>").to_owned()))
        .collect();
    headers.sort();
    let body = response.bytes().await.unwrap();
    Captured { status, headers, body: Bytes::copy_from_slice(&body) }
}

/// Starts every server and checks that the bare one answers exactly like the generated one.
async fn start(settings: &Settings, path: &str) -> Vec<(Server, SocketAddr)> {
    let output = Arc::new(fixed_output());
    let handler = move |_input: GetAttachedFileInput| {
        let output = Arc::clone(&output);
        async move { Ok::<_, GetAttachedFileError>(GetAttachedFileOutput::clone(&output)) }
    };
    let app = AmazonConnectService::builder(AmazonConnectServiceConfig::builder().build())
        .get_attached_file(handler.clone())
        // Only GetAttachedFile is measured; the other operations would answer 500.
        .build_unchecked();
    let sigv4 = attached_files_server_sdk::sigv4::SigV4Plugin::new(OneKey);
    let verifying = AmazonConnectService::builder(AmazonConnectServiceConfig::builder().http_plugin(sigv4).build())
        .get_attached_file(handler)
        .build_unchecked();
    let (listener, verified) = bind().await;
    tokio::spawn(async move {
        if let Err(e) = attached_files_server_sdk::serve(listener, verifying.into_make_service()).await {
            eprintln!("sdk_overhead: the verifying service stopped: {e}");
        }
    });

    let (listener, generated) = bind().await;
    let served = app.clone();
    tokio::spawn(async move {
        if let Err(e) = attached_files_server_sdk::serve(listener, served.into_make_service()).await {
            eprintln!("sdk_overhead: the generated service stopped: {e}");
        }
    });

    // What the generated service sends is what the bare one will send.
    let client = reqwest::Client::new();
    let reference = fetch(&client, generated, path).await;
    if reference.status != StatusCode::OK
        || !reference.headers.iter().any(|(n, v)| n == "content-type" && v == "application/json")
    {
        fail(&format!("the generated service answered {path} with {reference:?}"));
    }
    let status = reference.status;
    let body = reference.body.clone();
    let headers: Vec<(hyper::header::HeaderName, hyper::header::HeaderValue)> = reference
        .headers
        .iter()
        .filter(|(name, _)| name != "content-length") // hyper writes it from the body's length
        .map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap()))
        .collect();
    let headers = Arc::new(headers);
    let (listener, bare) = bind().await;
    spawn_hyper_http1(
        listener,
        hyper::service::service_fn(move |_request: Request<Incoming>| {
            let mut response = Response::new(Full::new(body.clone()));
            *response.status_mut() = status;
            for (name, value) in headers.iter() {
                response.headers_mut().insert(name.clone(), value.clone());
            }
            async move { Ok::<_, Infallible>(response) }
        }),
    );
    let answer = fetch(&client, bare, path).await;
    assert_eq!(answer, reference, "the bare server must answer with the generated service's exact bytes");

    let signed = signed_headers(&format!("http://{verified}{path}"));
    let request = signed.iter().fold(client.get(format!("http://{verified}{path}")), |r, (n, v)| r.header(n, v));
    let answer = request.header("accept", "application/json").send().await.unwrap();
    if answer.status() != 200 {
        fail(&format!("the verifying service answered the signed request {}", answer.status()));
    }
    let mut servers = vec![(Server::Bare, bare), (Server::Generated, generated), (Server::GeneratedSigV4, verified)];
    if settings.isolate {
        let (listener, addr) = bind().await;
        spawn_hyper_http1(listener, hyper_util::service::TowerToHyperService::new(app));
        assert_eq!(fetch(&client, addr, path).await, reference);
        servers.push((Server::GeneratedOnHyperLoop, addr));
    }
    eprintln!(
        "sdk_overhead: response: {} {} bytes of JSON, headers {:?} (+ date)",
        reference.status,
        reference.body.len(),
        reference.headers
    );
    servers
}

/// One wrk run's results.
#[derive(Clone, Copy)]
struct Run {
    requests_per_sec: f64,
    p50_us: f64,
    p99_us: f64,
    /// CPU time of this process (the servers; wrk is a child and not counted) per request, user and system.
    user_us: f64,
    sys_us: f64,
}

/// (user, system) CPU time of this process alone, in clock ticks (Linux; zero elsewhere).
fn own_cpu_ticks() -> (u64, u64) {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return (0, 0) };
    let Some((_, fields)) = stat.rsplit_once(')') else { return (0, 0) };
    let fields: Vec<u64> = fields.split_whitespace().skip(11).take(2).filter_map(|v| v.parse().ok()).collect();
    match fields[..] {
        [user, sys] => (user, sys),
        _ => (0, 0),
    }
}

/// Microseconds from wrk's `123.45us` / `1.23ms` / `1.00s` / `1.00m`.
fn parse_duration_us(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let factor = match unit {
        "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        "m" => 60e6,
        "h" => 3600e6,
        _ => return None,
    };
    Some(number.parse::<f64>().ok()? * factor)
}

fn run_wrk(settings: &Settings, server: Server, addr: SocketAddr, path: &str, connections: usize, seconds: u64) -> Run {
    let url = format!("http://{addr}{path}");
    let signed = if server == Server::GeneratedSigV4 { signed_headers(&url) } else { Vec::new() };
    let cpu_before = own_cpu_ticks();
    let output = Command::new(&settings.wrk)
        .args(["-t", &settings.wrk_threads.to_string(), "-c", &connections.to_string()])
        .args(["-d", &format!("{seconds}s"), "--latency", "-H", "Accept: application/json", &url])
        .args(signed.iter().flat_map(|(name, value)| ["-H".to_owned(), format!("{name}: {value}")]))
        .output()
        .unwrap_or_else(|e| fail(&format!("running {}: {e}", settings.wrk)));
    let cpu_after = own_cpu_ticks();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        fail(&format!("wrk failed ({}):\n{stdout}{}", output.status, String::from_utf8_lossy(&output.stderr)));
    }
    let mut run = Run { requests_per_sec: f64::NAN, p50_us: f64::NAN, p99_us: f64::NAN, user_us: 0.0, sys_us: 0.0 };
    let mut requests = f64::NAN;
    for line in stdout.lines() {
        let line = line.trim();
        if let Some((count, _)) = line.split_once(" requests in ") {
            requests = count.trim().parse().unwrap_or(f64::NAN);
        } else if let Some(rest) = line.strip_prefix("Requests/sec:") {
            run.requests_per_sec = rest.trim().parse().unwrap_or(f64::NAN);
        } else if let Some(rest) = line.strip_prefix("50%") {
            run.p50_us = parse_duration_us(rest.trim()).unwrap_or(f64::NAN);
        } else if let Some(rest) = line.strip_prefix("99%") {
            run.p99_us = parse_duration_us(rest.trim()).unwrap_or(f64::NAN);
        } else if line.starts_with("Non-2xx or 3xx responses") || line.starts_with("Socket errors") {
            fail(&format!("wrk saw errors against {url}:\n{stdout}"));
        }
    }
    if run.requests_per_sec.is_nan() || run.p50_us.is_nan() || run.p99_us.is_nan() || requests.is_nan() {
        fail(&format!("cannot read wrk's output:\n{stdout}"));
    }
    // A clock tick is 10 ms (USER_HZ = 100).
    run.user_us = (cpu_after.0 - cpu_before.0) as f64 * 10_000.0 / requests;
    run.sys_us = (cpu_after.1 - cpu_before.1) as f64 * 10_000.0 / requests;
    run
}

fn format_latency(us: f64) -> String {
    if us < 1000.0 { format!("{us:.0} µs") } else { format!("{:.2} ms", us / 1000.0) }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    values.iter().sum::<f64>() / values.len() as f64
}

/// CPU time in clock ticks, from /proc (Linux): (all CPUs busy, this process and its waited-for
/// children such as wrk). Their difference over the run is what other processes took.
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    let (idle, iowait) = (*cpu.get(3)?, *cpu.get(4)?);
    let busy = cpu.iter().take(8).sum::<u64>() - idle - iowait;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<u64> =
        own.rsplit_once(')')?.1.split_whitespace().skip(11).take(4).filter_map(|v| v.parse().ok()).collect();
    (fields.len() == 4).then(|| (busy, fields.iter().sum()))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn main() {
    let settings = Settings::from_env();
    check_wrk(&settings);
    let path = request_path();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(settings.workers)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let servers = runtime.block_on(start(&settings, &path));

    eprintln!(
        "sdk_overhead: GET {path}\nsdk_overhead: wrk -t{} --latency, {} s warm-up per server, then {} x {} s per server, alternating",
        settings.wrk_threads, settings.warmup, settings.rounds, settings.duration
    );
    let before = MachineBefore::now();
    let results = measure(&settings, &servers, &path);
    let machine = before.until_now();

    let mut table = String::new();
    write_header(&mut table, &settings, &machine);
    let met = write_rows(&mut table, &results);
    print!("{table}");
    runtime.shutdown_background();
    if !met && settings.enforce {
        std::process::exit(1);
    }
}

/// The measured runs of each connection count and server: (connections, server, runs).
type Results = Vec<(usize, Server, Vec<Run>)>;

/// For each connection count, warms every server up, then runs wrk against each in turn,
/// `settings.rounds` times, logging each run.
fn measure(settings: &Settings, servers: &[(Server, SocketAddr)], path: &str) -> Results {
    let mut results = Vec::new();
    for &connections in &settings.connections {
        if settings.warmup > 0 {
            for &(server, addr) in servers {
                run_wrk(settings, server, addr, path, connections, settings.warmup);
            }
        }
        let mut runs: Vec<Vec<Run>> = vec![Vec::new(); servers.len()];
        for round in 1..=settings.rounds {
            for (i, &(server, addr)) in servers.iter().enumerate() {
                let run = run_wrk(settings, server, addr, path, connections, settings.duration);
                eprintln!(
                    "sdk_overhead: c={connections} round {round} {:<22} {:>10.0} req/s  p50 {:>9}  p99 {:>9}  server CPU {:.1} µs/request",
                    server.name(),
                    run.requests_per_sec,
                    format_latency(run.p50_us),
                    format_latency(run.p99_us),
                    run.user_us + run.sys_us
                );
                runs[i].push(run);
            }
        }
        for (&(server, _), runs) in servers.iter().zip(runs) {
            results.push((connections, server, runs));
        }
    }
    results
}

/// The machine just before the measured runs: load average, CPU ticks, and when.
struct MachineBefore {
    load: String,
    ticks: Option<(u64, u64)>,
    started: std::time::Instant,
}

/// How busy the machine was over the measured runs.
struct Machine {
    load_before: String,
    ticks_before: Option<(u64, u64)>,
    elapsed: f64,
    ticks_after: Option<(u64, u64)>,
}

impl MachineBefore {
    fn now() -> MachineBefore {
        MachineBefore { load: load_average(), ticks: cpu_ticks(), started: std::time::Instant::now() }
    }

    fn until_now(self) -> Machine {
        let elapsed = self.started.elapsed().as_secs_f64();
        Machine { load_before: self.load, ticks_before: self.ticks, elapsed, ticks_after: cpu_ticks() }
    }
}

/// The table's header: the settings, what the columns mean, how busy the machine was, and the
/// column titles.
fn write_header(table: &mut String, settings: &Settings, machine: &Machine) {
    writeln!(
        table,
        "\nGetAttachedFile, generated SDK vs bare hyper 1: wrk -t{} --latency, {} x {} s per server and connection count \
         (alternating, after {} s warm-up), {} tokio workers, {} CPUs",
        settings.wrk_threads,
        settings.rounds,
        settings.duration,
        settings.warmup,
        settings.workers,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    )
    .unwrap();
    writeln!(
        table,
        "requests/s, p50, p99 and server CPU are means over the runs; server CPU is this process's CPU time (both \
         servers, not wrk) per request, user + system; `runs` lists each run's requests/s."
    )
    .unwrap();
    write_machine(table, machine);
    writeln!(table).unwrap();
    writeln!(
        table,
        "| connections | server                | requests/s |      p50 |      p99 | ratio to bare | server CPU/request      | runs (requests/s)"
    )
    .unwrap();
    writeln!(table, "|------------:|-----------------------|-----------:|---------:|---------:|--------------:|-------------------------|------------------")
        .unwrap();
}

/// The load average and the CPU other processes took during the runs, when /proc tells.
fn write_machine(table: &mut String, machine: &Machine) {
    let Machine { load_before, ticks_before, elapsed, ticks_after } = machine;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    if let (Some((busy0, own0)), Some((busy1, own1))) = (ticks_before, ticks_after) {
        // USER_HZ is 100 on every Linux platform Rust supports.
        let other = busy1.saturating_sub(*busy0).saturating_sub(own1 - own0) as f64 / 100.0;
        let share = other / (elapsed * cpus);
        writeln!(
            table,
            "Machine: load average {load_before} before, {} after; other processes used {other:.1} CPU-s of {:.0} ({:.1}%){}",
            load_average(),
            elapsed * cpus,
            share * 100.0,
            if share > 0.05 { " -- NOT QUIET, the numbers are unreliable" } else { "" }
        )
        .unwrap();
    }
}

/// One row per server and connection count, then the goals: returns whether the generated
/// service met them at every connection count.
fn write_rows(table: &mut String, results: &Results) -> bool {
    let mut met = true;
    let mut cpu_goals = Vec::new();
    let cpu_of = |runs: &[Run]| mean(runs.iter().map(|r| r.user_us + r.sys_us));
    for (connections, server, runs) in results {
        let (connections, server) = (*connections, *server);
        let rps = mean(runs.iter().map(|r| r.requests_per_sec));
        let bare_runs = &results.iter().find(|(c, s, _)| *c == connections && *s == Server::Bare).unwrap().2;
        let bare = mean(bare_runs.iter().map(|r| r.requests_per_sec));
        let ratio = rps / bare;
        let above = cpu_of(runs) - cpu_of(bare_runs);
        let verdict = match server {
            Server::Bare => String::new(),
            Server::Generated | Server::GeneratedSigV4 => {
                let both = ratio >= GOAL && above <= CPU_GOAL_US;
                if server == Server::Generated {
                    met &= both;
                }
                cpu_goals.push(format!(
                    "c={connections}: {}: {ratio:.2} of bare requests/s (goal >= {GOAL}), {above:.1} µs CPU/request above bare (goal <= {CPU_GOAL_US}): {}",
                    server.name(),
                    if both { "met" } else { "MISSED" }
                ));
                format!("{ratio:.3} {}", if ratio >= GOAL { "met" } else { "MISSED" })
            }
            Server::GeneratedOnHyperLoop => format!("{ratio:.3}"),
        };
        write_row(table, connections, server, runs, rps, &verdict);
    }
    writeln!(table, "\n{}", cpu_goals.join("\n")).unwrap();
    writeln!(
        table,
        "Goal (generated >= {:.0}% of bare requests/s and <= {CPU_GOAL_US} µs CPU/request above it, at every connection count): {}",
        GOAL * 100.0,
        if met { "MET" } else { "MISSED" }
    )
    .unwrap();
    met
}

/// One server's row: means over its runs, the verdict against bare, and each run's requests/s.
fn write_row(table: &mut String, connections: usize, server: Server, runs: &[Run], rps: f64, verdict: &str) {
    let each: Vec<String> = runs.iter().map(|r| format!("{:.0}", r.requests_per_sec)).collect();
    let (user, sys) = (mean(runs.iter().map(|r| r.user_us)), mean(runs.iter().map(|r| r.sys_us)));
    let cpu = format!("{:.1} µs ({user:.1} + {sys:.1})", user + sys);
    writeln!(
        table,
        "| {connections:>11} | {:<21} | {rps:>10.0} | {:>8} | {:>8} | {verdict:>13} | {cpu:<23} | {}",
        server.name(),
        format_latency(mean(runs.iter().map(|r| r.p50_us))),
        format_latency(mean(runs.iter().map(|r| r.p99_us))),
        each.join(" ")
    )
    .unwrap();
}
