
use super::*;

#[test]
fn expirations_are_rfc_3339_with_a_four_digit_utc_year() {
    let at = |s: &str| parse_expiration(s).map(|t| t.to_rfc3339());
    assert_eq!(
        at("2030-01-02T03:04:05Z").as_deref(),
        Some("2030-01-02T03:04:05+00:00")
    );
    assert_eq!(
        at("2030-01-02T05:04:05.5+02:00").as_deref(),
        Some("2030-01-02T03:04:05.500+00:00")
    );
    assert!(at("9999-12-31T23:59:59Z").is_some());
    // Found by fuzzing (fuzz/session_store): in UTC these are the years 10000 and -1,
    // which RFC 3339 cannot write, so no export format could hand them on.
    assert_eq!(at("9999-12-31T23:59:59-23:59"), None);
    assert_eq!(at("0000-01-01T00:00:00+00:01"), None);
    assert_eq!(at("+10000-01-01T00:00:00Z"), None);
    assert_eq!(at("soon"), None);
    // Found by fuzzing (fuzz/session_store): a leap second. chrono keeps it, and would
    // print `23:59:60Z`, which Python's datetime (botocore, the AWS CLI) refuses; it is
    // read as the second before, which ends no later than the time given.
    assert_eq!(
        at("2030-06-30T23:59:60.5Z").as_deref(),
        Some("2030-06-30T23:59:59.500+00:00")
    );
    assert_eq!(
        at("2030-07-01T01:59:60+02:00").as_deref(),
        Some("2030-06-30T23:59:59+00:00")
    );
}
