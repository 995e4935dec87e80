//! Proves that the presigner with a cached signing key makes exactly aws-sdk-s3's URLs: byte for
//! byte, for path-style and virtual-hosted endpoints, awkward keys and dispositions, session
//! tokens, and signing times on either side of midnight (so that the cached key is replaced).

use std::time::{Duration, SystemTime};

use attached_files::objects::S3Endpoint;
use attached_files::presign::CachedKeyPresigner;
use attached_files::record::ObjectLocation;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_s3::presigning::PresigningConfig;

const KEYS: &[&str] = &[
    "inst-1/6f1c2b9e-1d2a-4c3b-9e8f-0a1b2c3d4e5f",
    "a b/c+d?e#f%g&h=i;j,k:l@m$n!o'p(q)r*s",
    "ünïcødé/ключ/文件",
    "tilde~under_score.dot-dash",
    "x/../y/./z",
    "trailing/",
    "//double//slash",
    "\"quotes\" <angles> [brackets] {braces} |pipe| \\back`tick^",
];

const DISPOSITIONS: &[Option<&str>] = &[
    None,
    Some("attachment; filename=\"report 1.pdf\"; filename*=UTF-8''report%201.pdf"),
    Some("inline; filename=\"na_ve _q_.txt\"; filename*=UTF-8''na%C3%AFve%20%22q%22.txt"),
];

/// Signing times, not in order, two of them a second apart across midnight.
fn times() -> Vec<SystemTime> {
    let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
    vec![
        at(1_714_703_688),                              // 2024-05-03T02:34:48Z
        at(1_714_780_799),                              // 2024-05-03T23:59:59Z
        at(1_714_780_800),                              // 2024-05-04T00:00:00Z
        at(1_714_703_688) + Duration::from_millis(999), // back to the first day, a fraction later
        at(1_798_761_599) + Duration::from_nanos(1),    // 2026-12-31T23:59:59Z
    ]
}

struct Case {
    endpoint: &'static str,
    path_style: bool,
    bucket: &'static str,
    session_token: Option<&'static str>,
}

async fn sdk_client(case: &Case, credentials: &Credentials) -> aws_sdk_s3::Client {
    // The client the server presigns with (S3Endpoint::client), with these credentials.
    let endpoint = S3Endpoint {
        url: Some(case.endpoint.into()),
        region: "eu-west-3".into(),
        force_path_style: case.path_style,
        credentials: Some(("unused".into(), "unused".into())),
    };
    let config = endpoint.client().await.config().to_builder().credentials_provider(credentials.clone()).build();
    aws_sdk_s3::Client::from_conf(config)
}

#[tokio::test]
async fn urls_are_byte_identical_to_aws_sdk_s3s() {
    let cases = [
        Case { endpoint: "http://127.0.0.1:9000", path_style: true, bucket: "attached-files", session_token: None },
        Case { endpoint: "http://127.0.0.1:9000", path_style: false, bucket: "attached-files", session_token: None },
        Case { endpoint: "http://[::1]:9000", path_style: false, bucket: "attached-files", session_token: None },
        Case { endpoint: "http://localhost:9000", path_style: false, bucket: "attached-files", session_token: None },
        Case { endpoint: "http://localhost:9000", path_style: true, bucket: "attached-files", session_token: None },
        Case {
            endpoint: "https://files.example.com",
            path_style: false,
            bucket: "b1",
            session_token: Some("FwoGZXIvYXdzEJr//////////wEaDH+token/with=odd&chars"),
        },
        Case { endpoint: "https://files.example.com/", path_style: false, bucket: "my.bucket", session_token: None },
        Case { endpoint: "http://files.example.com:8080", path_style: false, bucket: "my.bucket", session_token: None },
        Case {
            endpoint: "https://files.example.com/s3/",
            path_style: true,
            bucket: "attached-files",
            session_token: None,
        },
        Case {
            endpoint: "https://files.example.com/s3",
            path_style: false,
            bucket: "attached-files",
            session_token: None,
        },
    ];
    let mut compared = 0;
    for case in &cases {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            case.session_token.map(str::to_owned),
            None,
            "test",
        );
        let sdk = sdk_client(case, &credentials).await;
        let ours = CachedKeyPresigner::new(
            case.endpoint,
            "eu-west-3",
            case.path_style,
            SharedCredentialsProvider::new(credentials.clone()),
        )
        .unwrap();
        for time in times() {
            for key in KEYS {
                for disposition in DISPOSITIONS {
                    for lifetime in [5, 300] {
                        let at = ObjectLocation { bucket: case.bucket.into(), key: (*key).into() };
                        let lifetime = Duration::from_secs(lifetime);
                        let config = PresigningConfig::builder().start_time(time).expires_in(lifetime).build().unwrap();
                        let expected = sdk
                            .get_object()
                            .bucket(case.bucket)
                            .key(*key)
                            .set_response_content_disposition(disposition.map(str::to_owned))
                            .presigned(config)
                            .await
                            .unwrap();
                        let actual = ours.presign_get_at(&at, lifetime, *disposition, time).await.unwrap();
                        assert_eq!(actual, expected.uri(), "{} {key:?} {disposition:?} {time:?}", case.endpoint);
                        compared += 1;
                    }
                }
            }
        }
    }
    assert_eq!(compared, cases.len() * times().len() * KEYS.len() * DISPOSITIONS.len() * 2);
}

#[tokio::test]
async fn credentials_about_to_expire_are_replaced() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Hands out credentials that expire 10 minutes after `now`, counting the calls.
    #[derive(Debug)]
    struct Expiring(Arc<AtomicUsize>, SystemTime);
    impl aws_credential_types::provider::ProvideCredentials for Expiring {
        fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            let expiry = self.1 + Duration::from_secs(600);
            aws_credential_types::provider::future::ProvideCredentials::ready(Ok(Credentials::new(
                format!("AKID{n}"),
                "secret",
                None,
                Some(expiry),
                "test",
            )))
        }
    }

    let calls = Arc::new(AtomicUsize::new(0));
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_703_688);
    let presigner = CachedKeyPresigner::new(
        "http://127.0.0.1:9000",
        "us-east-1",
        true,
        SharedCredentialsProvider::new(Expiring(calls.clone(), start)),
    )
    .unwrap();
    let at = ObjectLocation { bucket: "b".into(), key: "k".into() };
    let url =
        |offset: u64| presigner.presign_get_at(&at, Duration::from_secs(60), None, start + Duration::from_secs(offset));
    assert!(url(0).await.unwrap().contains("AKID0"));
    assert!(url(200).await.unwrap().contains("AKID0"), "still 400 s to go: kept");
    assert!(url(400).await.unwrap().contains("AKID1"), "200 s to go: replaced");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
