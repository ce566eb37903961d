use super::*;

#[test]
fn user_names_come_from_iam_user_arns_only() {
    assert_eq!(
        user_name_of("arn:aws:iam::123456789012:user/jane"),
        Some("jane")
    );
    assert_eq!(
        user_name_of("arn:aws-cn:iam::123456789012:user/division/team/jane"),
        Some("jane")
    );
    for other in [
        "arn:aws:iam::123456789012:root",
        "arn:aws:sts::123456789012:assumed-role/Admin/jane",
        "arn:aws:sts::123456789012:user/moto",
        "arn:aws:iam::123456789012:user/",
        "arn:aws:iam::123456789012",
        "",
    ] {
        assert_eq!(user_name_of(other), None, "{other}");
    }
}

#[test]
fn a_target_names_its_endpoint_and_region() {
    let target = IamTarget {
        region: "us-east-1".into(),
        endpoint_url: Some("http://127.0.0.1:5000".into()),
    };
    assert_eq!(target.to_string(), "http://127.0.0.1:5000 (us-east-1)");
    let target = IamTarget {
        endpoint_url: None,
        ..target
    };
    assert_eq!(target.to_string(), "IAM (us-east-1)");
}
