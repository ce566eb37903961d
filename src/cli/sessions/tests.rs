
use super::*;

#[test]
fn time_left_reads_well() {
    assert_eq!(time_left(None), "no expiry");
    assert_eq!(time_left(Some(0)), "expired");
    assert_eq!(time_left(Some(-5)), "expired");
    assert_eq!(time_left(Some(59)), "0m59s");
    assert_eq!(time_left(Some(3599)), "59m59s");
    assert_eq!(time_left(Some(3720)), "1h02m");
}
