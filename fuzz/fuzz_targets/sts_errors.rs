//! STS responses as far as rolecall reads them: aws-sdk-sts deserialises the XML and
//! `rolecall::sts` classifies what went wrong. A fake HTTP client answers every request
//! with the fuzzed status and body; `assume_role` (with and without MFA, so with and
//! without retries) and `get_session_token` must end in `Ok` or a classified `StsError`,
//! never a panic, and no error may show the source credentials or the MFA code.
//!
//! Input: one byte picks the call, two bytes the status (100 + n % 500), the rest is the body.
#![no_main]

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use libfuzzer_sys::fuzz_target;
use rolecall::credentials::Credentials;
use rolecall::secret::Secret;
use rolecall::sts::{AssumeRoleRequest, MfaCode, Sts, StsError, StsTarget};
use rolecall_fuzz::assert_exportable;
use std::sync::{Mutex, OnceLock};

const ACCESS_KEY_ID: &str = "AKIAFUZZSOURCEXAMPLE";
const SECRET_ACCESS_KEY: &str = "fuzzSourceSecretAccessKeyQ7zQ7zQ7zQ7zQ7z";
const SESSION_TOKEN: &str = "fuzzSourceSessionTokenW3xW3xW3xW3xW3x";
const MFA_CODE: &str = "907135";

/// What the fake answers: status and body of the current input.
static ANSWER: Mutex<(u16, Vec<u8>)> = Mutex::new((200, Vec::new()));

#[derive(Debug)]
struct Fake;

impl HttpConnector for Fake {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let (status, body) = ANSWER.lock().unwrap().clone();
        let status = StatusCode::try_from(status).expect("100..=599");
        HttpConnectorFuture::ready(Ok(Response::new(status, SdkBody::from(body))))
    }
}

impl HttpClient for Fake {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(Fake)
    }
}

/// Built once: the runtime (its clock paused, so retry back-off and timeouts cost no time)
/// and the fixed inputs.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    sts: Sts,
    source: Credentials,
    target: StsTarget,
    code: MfaCode,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture {
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a runtime"),
        sts: Sts::with_http_client(SharedHttpClient::new(Fake)),
        source: Credentials {
            access_key_id: ACCESS_KEY_ID.into(),
            secret_access_key: Secret::new(SECRET_ACCESS_KEY),
            session_token: Some(Secret::new(SESSION_TOKEN)),
            expiration: None,
        },
        target: StsTarget {
            endpoint_url: Some("http://127.0.0.1:9".into()),
            ..StsTarget::in_region("eu-west-1")
        },
        code: MfaCode::parse(MFA_CODE).expect("six digits"),
    })
}

fuzz_target!(|data: &[u8]| {
    let [call, high, low, body @ ..] = data else {
        return;
    };
    let status = 100 + u16::from_be_bytes([*high, *low]) % 500;
    *ANSWER.lock().unwrap() = (status, body.to_vec());
    let f = fixture();
    let request = |mfa: bool| AssumeRoleRequest {
        role_arn: "arn:aws:iam::123456789012:role/fuzz".into(),
        session_name: "rolecall-fuzz".into(),
        duration_seconds: Some(900),
        external_id: None,
        mfa: mfa.then(|| ("arn:aws:iam::123456789012:mfa/fuzz".into(), f.code.clone())),
    };
    let result: Result<Credentials, StsError> = f.runtime.block_on(async {
        match call % 3 {
            0 => {
                f.sts
                    .assume_role(&f.source, &f.target, &request(false))
                    .await
            }
            1 => {
                f.sts
                    .assume_role(&f.source, &f.target, &request(true))
                    .await
            }
            _ => {
                f.sts
                    .get_session_token(
                        &f.source,
                        &f.target,
                        Some(("arn:aws:iam::123456789012:mfa/fuzz", &f.code)),
                        None,
                    )
                    .await
            }
        }
    });
    match result {
        Ok(credentials) => {
            // What STS returned, not what was sent: the body names the new key.
            let text = String::from_utf8_lossy(body);
            assert!(
                credentials.access_key_id != ACCESS_KEY_ID || text.contains(ACCESS_KEY_ID),
                "the source key came back as the new one"
            );
            assert_exportable(&credentials);
        }
        Err(error) => {
            let shown = format!("{error} {error:?}");
            let text = String::from_utf8_lossy(body);
            for secret in [SECRET_ACCESS_KEY, SESSION_TOKEN, MFA_CODE] {
                assert!(
                    !shown.contains(secret) || text.contains(secret),
                    "the error shows a secret the body does not hold: {shown}"
                );
            }
        }
    }
});
