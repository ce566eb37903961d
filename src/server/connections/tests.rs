
use super::*;
use futures::FutureExt;

#[test]
fn the_oldest_waiting_goes_first_then_the_oldest_idle_and_never_one_answering() {
    let mut open = Connections::new(3);
    let (idle, _e1) = open.admit().unwrap();
    let (answering, _e2) = open.admit().unwrap();
    let (waiting, _e3) = open.admit().unwrap();
    idle.answered();
    answering.answering();
    let closed = |c: &Connection| c.close.notified().now_or_never().is_some();
    let (newest, _e4) = open.admit().unwrap();
    assert!(closed(&waiting) && !closed(&idle) && !closed(&answering));
    newest.answering();
    let (_, _e5) = open.admit().unwrap();
    assert!(closed(&idle) && !closed(&answering));
}

#[test]
fn a_newcomer_is_refused_when_every_connection_is_answering() {
    let mut open = Connections::new(2);
    let kept: Vec<_> = (0..2).map(|_| open.admit().unwrap()).collect();
    kept.iter().for_each(|(c, _)| c.answering());
    assert!(open.admit().is_none());
    drop(kept);
    assert!(open.admit().is_some(), "ended connections make room");
}
