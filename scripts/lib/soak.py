"""The soak of scripts/soak: workers running the whole life of files against one server with
boto3 (the official client), while the server's memory and threads are sampled.

Each worker loops: StartAttachedFileUpload (a size from 1 byte to 300 KB), the PUT of the bytes,
Complete, Get, the download (checked), BatchGet, and Delete for 4 files in 5. The kept files'
digests are written to KEPT for the check after a restart (`verify`).

`run` fails on a failed call, an RSS peak above MAX_RSS MiB (0: no limit), or a last sample more
than MAX_GROWTH MiB above the first sample after the first minute (or, in shorter runs, after the
first third): growth that does not level off.

Usage: soak.py run ENDPOINT PID SECONDS WORKERS SAMPLE_EVERY KEPT MAX_RSS MAX_GROWTH
       soak.py verify ENDPOINT KEPT
The access key comes from SOAK_ACCESS_KEY_ID / SOAK_SECRET_ACCESS_KEY (the server's own
AWS_ACCESS_KEY_ID may be the object store's).
"""

import hashlib
import json
import multiprocessing
import os
import random
import sys
import time
import urllib.request

import boto3
from botocore.config import Config

INSTANCE = "inst-1"
CASE = "arn:aws:cases:us-east-1:111122223333:domain/d-1/case/c-1"
SIZES = [1, 100, 4_096, 65_536, 300_000]


def client(endpoint):
    config = Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=30)
    return boto3.client("connect", endpoint_url=endpoint, region_name="us-east-1", config=config,
                        aws_access_key_id=os.environ["SOAK_ACCESS_KEY_ID"],
                        aws_secret_access_key=os.environ["SOAK_SECRET_ACCESS_KEY"])


def http(url, data=None, method="GET", headers=None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def lifecycle(connect, rng):
    """One file's life; returns (file_id, digest) when the file is kept, else None."""
    size = rng.choice(SIZES)
    body = rng.randbytes(size)
    started = connect.start_attached_file_upload(
        InstanceId=INSTANCE, AssociatedResourceArn=CASE, FileName="soak.pdf",
        FileSizeInBytes=size, FileUseCaseType="ATTACHMENT")
    file_id = started["FileId"]
    upload = started["UploadUrlMetadata"]
    http(upload["Url"], body, "PUT", dict(upload["HeadersToInclude"]))
    ref = dict(InstanceId=INSTANCE, FileId=file_id, AssociatedResourceArn=CASE)
    connect.complete_attached_file_upload(**ref)
    got = connect.get_attached_file(**ref)
    if http(got["DownloadUrlMetadata"]["Url"]) != body:
        raise RuntimeError(f"{file_id}: the download differs from the upload")
    batch = connect.batch_get_attached_file_metadata(InstanceId=INSTANCE, AssociatedResourceArn=CASE,
                                                      FileIds=[file_id])
    if [f["FileId"] for f in batch["Files"]] != [file_id]:
        raise RuntimeError(f"{file_id}: BatchGet did not answer it")
    if rng.random() < 0.8:
        connect.delete_attached_file(**ref)
        return None
    return file_id, hashlib.sha256(body).hexdigest()


def worker(endpoint, deadline, seed, results):
    rng, connect = random.Random(seed), client(endpoint)
    done = failed = 0
    kept, errors = [], {}
    while time.time() < deadline:
        try:
            outcome = lifecycle(connect, rng)
            done += 1
            if outcome:
                kept.append(outcome)
        except Exception as e:  # counted and reported: the soak goes on
            failed += 1
            errors[type(e).__name__] = str(e)[:200]
    results.put((done, failed, kept, errors))


def memory(pid):
    """The server's resident memory in MiB (all, anonymous, file-backed) and its thread count,
    from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    mib = [int(fields[key][0]) / 1024 for key in ("VmRSS", "RssAnon", "RssFile")]
    return (*mib, int(fields["Threads"][0]))


def run(endpoint, pid, seconds, workers, every, kept_path, max_rss, max_growth):
    start = time.time()
    deadline = start + seconds
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=worker, args=(endpoint, deadline, n, results))
                 for n in range(workers)]
    for process in processes:
        process.start()
    samples = []
    while time.time() < deadline:
        time.sleep(min(every, max(0.0, deadline - time.time())))
        rss, anon, file, threads = memory(pid)
        samples.append((time.time() - start, rss, anon, file, threads))
        print(f"  {samples[-1][0]:7.0f} s  RSS {rss:7.1f} MiB (anonymous {anon:.1f}, file {file:.1f})  "
              f"threads {threads}", flush=True)
    done = failed = 0
    kept, errors = [], {}
    for _ in processes:
        d, f, k, e = results.get()
        done, failed = done + d, failed + f
        kept += k
        errors.update(e)
    for process in processes:
        process.join()
    with open(kept_path, "w") as out:
        json.dump(kept, out)
    elapsed = time.time() - start
    print(f"{done} lifecycles in {elapsed:.0f} s ({done / elapsed:.0f}/s) with {workers} workers, "
          f"{failed} failed, {len(kept)} files kept")
    for name, message in errors.items():
        print(f"  failure {name}: {message}")
    print("| time (s) | RSS (MiB) | anonymous | file | threads |")
    print("|---:|---:|---:|---:|---:|")
    for at, rss, anon, file, threads in samples:
        print(f"| {at:.0f} | {rss:.1f} | {anon:.1f} | {file:.1f} | {threads} |")
    peak = max(sample[1] for sample in samples)
    settled = next(sample for sample in samples if sample[0] >= min(60, seconds / 3) - 1)
    growth = samples[-1][1] - settled[1]
    print(f"RSS peak {peak:.1f} MiB, last {samples[-1][1]:.1f} MiB, "
          f"{growth:+.1f} MiB since {settled[0]:.0f} s")
    ok = failed == 0
    if max_rss and peak > max_rss:
        print(f"soak: the RSS peak is above {max_rss} MiB")
        ok = False
    if growth > max_growth:
        print(f"soak: RSS grew by more than {max_growth} MiB after {settled[0]:.0f} s")
        ok = False
    return ok


def verify(endpoint, kept_path):
    connect = client(endpoint)
    with open(kept_path) as kept_file:
        kept = json.load(kept_file)
    broken = 0
    for file_id, digest in kept:
        got = connect.get_attached_file(InstanceId=INSTANCE, FileId=file_id, AssociatedResourceArn=CASE)
        if hashlib.sha256(http(got["DownloadUrlMetadata"]["Url"])).hexdigest() != digest:
            broken += 1
    print(f"after the restart: {len(kept) - broken} of {len(kept)} kept files intact")
    return broken == 0


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "run":
        ok = run(args[0], int(args[1]), float(args[2]), int(args[3]), float(args[4]), args[5],
                 float(args[6]), float(args[7]))
    else:
        ok = verify(args[0], args[1])
    sys.exit(0 if ok else 1)
