//! Rendered-buffer tests: draw the app on a `TestBackend` and read the cells; outside text
//! in them is shown, never obeyed (in the cells and in the bytes crossterm writes).

use super::*;
use crate::testing::tui::*;
use crate::tui::backend::AssumeFailure;
use crate::tui::message::Msg;
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// Each kind of screen the app can show, built through messages as a user gets there.
fn every_screen() -> Vec<(&'static str, App)> {
    let plain = demo_app();
    let mut help = demo_app();
    help.update(ch('?'));
    let mut mfa = demo_app();
    type_str(&mut mfa, "admin");
    mfa.update(key(KeyCode::Enter));
    mfa.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::NeedsMfa {
            serial: "arn:aws:iam::111111111111:mfa/demo-user".into(),
            reason: None,
        }),
    });
    let mut sessions = demo_app();
    sessions.update(Msg::Sessions(Ok(vec![
        listed(session("demo-ops", 600)),
        listed(session("demo-readonly", 60)),
    ])));
    let mut export = demo_app();
    export.update(Msg::Sessions(Ok(vec![listed(session("demo-ops", 600))])));
    export.update(key(KeyCode::Tab));
    export.update(ch('x'));
    let mut env_path = demo_app();
    env_path.update(Msg::Sessions(Ok(vec![listed(session("demo-ops", 600))])));
    env_path.update(key(KeyCode::Tab));
    env_path.update(ch('e'));
    let mut error = demo_app();
    error.update(Msg::Error("something went wrong".into()));
    let mut sign_in = demo_app();
    type_str(&mut sign_in, "demo-sso");
    sign_in.update(key(KeyCode::Enter));
    sign_in.update(Msg::Assumed {
        profile: "demo-sso".into(),
        result: Err(AssumeFailure::NeedsSignIn {
            session: "sso-session demo".into(),
        }),
    });
    vec![
        ("list", plain),
        ("help", help),
        ("mfa", mfa),
        ("sessions", sessions),
        ("export", export),
        ("env path", env_path),
        ("error", error),
        ("sign-in", sign_in),
    ]
}

#[test]
fn lists_profiles_at_both_sizes() {
    let app = demo_app();
    for (w, h) in SIZES {
        let buf = render(&app, w, h);
        let screen = text(&buf);
        for name in ["default", "demo-admin-mfa", "demo-ops-deploy", "demo-sso"] {
            assert!(screen.contains(name), "{w}x{h}: {name} missing\n{screen}");
        }
        assert!(screen.contains("Profiles 8/8"), "{screen}");
        assert!(screen.contains("Sessions 0"), "{screen}");
        assert!(screen.contains("MFA"));
        assert!(screen.contains("111111111111"));
    }
    // Region only where there is room for it.
    assert!(text(&render(&app, 160, 48)).contains("ap-northeast-1"));
}

#[test]
fn a_running_discovery_shows_its_progress_in_the_profiles_title() {
    let mut app = demo_app();
    let mut status = crate::tui::backend::DiscoveryStatus {
        session: "sso-session corp".into(),
        accounts_listed: 300,
        accounts_total: None,
        accounts_done: 0,
        error: None,
    };
    app.discovering = Some(status.clone());
    let screen = text(&render(&app, 120, 30));
    assert!(
        screen.contains("Profiles 8/8 · sso-session corp: listing accounts (300)"),
        "{screen}"
    );
    status.accounts_total = Some(665);
    status.accounts_done = 312;
    app.discovering = Some(status);
    let screen = text(&render(&app, 120, 30));
    assert!(
        screen.contains("Profiles 8/8 · sso-session corp: 312 of 665 accounts"),
        "{screen}"
    );
    app.discovering = None;
    assert!(!text(&render(&app, 120, 30)).contains("accounts"));
}

#[test]
fn detail_line_shows_chain() {
    let mut app = demo_app();
    type_str(&mut app, "deploy");
    let screen = text(&render(&app, 80, 24));
    assert!(
        screen.contains("chain: demo-base → demo-ops → demo-ops-deploy"),
        "{screen}"
    );
}

#[test]
fn filter_narrows_the_table() {
    let mut app = demo_app();
    type_str(&mut app, "ops");
    for (w, h) in SIZES {
        let screen = text(&render(&app, w, h));
        assert!(screen.contains("Profiles 2/8"), "{screen}");
        assert!(screen.contains("/ops"));
        assert!(screen.contains("demo-ops-deploy"));
        assert!(!screen.contains("demo-readonly"));
        assert!(!screen.contains("demo-sso"));
    }
    type_str(&mut app, "zzz");
    assert!(text(&render(&app, 80, 24)).contains("no profile matches"));
}

#[test]
fn spinner_while_assuming() {
    let mut app = demo_app();
    type_str(&mut app, "readonly");
    app.update(key(KeyCode::Enter));
    let screen = text(&render(&app, 80, 24));
    assert!(screen.contains("assuming demo-readonly…"), "{screen}");
    assert!(screen.contains("Esc cancel"));
}

#[test]
fn countdown_formats() {
    assert_eq!(countdown(Some(3599)), "59:59");
    assert_eq!(countdown(Some(65)), "01:05");
    assert_eq!(countdown(Some(3720)), "1h02m");
    assert_eq!(countdown(Some(0)), "expired");
    assert_eq!(countdown(None), "never");
}

#[test]
fn countdown_colors_follow_the_clock() {
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![
        listed(session("demo-base", 3720)),
        listed(session("demo-ops", 14 * 60)),
        listed(session("demo-readonly", 4 * 60 + 59)),
        listed(session("demo-sso", 30)),
    ])));
    for (w, h) in SIZES {
        let buf = render(&app, w, h);
        assert_eq!(fg_at(&buf, "1h02m"), Color::Green);
        assert_eq!(fg_at(&buf, "14:00"), Color::Yellow);
        assert_eq!(fg_at(&buf, "04:59"), Color::Red);
        assert_eq!(fg_at(&buf, "00:30"), Color::Red);
    }
    app.update(Msg::Tick(t0() + chrono::Duration::seconds(60)));
    let buf = render(&app, 160, 48);
    assert_eq!(fg_at(&buf, "1h01m"), Color::Green);
    assert_eq!(fg_at(&buf, "13:00"), Color::Yellow);
    assert_eq!(fg_at(&buf, "expired"), Color::Red);
}

#[test]
fn no_color_means_no_colors() {
    let mut app = demo_app();
    app.colors = false;
    app.update(Msg::Sessions(Ok(vec![listed(session("demo-ops", 60))])));
    let buf = render(&app, 160, 48);
    assert_eq!(fg_at(&buf, "01:00"), Color::Reset);
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset);
        assert_eq!(cell.bg, Color::Reset);
    }
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    // A pty nobody sized is 0x0; people shrink panes to a few rows.
    let sizes = [
        (0, 0),
        (1, 1),
        (20, 3),
        (40, 8),
        (80, 11),
        (119, 12),
        (120, 5),
        (300, 2),
    ];
    for (name, app) in every_screen() {
        for (w, h) in sizes {
            let drawn =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(&app, w, h)));
            assert!(drawn.is_ok(), "{name} at {w}x{h} panicked");
        }
    }
}

#[test]
fn a_long_list_scrolls_to_keep_the_selection_on_screen() {
    let config: String = (0..300)
        .map(|i| format!("[profile p{i:03}]\nregion = eu-west-1\n"))
        .collect();
    let graph = crate::profile::ProfileGraph::from_texts(
        crate::profile::ConfigPaths::in_dir(std::path::Path::new("/cfg")),
        &config,
        "",
    );
    let mut app = App::new(std::sync::Arc::new(graph), t0(), true);
    for _ in 0..150 {
        app.update(key(KeyCode::Down));
    }
    let buf = render(&app, 80, 24);
    let (_, y) = find(&buf, "p150").expect("the selected profile is on screen");
    let (x, _) = find(&buf, "p150").unwrap();
    assert!(buf[(x, y)]
        .modifier
        .contains(ratatui::style::Modifier::REVERSED));
    assert_eq!(find(&buf, "p149").map(|(_, y)| y), Some(y - 1));
    assert!(find(&buf, "p151").is_none(), "{}", text(&buf));
    assert!(find(&buf, "p000").is_none());
    // Back to the top: the window follows.
    app.update(key(KeyCode::Home));
    let buf = render(&app, 80, 24);
    assert!(find(&buf, "p000").is_some(), "{}", text(&buf));
    assert!(find(&buf, "p150").is_none());
}

#[test]
fn no_screen_and_no_debug_output_shows_a_secret_or_a_typed_code() {
    let planted = [
        "SECRETsecretSECRETsecret0000WXYZ",
        "TOKENtokenTOKENtokenTOKEN9876",
        "ASIAEXAMPLEKEYID1234",
    ];
    let mut screens = every_screen();
    // The MFA window with a code half typed, and the foreign-file prompt.
    let mut typing = demo_app();
    type_str(&mut typing, "admin");
    typing.update(key(KeyCode::Enter));
    typing.update(Msg::Assumed {
        profile: "demo-admin-mfa".into(),
        result: Err(AssumeFailure::NeedsMfa {
            serial: "arn:aws:iam::111111111111:mfa/demo-user".into(),
            reason: None,
        }),
    });
    type_str(&mut typing, "48291");
    screens.push(("typing a code", typing));
    for (name, app) in &screens {
        for (w, h) in [(80, 24), (160, 48)] {
            let screen = text(&render(app, w, h));
            for secret in planted.iter().chain(&["48291"]) {
                assert!(!screen.contains(secret), "{name} at {w}x{h} shows {secret}");
            }
        }
        let debug = format!("{app:?}");
        for secret in planted.iter().chain(&["48291"]) {
            assert!(!debug.contains(secret), "{name}'s Debug shows {secret}");
        }
    }
}

#[test]
fn a_profile_row_shows_its_session_s_time_left_in_the_panel_s_colour() {
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![
        listed(session("demo-ops", 600)),
        listed(session("demo-readonly", 7200)),
    ])));
    for (w, h) in SIZES {
        let buf = render(&app, w, h);
        let rows = lines(&buf);
        let row = |name: &str| {
            rows.iter()
                .find(|l| l.contains(&format!(" {name} ")) && l.contains("│"))
                .unwrap_or_else(|| panic!("no row for {name}"))
                .clone()
        };
        // The profile table is the first place each name appears.
        assert!(
            row("demo-ops").contains("10:00"),
            "{w}x{h}: {}",
            row("demo-ops")
        );
        assert!(row("demo-readonly").contains("2h00m"));
        assert!(!row("demo-base").contains(':'), "{}", row("demo-base"));
        assert_eq!(fg_at(&buf, "10:00"), Color::Yellow);
        assert_eq!(fg_at(&buf, "2h00m"), Color::Green);
    }
}

#[test]
fn the_region_column_shows_from_100_columns_up() {
    let app = demo_app();
    for (w, shown) in [
        (80, false),
        (99, false),
        (100, true),
        (120, true),
        (160, true),
    ] {
        let screen = text(&render(&app, w, 30));
        assert_eq!(screen.contains("REGION"), shown, "{w} columns:\n{screen}");
        if shown {
            assert!(screen.contains("eu-west-1"), "{w} columns:\n{screen}");
        }
    }
}

#[test]
fn the_selected_session_s_whole_source_is_shown() {
    let mut app = demo_app();
    let mut long = session("demo-ops", 600);
    long.source = "assume-role via demo-base → demo-ops from shared-credentials-file (/home/someone/.aws/credentials-of-the-whole-team)".into();
    app.update(Msg::Sessions(Ok(vec![listed(long)])));
    for (w, h) in [(120, 40), (160, 48), (80, 40)] {
        // Wrapped over rows (a long path mid-word): compare without the wrapping.
        let squashed: String = text(&render(&app, w, h))
            .lines()
            .map(|l| l.split('│').rev().nth(1).unwrap_or(l).to_string())
            .collect::<String>()
            .split_whitespace()
            .collect();
        assert!(
            squashed.contains(
                "shared-credentials-file(/home/someone/.aws/credentials-of-the-whole-team)"
            ),
            "{w}x{h}: the source is cut:\n{squashed}"
        );
    }
}

#[test]
fn with_no_configuration_the_first_screen_says_what_to_do() {
    let empty = crate::profile::ProfileGraph::from_texts(
        crate::profile::ConfigPaths::in_dir("/home/u/.aws".as_ref()),
        "",
        "",
    );
    let app = App::new(std::sync::Arc::new(empty), t0(), true);
    for (w, h) in SIZES {
        let screen = text(&render(&app, w, h));
        for expected in [
            "No AWS profiles yet",
            "/home/u/.aws/config",
            "rolecall --demo",
            "rolecall sso login",
            "aws configure",
        ] {
            assert!(
                screen.contains(expected),
                "{w}x{h}: {expected} missing\n{screen}"
            );
        }
    }
}

#[test]
fn sign_ins_and_discovered_roles_show_as_such() {
    let mut app = demo_app();
    app.update(Msg::SignIns(vec![crate::tui::backend::SignInStatus {
        session: "sso-session demo".into(),
        expires_at: t0() + chrono::Duration::seconds(3 * 3600 + 60),
    }]));
    app.update(Msg::Discovered(demo_graph_with_a_discovered_role()));
    let buf = render(&app, 160, 48);
    let screen = text(&buf);
    assert!(screen.contains("sso-session demo"), "{screen}");
    assert!(
        screen.contains("3h01m") && screen.contains("SSO sign-in"),
        "{screen}"
    );
    assert_eq!(fg_at(&buf, "3h01m"), Color::Green);
    let row = lines(&buf)
        .into_iter()
        .find(|l| l.contains("Payments-Prod.Admin"))
        .unwrap();
    assert!(
        row.contains("sso·new") && row.contains("777777777777"),
        "{row}"
    );
}

#[test]
fn an_unreadable_config_file_is_named_on_the_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let paths = crate::profile::ConfigPaths::in_dir(dir.path());
    std::fs::create_dir(&paths.config).unwrap();
    let graph = std::sync::Arc::new(crate::profile::ProfileGraph::load(&paths));
    let mut app = App::new(graph.clone(), t0(), true);
    let expected = format!(
        "{}: cannot read file: it is not a regular file (a directory)",
        paths.config.display()
    );
    let screen = text(&render(&app, 160, 48));
    assert!(screen.contains(&expected), "{screen}");
    // A reload says it too, not only a count.
    app.update(Msg::ConfigReloaded(graph));
    let screen = text(&render(&app, 160, 48));
    assert!(screen.contains(&expected), "{screen}");
    assert!(!screen.contains("problems in the files"), "{screen}");
}

#[test]
fn profile_values_and_diagnostics_are_shown_not_obeyed() {
    let mut app = hostile_app();
    // The selected row's detail line: chain, region, first problem.
    type_str(&mut app, "evil");
    assert_drawn_safely(&app, SHOWN, "the profile table and detail line");
    let mut app = hostile_app();
    type_str(&mut app, "broken");
    assert_drawn_safely(&app, "gone\\x1b]0;", "a problem under the table");
}

#[test]
fn discovered_names_are_shown_not_obeyed() {
    let mut app = hostile_app();
    type_str(&mut app, "acct");
    assert_drawn_safely(&app, "Admin\\x1b]0;", "a discovered role's detail line");
}

#[test]
fn sessions_and_their_sources_are_shown_not_obeyed() {
    let mut app = hostile_app();
    app.focus = Focus::Sessions;
    assert_drawn_safely(&app, "base\\x1b]0;", "the sessions panel");
}

#[test]
fn errors_on_the_status_line_are_shown_not_obeyed() {
    let mut app = hostile_app();
    app.update(Msg::Error(format!("AccessDenied: {PAYLOAD}")));
    assert_drawn_safely(&app, "AccessDenied: \\x1b]0;", "the status line");
}

#[test]
fn a_cell_a_draw_path_filled_raw_is_replaced_before_it_reaches_the_terminal() {
    let mut terminal = Terminal::new(TestBackend::new(12, 1)).unwrap();
    terminal
        .draw(|f| {
            // What a draw path that forgot `shown` would leave: ESC in a cell.
            f.render_widget(ratatui::widgets::Paragraph::new("a\x1b[2Jb"), f.area());
            scrub(f);
        })
        .unwrap();
    let buf = terminal.backend().buffer();
    assert_eq!(buf[(0, 0)].symbol(), "a");
    assert_eq!(buf[(1, 0)].symbol(), "\u{fffd}");
    assert!(buf.content().iter().all(|c| !c.symbol().contains('\x1b')));
}

#[test]
fn a_session_on_the_instance_shows_the_instance_s_region() {
    let graph = crate::profile::ProfileGraph::from_texts(
        crate::profile::ConfigPaths::in_dir("/cfg".as_ref()),
        "[profile on-ec2]\nrole_arn = arn:aws:iam::123456789012:role/R\n\
         credential_source = Ec2InstanceMetadata\n",
        "",
    );
    let mut app = App::new(std::sync::Arc::new(graph), t0(), false);
    let mut s = session("on-ec2", 600);
    s.region = Some("us-east-2".into());
    s.region_from_instance = true;
    app.update(Msg::Sessions(Ok(vec![listed(s)])));
    let screen = text(&render(&app, 160, 30));
    assert!(screen.contains("(instance)"), "{screen}");
    app.update(key(KeyCode::Tab));
    // The selected session's line, wrapped in the panel: compare without the wrapping.
    let squashed: String = text(&render(&app, 160, 30))
        .lines()
        .map(|l| l.split('│').rev().nth(1).unwrap_or(l).to_string())
        .collect::<String>()
        .split_whitespace()
        .collect();
    assert!(squashed.contains("regionus-east-2(instance)"), "{squashed}");
}

#[test]
fn the_sessions_panel_hints_end_with_help_and_quit() {
    let mut app = with_session("demo-admin-mfa", 600);
    app.focus = Focus::Sessions;
    let screen = text(&render(&app, 160, 48));
    let last = screen.lines().last().unwrap_or("");
    assert!(last.contains("? help · q quit"), "{last}");
}

#[test]
fn an_open_window_hides_the_panels_hints() {
    let app = asked_for_mfa();
    let screen = text(&render(&app, 160, 48));
    let last = screen.lines().last().unwrap_or("");
    assert!(!last.contains("Enter assume"), "{last}");
    assert!(!last.contains("filter"), "{last}");
    assert!(screen.contains("Enter submit · Esc cancel"), "{screen}");
}

#[test]
fn a_filter_matching_nothing_says_so_and_keeps_the_columns() {
    let mut app = demo_app();
    let header_before = text(&render(&app, 160, 48))
        .lines()
        .find(|l| l.contains("NAME"))
        .unwrap()
        .to_string();
    app.update(ch('/'));
    type_str(&mut app, "zzq");
    let screen = text(&render(&app, 160, 48));
    assert!(screen.contains("no profile matches 'zzq'"), "{screen}");
    let header_after = screen.lines().find(|l| l.contains("NAME")).unwrap();
    assert_eq!(
        header_after.find("KIND"),
        header_before.find("KIND"),
        "{header_before}\n{header_after}"
    );
}

/// The demo with five sessions, as a user who assumed five profiles has it.
fn five_sessions() -> App {
    let mut app = demo_app();
    app.update(Msg::Sessions(Ok(vec![
        listed(session("demo-base", 3720)),
        listed(session("demo-ops", 14 * 60)),
        listed(session("demo-readonly", 4 * 60 + 59)),
        listed(session("demo-sso", 30)),
        listed(session("demo-ops-deploy", 300)),
    ])));
    app
}

/// The sizes the layout is checked at, the tiny one last.
const LAYOUTS: [(u16, u16); 5] = [(80, 24), (100, 30), (120, 30), (160, 48), (40, 10)];

#[test]
fn every_layout_shows_each_row_whole_or_says_how_many_are_hidden() {
    let app = five_sessions();
    for (w, h) in LAYOUTS {
        let screen = text(&render(&app, w, h));
        let names = [
            "demo-base",
            "demo-ops",
            "demo-readonly",
            "demo-sso",
            "demo-ops-deploy",
        ];
        let profiles_hidden = screen.contains("↓ 7 more");
        let sessions_hidden = screen.contains("↓ 4 more");
        if (w, h) == (40, 10) {
            assert!(profiles_hidden && sessions_hidden, "{w}x{h}:\n{screen}");
            continue;
        }
        assert!(!profiles_hidden && !sessions_hidden, "{w}x{h}:\n{screen}");
        for name in names {
            // In the profile table and in the sessions panel.
            let rows = screen
                .lines()
                .filter(|l| l.contains(&format!(" {name} ")))
                .count();
            assert!(rows >= 2, "{w}x{h}: {name} not in both panels:\n{screen}");
        }
        assert!(
            screen.contains("FromInstance"),
            "{w}x{h}: a role is cut:\n{screen}"
        );
    }
}

#[test]
fn at_80x24_the_sessions_panel_shows_all_five_sessions() {
    let app = five_sessions();
    let screen = text(&render(&app, 80, 24));
    let panel = screen
        .split("Sessions 5")
        .nth(1)
        .expect("the sessions panel");
    for name in [
        "demo-base",
        "demo-ops ",
        "demo-readonly",
        "demo-sso",
        "demo-ops-deploy",
    ] {
        assert!(panel.contains(name), "{name} hidden:\n{screen}");
    }
}

#[test]
fn a_panel_with_more_rows_than_room_marks_what_is_hidden() {
    let config: String = (0..300)
        .map(|i| format!("[profile p{i:03}]\nregion = eu-west-1\n"))
        .collect();
    let graph = crate::profile::ProfileGraph::from_texts(
        crate::profile::ConfigPaths::in_dir(std::path::Path::new("/cfg")),
        &config,
        "",
    );
    let mut app = App::new(std::sync::Arc::new(graph), t0(), true);
    let sessions = (0..20).map(|i| listed(session(&format!("p{i:03}"), 600)));
    app.update(Msg::Sessions(Ok(sessions.collect())));
    let screen = text(&render(&app, 80, 24));
    let (top, bottom) = screen.split_once("Sessions 20").unwrap();
    let shown_rows = |panel: &str| {
        panel
            .lines()
            .filter(|l| l.contains("│▶ p") || l.contains("│  p"))
            .count()
    };
    let hidden = 300 - shown_rows(top);
    assert!(top.contains(&format!("↓ {hidden} more")), "{screen}");
    assert!(
        bottom.contains(&format!("↓ {} more", 20 - shown_rows(bottom))),
        "{screen}"
    );
    for _ in 0..150 {
        app.update(key(KeyCode::Down));
    }
    let screen = text(&render(&app, 80, 24));
    assert!(
        screen.contains("↑ ") && screen.contains(" more · ↓ "),
        "{screen}"
    );
}

#[test]
fn at_40x10_a_name_keeps_its_width_before_the_account_does() {
    let mut app = five_sessions();
    type_str(&mut app, "deploy");
    let screen = text(&render(&app, 40, 10));
    assert!(screen.contains("▶ demo-ops-deploy"), "{screen}");
    assert!(
        !screen.contains("444444444444"),
        "the account goes first:\n{screen}"
    );
}

#[test]
fn the_sessions_panel_shows_each_source_whole_where_it_fits() {
    let app = five_sessions();
    let screen = text(&render(&app, 160, 48));
    let rows: Vec<&str> = screen
        .lines()
        .filter_map(|l| l.split("││").nth(1))
        .filter(|l| l.contains("05:00") || l.contains("14:00") || l.contains("1h02m"))
        .collect();
    assert_eq!(rows.len(), 3, "{screen}");
    for row in rows {
        assert!(row.contains("assume-role via demo-base"), "{row}");
    }
    // Where it does not fit, the cut is marked and the selected one's is whole below.
    let screen = text(&render(&app, 120, 30));
    assert!(screen.contains("assume-role vi…"), "{screen}");
}

#[test]
fn a_long_error_on_the_status_line_is_whole() {
    let mut app = demo_app();
    let error = "AccessDenied: User: arn:aws:iam::111111111111:user/demo is not authorized to \
                 perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/Ops because \
                 no identity-based policy allows the sts:AssumeRole action";
    app.update(Msg::Error(error.into()));
    for (w, h) in [(80, 24), (100, 30), (160, 48)] {
        let buf = render(&app, w, h);
        let whole: String = error.split_whitespace().collect();
        assert!(squashed(&buf).contains(&whole), "{w}x{h}:\n{}", text(&buf));
    }
}

#[test]
fn every_problem_of_the_selected_profile_is_shown_whole_under_the_list() {
    let graph = crate::profile::ProfileGraph::from_texts(
        crate::profile::ConfigPaths::in_dir("/cfg".as_ref()),
        "[profile broken]\nrole_arn = arn:aws:iam::123456789012:role/R\n\
         source_profile = a-source-profile-with-a-rather-long-name-that-is-not-there\n",
        "",
    );
    let app = App::new(std::sync::Arc::new(graph), t0(), true);
    let problem = app.profiles()[0].diagnostics[0].to_string();
    let whole: String = problem.split_whitespace().collect();
    for (w, h) in [(80, 24), (60, 20)] {
        let buf = render(&app, w, h);
        assert!(
            squashed(&buf).contains(&whole),
            "{w}x{h}: {problem}\n{}",
            text(&buf)
        );
    }
}

#[test]
fn a_status_longer_than_a_third_of_the_screen_is_marked_cut() {
    let mut app = demo_app();
    app.update(Msg::Error("word ".repeat(60)));
    let screen = text(&render(&app, 40, 9));
    let last = screen.lines().last().unwrap().trim_end();
    assert!(last.ends_with('…'), "{screen}");
}

#[test]
fn a_keyring_profile_says_where_its_key_lives() {
    let paths = crate::profile::ConfigPaths::in_dir("/cfg".as_ref());
    let config = "[profile vault]\ncredential_process = rolecall credential-process vault\n";
    let graph = crate::profile::ProfileGraph::from_texts(paths, config, "");
    let mut app = App::new(std::sync::Arc::new(graph), t0(), true);
    let mut s = session("vault", 600);
    s.kind = crate::session::SessionKind::MfaSession;
    s.source = "session-token (keyring (secret-service))".into();
    app.update(Msg::Sessions(Ok(vec![listed(s)])));
    let screen = text(&render(&app, 120, 24));
    assert!(
        screen
            .lines()
            .any(|l| l.contains("▶ vault ") && l.contains(" keyring ")),
        "{screen}"
    );
    assert!(screen.contains("vault (keyring)"), "{screen}");
    assert!(screen.contains("key in rolecall's key store"), "{screen}");
    app.update(key(KeyCode::Tab));
    let screen = text(&render(&app, 200, 24));
    assert!(
        screen.contains("source: session-token (keyring (secret-service))"),
        "{screen}"
    );
}
