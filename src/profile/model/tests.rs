
use super::RoleArn;

#[test]
fn role_arn_parts() {
    let arn = RoleArn::parse("arn:aws-cn:iam::123456789012:role/path/to/Admin").unwrap();
    assert_eq!(arn.partition(), "aws-cn");
    assert_eq!(arn.account(), "123456789012");
    assert_eq!(arn.role(), "Admin");
    assert_eq!(arn.arn(), "arn:aws-cn:iam::123456789012:role/path/to/Admin");
    let plain = RoleArn::parse("arn:aws:iam::000000000001:role/R").unwrap();
    assert_eq!((plain.account(), plain.role()), ("000000000001", "R"));
}

#[test]
fn not_role_arns() {
    for bad in [
        "",
        "arn:aws:iam::123456789012:user/bob",
        "arn:aws:sts::123456789012:role/R",
        "arn:aws:iam:us-east-1:123456789012:role/R",
        "arn:aws:iam::12345678901:role/R",
        "arn:aws:iam::1234567890123:role/R",
        "arn:aws:iam::12345678901x:role/R",
        "arn::iam::123456789012:role/R",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/path/",
        "arm:aws:iam::123456789012:role/R",
        "arn:aws:iam::123456789012",
        "arn:aws:iam::1234567890é:role/R",
    ] {
        assert!(RoleArn::parse(bad).is_none(), "{bad}");
    }
}
