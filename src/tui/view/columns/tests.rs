use super::*;
use crate::testing::tui::*;

fn fitted(width: u16, show_region: bool) -> Vec<(Column, u16)> {
    let app = demo_app();
    let rows: Vec<&Profile> = app.profiles().iter().collect();
    fit_columns(&app, &rows, width, show_region)
}

#[test]
fn every_column_at_its_natural_width_when_there_is_room() {
    let columns = fitted(200, true);
    assert_eq!(columns.len(), 7);
    assert!(columns.iter().all(|c| c.1 >= c.0.header().len() as u16));
    // "demo-ops-deploy" and "FromInstance" whole.
    assert!(columns[0].1 >= 15 && columns[3].1 >= 12, "{columns:?}");
}

#[test]
fn a_narrow_table_drops_region_then_account_then_kind_before_cutting_names() {
    let names = |cols: Vec<(Column, u16)>| cols.into_iter().map(|c| c.0).collect::<Vec<_>>();
    assert!(!names(fitted(70, true)).contains(&Column::Region));
    assert!(names(fitted(70, true)).contains(&Column::Account));
    let narrow = fitted(36, true);
    assert_eq!(
        names(narrow.clone()),
        [Column::Name, Column::Role, Column::Left],
        "{narrow:?}"
    );
    assert!(narrow[0].1 >= 15, "NAME keeps its width: {narrow:?}");
    let tiny = fitted(10, true);
    assert_eq!(names(tiny.clone()), [Column::Name, Column::Left]);
    assert_eq!(tiny[0].1, 5);
}
