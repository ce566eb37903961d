use super::*;

#[tokio::test]
async fn a_manual_clock_moves_only_when_told_or_slept_on() {
    let start = Utc::now();
    let clock = ManualClock::new(start);
    assert_eq!(clock.now(), start);
    clock.advance(TimeDelta::seconds(5));
    assert_eq!(clock.now(), start + TimeDelta::seconds(5));
    clock.sleep(Duration::from_secs(6)).await;
    assert_eq!(clock.now(), start + TimeDelta::seconds(11));
    assert_eq!(clock.sleeps(), [Duration::from_secs(6)]);
    clock.set(start);
    assert_eq!(clock.now(), start);
}
