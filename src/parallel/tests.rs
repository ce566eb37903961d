
use super::map_in_parts;

#[test]
fn same_as_a_plain_map_for_any_split() {
    for n in [0, 1, 2, 3, 7, 100, 1001] {
        let expected: Vec<usize> = (0..n).map(|i| i * i).collect();
        for threads in [0, 1, 2, 3, 4, 64, 2000] {
            assert_eq!(
                map_in_parts(n, threads, |i| i * i),
                expected,
                "{n} {threads}"
            );
        }
    }
}

#[test]
fn a_panic_in_a_part_reaches_the_caller() {
    let result = std::panic::catch_unwind(|| {
        map_in_parts(100, 4, |i| if i == 90 { panic!("part failed") } else { i })
    });
    assert!(result.is_err());
}
