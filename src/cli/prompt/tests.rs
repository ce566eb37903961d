
use super::*;

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        owned
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn outside_a_session_there_is_nothing() {
    assert_eq!(read_session(vars(&[]), now()), None);
    assert_eq!(
        read_session(vars(&[("ROLECALL_PROFILE", " ")]), now()),
        None
    );
}

#[test]
fn time_left_counts_down_to_expired() {
    let at = |exp: &str| {
        let pairs = [
            ("ROLECALL_PROFILE", "prod-admin"),
            ("AWS_CREDENTIAL_EXPIRATION", exp),
        ];
        let s = read_session(vars(&pairs), now()).unwrap();
        render(DEFAULT_TEMPLATE, &s)
    };
    assert_eq!(at("2026-01-01T12:42:30Z"), "prod-admin 42m");
    assert_eq!(at("2026-01-01T13:05:00Z"), "prod-admin 1h05m");
    assert_eq!(at("2026-01-01T12:00:59Z"), "prod-admin 59s");
    assert_eq!(at("2026-01-01T12:00:00Z"), "prod-admin expired");
    assert_eq!(at("2026-01-01T11:00:00Z"), "prod-admin expired");
    // Another offset is the same instant.
    assert_eq!(at("2026-01-01T14:42:30+02:00"), "prod-admin 42m");
}

#[test]
fn served_and_long_term_sessions() {
    let served = read_session(
        vars(&[("ROLECALL_PROFILE", "ops"), ("ROLECALL_SERVED", "1")]),
        now(),
    )
    .unwrap();
    assert_eq!(render(DEFAULT_TEMPLATE, &served), "ops served");
    let keys = read_session(vars(&[("ROLECALL_PROFILE", "ops")]), now()).unwrap();
    assert_eq!(render(DEFAULT_TEMPLATE, &keys), "ops");
    let garbled = read_session(
        vars(&[
            ("ROLECALL_PROFILE", "ops"),
            ("AWS_CREDENTIAL_EXPIRATION", "soon"),
        ]),
        now(),
    )
    .unwrap();
    assert_eq!(garbled.left, Left::Unknown);
}

#[test]
fn templates_place_the_parts() {
    let s = PromptSession {
        profile: "dev".into(),
        left: Left::Seconds(600),
    };
    assert_eq!(render("aws:{profile}({left})", &s), "aws:dev(10m)");
    assert_eq!(render("{profile}", &s), "dev");
}
