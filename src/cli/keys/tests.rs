use super::*;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn ages_read_in_days() {
    let now = at("2026-04-05T12:00:00Z");
    assert_eq!(age(None, now), "-");
    assert_eq!(age(Some(at("2026-04-05T01:00:00Z")), now), "today");
    assert_eq!(age(Some(at("2026-04-04T11:00:00Z")), now), "1 day");
    assert_eq!(age(Some(at("2026-01-02T12:00:00Z")), now), "93 days");
    assert_eq!(
        age(Some(at("2027-01-01T00:00:00Z")), now),
        "today",
        "a clock behind"
    );
}

#[test]
fn the_table_masks_ids_and_escapes_names() {
    let keys = [
        StoredKey {
            profile: "dev".into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            created: Some(at("2026-01-02T12:00:00Z")),
        },
        StoredKey {
            profile: "evil\u{1b}[2J".into(),
            access_key_id: "AKIAEVILEVILEVILEVIL".into(),
            created: None,
        },
    ];
    let table = keys_table(&keys, &KeyBackend::Keyutils, at("2026-04-05T12:00:00Z"));
    assert_eq!(
        table,
        "PROFILE      KEY ID    STORED IN  AGE\n\
         dev          ****MPLE  keyutils   93 days\n\
         evil\\x1b[2J  ****EVIL  keyutils   -\n"
    );
    assert!(!table.contains('\u{1b}'));
}

#[test]
fn the_json_holds_no_secret_and_a_masked_id() {
    let key = StoredKey {
        profile: "dev".into(),
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        created: Some(at("2026-01-02T12:00:00Z")),
    };
    let value = key_json(&key, &KeyBackend::SecretService, at("2026-04-05T12:00:00Z"));
    assert_eq!(
        value,
        json!({
            "profile": "dev",
            "access_key_id": "****MPLE",
            "stored_in": "secret-service",
            "created": "2026-01-02T12:00:00Z",
            "age_days": 93,
        })
    );
}
