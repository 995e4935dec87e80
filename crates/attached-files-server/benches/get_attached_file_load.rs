//! Load benchmark (not a test) of GetAttachedFile for an APPROVED file against the running
//! server, beside a bare hyper 1 server that answers every request with the same bytes. All are
//! loaded by the same generator (`wrk`) in the same run, alternating. The server is the real
//! binary (`attached-files-server serve`, bench profile, default settings and logging, its log
//! going to a file), on a fresh data directory holding one approved file of 1 MiB, twice: verifying
//! SigV4 (the default; wrk sends a request signed with a key made by `keys create`, which stays
//! valid for the 15 minutes SigV4 allows) and with `--no-verify-signatures`. Its resident memory is
//! read from /proc: idle after start and one request, and the highest value seen under load. Each
//! row also shows the CPU time the loaded server spent per request (user + system; for the bare
//! server, this process's), and the header how much CPU other processes took during the run:
//! wrk and the servers share the machine's CPUs, so a busy machine skews the comparison.
//!
//! Goals on the 2-core reference machine (issue 29): verifying SigV4, at least 60% of the bare
//! server's requests/s and p99 at most 2 ms at 64 connections; unverified, at least 70%; RSS
//! under 64 MiB under load.
//!
//! Run: `cargo bench -p attached-files-server --bench get_attached_file_load` (or
//! `scripts/bench-get`, which runs the generated layer's bench first). Needs `wrk`
//! (Debian/Ubuntu: `apt-get install -y wrk`). Settings, all environment variables:
//! - `LOAD_BENCH_DURATION`: seconds per measured run (default 8);
//! - `LOAD_BENCH_WARMUP`: seconds of warm-up per server before each connection count (default 3);
//! - `LOAD_BENCH_ROUNDS`: measured runs per server and connection count, alternating (default 3);
//! - `LOAD_BENCH_CONNECTIONS`: comma-separated connection counts (default `16,64`);
//! - `LOAD_BENCH_WRK_THREADS`: wrk's threads (default 1, so that wrk takes one core at most);
//! - `LOAD_BENCH_RUST_LOG`: the server's `RUST_LOG` (default: unset, so the server's own default,
//!   which logs one line per request).

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const CASE_ARN: &str = "arn:aws:cases:us-west-2:111122223333:domain/0f4e2b6a-9c1d-4e3f-8a7b-EXAMPLE33333/case/6c5d4e3f-2a1b-4c0d-9e8f-EXAMPLE44444";
const INSTANCE_ID: &str = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

struct Settings {
    duration: u64,
    warmup: u64,
    rounds: usize,
    connections: Vec<usize>,
    wrk_threads: usize,
    rust_log: Option<String>,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(value) => value.trim().parse().unwrap_or_else(|_| fail(&format!("{name}={value:?} is not a valid value"))),
        Err(_) => default,
    }
}

fn fail(message: &str) -> ! {
    eprintln!("get_attached_file_load: {message}");
    std::process::exit(2)
}

impl Settings {
    fn from_env() -> Self {
        let connections = std::env::var("LOAD_BENCH_CONNECTIONS").unwrap_or_else(|_| "16,64".into());
        let settings = Settings {
            duration: env_or("LOAD_BENCH_DURATION", 8),
            warmup: env_or("LOAD_BENCH_WARMUP", 3),
            rounds: env_or("LOAD_BENCH_ROUNDS", 3),
            connections: connections
                .split(',')
                .map(|c| c.trim().parse().unwrap_or_else(|_| fail(&format!("{c:?} is not a connection count"))))
                .collect(),
            wrk_threads: env_or("LOAD_BENCH_WRK_THREADS", 1),
            rust_log: std::env::var("LOAD_BENCH_RUST_LOG").ok(),
        };
        if settings.duration == 0 || settings.rounds == 0 || settings.wrk_threads == 0 {
            fail("LOAD_BENCH_DURATION, LOAD_BENCH_ROUNDS and LOAD_BENCH_WRK_THREADS must be positive");
        }
        if settings.connections.iter().any(|&c| c < settings.wrk_threads) {
            fail("every connection count must be at least wrk's thread count");
        }
        settings
    }
}

/// The real server on a fresh data directory, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    api: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

fn binary(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_attached-files-server"));
    command.arg("--data-dir").arg(data);
    for var in ["ATTACHED_FILES_S3_ENDPOINT", "ATTACHED_FILES_PUBLIC_S3_ENDPOINT", "ATTACHED_FILES_BUCKET"] {
        command.env_remove(var);
    }
    command
}

/// An access key: id and secret.
type Key = (String, String);

/// Starts the server (verifying signatures with a new key, or not at all), stores one approved
/// file in it and returns the server, the request path of its GetAttachedFile, and the key.
fn start_server(dir: &Path, settings: &Settings, verify: bool) -> (Server, String, Option<Key>) {
    use std::io::BufRead;
    let data = dir.join("data");
    let key = verify.then(|| {
        let output = binary(&data).args(["keys", "create", "--instance", INSTANCE_ID]).output().unwrap();
        let exports = String::from_utf8(output.stdout).unwrap();
        let value = |name: &str| {
            exports.lines().find_map(|line| line.strip_prefix(&format!("export {name}="))).map(str::to_owned)
        };
        match (value("AWS_ACCESS_KEY_ID"), value("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => (id, secret),
            _ => fail(&format!("keys create printed {exports:?}")),
        }
    });
    let mut command = binary(&data);
    command.args(["serve", "--listen", "127.0.0.1:0", "--embedded-s3-listen", "127.0.0.1:0"]);
    if !verify {
        command.arg("--no-verify-signatures");
    }
    command.env_remove("RUST_LOG");
    if let Some(filter) = &settings.rust_log {
        command.env("RUST_LOG", filter);
    }
    let log = std::fs::File::create(dir.join("serve.log")).unwrap();
    let mut child = command.stdout(Stdio::piped()).stderr(log).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let api = line
        .trim()
        .strip_prefix("ready: API at ")
        .and_then(|rest| rest.split_once(", embedded object store at "))
        .unwrap_or_else(|| fail(&format!("unexpected readiness line {line:?}")));
    let store = api.1.split_once(',').map_or(api.1, |(store, _)| store).trim_start_matches("http://").to_owned();
    let server = Server { child, api: api.0.to_owned() };

    let file = dir.join("invoice-2024-05.pdf");
    std::fs::write(&file, vec![b'x'; 1 << 20]).unwrap();
    let output = binary(&data)
        .args(["--embedded-s3-listen", &store, "ingest", "--instance-id", INSTANCE_ID])
        .args(["--associated-resource-arn", CASE_ARN, "--status", "APPROVED"])
        .args(["--tag", "department=billing", "--tag", "retention=7-years"])
        .args(["--connect-user-arn", "arn:aws:connect:us-west-2:111122223333:instance/i/agent/a"])
        .arg(&file)
        .output()
        .unwrap();
    if !output.status.success() {
        fail(&format!("ingest failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let arn: String = CASE_ARN
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let path = format!(
        "/attached-files/{INSTANCE_ID}/{}?associatedResourceArn={arn}&urlExpiryInSeconds=300",
        record["FileId"].as_str().unwrap()
    );
    (server, path, key)
}

/// The headers of a GET of `url` signed with `key` now (SigV4, for us-east-1 and `connect`, over
/// `host` and `x-amz-date`): the same request may be sent again for 15 minutes.
fn signed_headers(url: &str, key: &Key) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity = aws_credential_types::Credentials::new(&key.0, &key.1, None, None, "bench").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("connect")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let request = SignableRequest::new("GET", url, std::iter::empty(), SignableBody::Bytes(&[])).unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    instructions.headers().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()
}

/// Resident memory of `pid` in KiB, from /proc (Linux).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// (user + system) CPU time of a process in clock ticks of 10 ms, from /proc (Linux).
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<u64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().skip(11).take(2).filter_map(|v| v.parse().ok()).collect())
        .unwrap_or_default();
    fields.iter().sum()
}

/// Ticks all CPUs spent in processes (user, nice, system, steal: not interrupts, which the
/// loopback traffic causes but no process is charged for), and this process's ticks including its
/// waited-for children (wrk, the ingest), from /proc (Linux): what other processes took is the
/// difference, less the server's.
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu: Vec<u64> =
        stat.lines().next().unwrap_or_default().split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    let busy = [0, 1, 2, 7].iter().filter_map(|&i| cpu.get(i)).sum();
    let own = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<u64> = own
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().skip(11).take(4).filter_map(|v| v.parse().ok()).collect())
        .unwrap_or_default();
    (busy, fields.iter().sum())
}

/// Serves `body` (with `content_type`) to every request over plain hyper 1 HTTP/1 with keep-alive.
async fn start_bare(body: Bytes, content_type: String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let (body, content_type) = (body.clone(), content_type.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_request: Request<Incoming>| {
                    let mut response = Response::new(Full::new(body.clone()));
                    response.headers_mut().insert("content-type", content_type.parse().unwrap());
                    async move { Ok::<_, Infallible>(response) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

struct Run {
    requests_per_sec: f64,
    p50_us: f64,
    p99_us: f64,
    /// CPU time the server under load spent per request, user + system.
    cpu_us: f64,
    /// Highest RSS of the server during the run, KiB (the bare server: none).
    peak_rss_kib: Option<u64>,
}

fn parse_duration_us(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let factor = match unit {
        "us" => 1.0,
        "ms" => 1e3,
        "s" => 1e6,
        _ => return None,
    };
    Some(number.parse::<f64>().ok()? * factor)
}

/// What wrk loads: a server verifying signatures, one that does not, or the bare server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Signed,
    Unverified,
    Bare,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Signed => "server, SigV4",
            Target::Unverified => "server, unverified",
            Target::Bare => "bare hyper",
        }
    }
}

/// Runs wrk against `url` (signed with `key` if given); `server` is the server process's id,
/// `None` for the bare server in this process.
fn run_wrk(
    settings: &Settings,
    url: &str,
    key: Option<&Key>,
    connections: usize,
    seconds: u64,
    server: Option<u32>,
) -> Run {
    let headers = key.map(|key| signed_headers(url, key)).unwrap_or_default();
    let pid = server.map_or_else(|| "self".to_owned(), |pid| pid.to_string());
    let cpu_before = cpu_ticks(&pid);
    // Samples the server's RSS every 50 ms while wrk runs.
    let (done, peak) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let sampler = server.map(|pid| {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    });
    let output = Command::new("wrk")
        .args(["-t", &settings.wrk_threads.to_string(), "-c", &connections.to_string()])
        .args(["-d", &format!("{seconds}s"), "--latency", url])
        .args(headers.iter().flat_map(|(name, value)| ["-H".to_owned(), format!("{name}: {value}")]))
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run wrk ({e}); install it: apt-get install -y wrk")));
    let cpu = cpu_ticks(&pid) - cpu_before;
    done.store(true, Ordering::Relaxed);
    if let Some(sampler) = sampler {
        sampler.join().unwrap();
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        fail(&format!("wrk failed: {stdout}{}", String::from_utf8_lossy(&output.stderr)));
    }
    let mut run = Run {
        requests_per_sec: f64::NAN,
        p50_us: f64::NAN,
        p99_us: f64::NAN,
        cpu_us: f64::NAN,
        peak_rss_kib: server.map(|_| peak.load(Ordering::Relaxed)),
    };
    for line in stdout.lines().map(str::trim) {
        if let Some((count, _)) = line.split_once(" requests in ") {
            let requests: f64 = count.trim().parse().unwrap_or(f64::NAN);
            run.cpu_us = cpu as f64 * 10_000.0 / requests;
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
    if run.requests_per_sec.is_nan() || run.p50_us.is_nan() || run.p99_us.is_nan() || run.cpu_us.is_nan() {
        fail(&format!("cannot read wrk's output:\n{stdout}"));
    }
    run
}

fn latency(us: f64) -> String {
    if us < 1000.0 { format!("{us:.0} µs") } else { format!("{:.2} ms", us / 1000.0) }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    values.iter().sum::<f64>() / values.len() as f64
}

fn main() {
    let settings = Settings::from_env();
    let (signed_dir, unverified_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (signed, signed_path, key) = start_server(signed_dir.path(), &settings, true);
    let (unverified, path) = match start_server(unverified_dir.path(), &settings, false) {
        (server, path, None) => (server, path),
        _ => unreachable!("no key without verification"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();

    // One call: what the bare server will answer, and the servers' memory once they have served.
    let response = runtime.block_on(async { reqwest::get(format!("{}{path}", unverified.api)).await.unwrap() });
    if response.status() != 200 {
        fail(&format!("GetAttachedFile answered {}", response.status()));
    }
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    let body = runtime.block_on(response.bytes()).unwrap();
    let signed_url = format!("{}{signed_path}", signed.api);
    let probe = signed_headers(&signed_url, key.as_ref().unwrap());
    let status = runtime.block_on(async {
        let request = probe.iter().fold(reqwest::Client::new().get(&signed_url), |r, (n, v)| r.header(n, v));
        request.send().await.unwrap().status()
    });
    if status != 200 {
        fail(&format!("the signed GetAttachedFile answered {status}"));
    }
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = rss_kib(signed.child.id()).max(rss_kib(unverified.child.id()));
    let bare = runtime.block_on(start_bare(body.clone(), content_type));
    let targets = [
        (Target::Signed, signed_url, key.as_ref(), Some(signed.child.id())),
        (Target::Unverified, format!("{}{path}", unverified.api), None, Some(unverified.child.id())),
        (Target::Bare, format!("http://{bare}{path}"), None, None),
    ];
    eprintln!("get_attached_file_load: GET {path}: {} bytes of JSON", body.len());

    let servers_ticks = || cpu_ticks(&signed.child.id().to_string()) + cpu_ticks(&unverified.child.id().to_string());
    let (started, server_ticks_before, machine_before) = (std::time::Instant::now(), servers_ticks(), machine_ticks());
    // (connections, target, runs)
    let mut results: Vec<(usize, Target, Vec<Run>)> = Vec::new();
    for &connections in &settings.connections {
        for (_, url, key, _) in &targets {
            run_wrk(&settings, url, *key, connections, settings.warmup, None);
        }
        let mut runs: Vec<Vec<Run>> = targets.iter().map(|_| Vec::new()).collect();
        for round in 1..=settings.rounds {
            for (i, (target, url, key, pid)) in targets.iter().enumerate() {
                let run = run_wrk(&settings, url, *key, connections, settings.duration, *pid);
                eprintln!(
                    "get_attached_file_load: c={connections} round {round} {:<18} {:>8.0} req/s  p50 {:>9}  p99 {:>9}  CPU {:.1} µs/request",
                    target.name(),
                    run.requests_per_sec,
                    latency(run.p50_us),
                    latency(run.p99_us),
                    run.cpu_us
                );
                runs[i].push(run);
            }
        }
        for ((target, ..), runs) in targets.iter().zip(runs) {
            results.push((connections, *target, runs));
        }
    }

    let elapsed = started.elapsed().as_secs_f64();
    let server_ticks = servers_ticks() - server_ticks_before;
    let machine_after = machine_ticks();
    let mut table = String::new();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    writeln!(
        table,
        "\nGetAttachedFile (APPROVED file, {} bytes of JSON) on `attached-files-server serve`, verifying SigV4 and \
         not, vs bare hyper 1 with the same bytes: wrk -t{} --latency, {} x {} s per target and connection count \
         (alternating, after {} s warm-up), {cpus} CPUs shared by wrk and the servers; server RUST_LOG {}",
        body.len(),
        settings.wrk_threads,
        settings.rounds,
        settings.duration,
        settings.warmup,
        settings.rust_log.as_deref().unwrap_or("unset (default: one line per request)")
    )
    .unwrap();
    let others = (machine_after.0 - machine_before.0)
        .saturating_sub(machine_after.1 - machine_before.1)
        .saturating_sub(server_ticks) as f64
        / 100.0;
    let share = others / (elapsed * cpus as f64);
    writeln!(
        table,
        "Machine: other processes used {others:.1} CPU-s of {:.0} ({:.1}%){}",
        elapsed * cpus as f64,
        share * 100.0,
        if share > 0.05 { " -- NOT QUIET, the numbers are unreliable" } else { "" }
    )
    .unwrap();
    writeln!(table, "Server RSS idle (after start and one call): {}\n", mib(idle_rss)).unwrap();
    writeln!(
        table,
        "| connections | target             | requests/s |      p50 |      p99 | ratio to bare | CPU/request | peak RSS under load |"
    )
    .unwrap();
    writeln!(
        table,
        "|------------:|--------------------|-----------:|---------:|---------:|--------------:|------------:|--------------------:|"
    )
    .unwrap();
    let mut goals = Vec::new();
    let rps_of = |connections: usize, target: Target| {
        results
            .iter()
            .find(|(c, t, _)| *c == connections && *t == target)
            .map(|(_, _, runs)| mean(runs.iter().map(|r| r.requests_per_sec)))
            .unwrap()
    };
    for (connections, target, runs) in &results {
        let rps = mean(runs.iter().map(|r| r.requests_per_sec));
        let bare_rps = rps_of(*connections, Target::Bare);
        let p99 = mean(runs.iter().map(|r| r.p99_us));
        let peak = runs.iter().filter_map(|r| r.peak_rss_kib).max();
        if *target != Target::Bare {
            let name = target.name();
            let goal = if *target == Target::Signed { 60 } else { 70 };
            goals.push(format!(
                "c={connections}: {name}: throughput {:.0}% of bare (goal >= {goal}%)",
                rps / bare_rps * 100.0
            ));
            if *connections == 64 && *target == Target::Signed {
                goals.push(format!("c=64: {name}: p99 {} (goal <= 2 ms)", latency(p99)));
            }
            if let Some(peak) = peak {
                goals.push(format!("c={connections}: {name}: peak RSS {} (goal < 64 MiB)", mib(peak)));
            }
        }
        if *target == Target::Signed {
            let unverified = rps_of(*connections, Target::Unverified);
            goals.push(format!(
                "c={connections}: SigV4 verification keeps {:.0}% of the unverified throughput",
                rps / unverified * 100.0
            ));
        }
        writeln!(
            table,
            "| {connections:>11} | {:<18} | {rps:>10.0} | {:>8} | {:>8} | {:>13} | {:>8.1} µs | {:>19} |",
            target.name(),
            latency(mean(runs.iter().map(|r| r.p50_us))),
            latency(p99),
            if *target == Target::Bare { String::new() } else { format!("{:.2}", rps / bare_rps) },
            mean(runs.iter().map(|r| r.cpu_us)),
            peak.map(mib).unwrap_or_default()
        )
        .unwrap();
    }
    writeln!(table, "\n{}", goals.join("\n")).unwrap();
    print!("{table}");
    drop((signed, unverified));
    runtime.shutdown_background();
}
