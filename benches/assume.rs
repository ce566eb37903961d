//! rolecall's own overhead on an assume: everything but the STS round trip
//! (`cargo bench --bench assume`).
//!
//! STS is a fake HTTP client that answers every call at once with a real AssumeRole
//! response, so what is timed is rolecall's work and the SDK's: planning the chain, reading
//! the base's static keys from the files, signing and sending each AssumeRole, parsing the
//! answers, and saving the session (a 0600 file, atomically, under a lock). Two cases, on
//! the generated 5,000-profile config, for the longest chain in it:
//! - the TUI's: the profile graph is already loaded;
//! - a command's (`rolecall export`): the graph loaded first, as every command does.
//!
//! Prints the median of 101 runs of each; the figures go in docs/BENCHMARKS.md.

mod common;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use common::generated;
use rolecall::profile::{ConfigPaths, ProfileGraph};
use rolecall::resolve::{FixedMfa, ResolveOptions, Resolver, Vars};
use rolecall::session::SessionStore;
use rolecall::sso::Sso;
use rolecall::sts::Sts;
use std::time::{Duration, Instant};

/// Answers every request at once with an AssumeRole success.
#[derive(Debug)]
struct InstantSts;

const ANSWER: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
<AssumeRoleResult><Credentials><AccessKeyId>ASIABENCH0000EXAMPLE</AccessKeyId>\
<SecretAccessKey>benchSecretAccessKeybenchSecretAccessKey</SecretAccessKey>\
<SessionToken>benchSessionToken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>\
</Credentials><AssumedRoleUser><AssumedRoleId>AROABENCH:s</AssumedRoleId>\
<Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn></AssumedRoleUser></AssumeRoleResult>\
<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></AssumeRoleResponse>";

impl HttpConnector for InstantSts {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(Ok(Response::new(
            StatusCode::try_from(200).unwrap(),
            SdkBody::from(ANSWER),
        )))
    }
}

impl HttpClient for InstantSts {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(InstantSts)
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let paths = ConfigPaths::in_dir(&generated(5_000));
    let graph = ProfileGraph::load(&paths);
    let profile = graph
        .profiles()
        .iter()
        .filter(|p| p.chain_complete && p.mfa_serial.is_none() && !p.mfa_in_chain)
        .max_by_key(|p| p.chain.len())
        .expect("a role profile")
        .name
        .clone();
    let hops = graph.get(&profile).unwrap().chain.len() - 1;
    let cache = tempfile::tempdir().unwrap();
    let store = SessionStore::open(cache.path()).unwrap();
    let sts = Sts::with_http_client(SharedHttpClient::new(InstantSts));
    let sso = Sso::from_env();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // STS is asked every time: the cache is bypassed, as `--refresh` does.
    let options = ResolveOptions {
        force_refresh: true,
        ..ResolveOptions::default()
    };
    let assume = |graph: &ProfileGraph| {
        let vars = Vars::process();
        let resolver = Resolver::new(graph, &sts, &store, &vars, &sso);
        runtime
            .block_on(resolver.obtain(&profile, &FixedMfa(None), &options))
            .expect("the assume works")
    };
    assume(&graph); // warm-up: the HTTP client's first use, the store's first file
    let mut loaded = Vec::new();
    let mut from_files = Vec::new();
    for _ in 0..101 {
        let start = Instant::now();
        std::hint::black_box(assume(&graph));
        loaded.push(start.elapsed());
        let start = Instant::now();
        let fresh = ProfileGraph::load(&paths);
        std::hint::black_box(assume(&fresh));
        from_files.push(start.elapsed());
    }
    println!(
        "assume of '{profile}' ({hops} AssumeRole calls, STS answering at once), 5,000 profiles:\n\
         \x20  graph loaded (the TUI): {:?}\n\
         \x20  graph loaded first (a command): {:?}",
        median(loaded),
        median(from_files)
    );
}
