//! Benchmarks of the library core, in-process (`cargo bench --bench core`):
//! loading a generated config of N profiles, rendering the list, and filtering the TUI.
//! (The whole-process first frame in a real terminal is `benches/first_frame.rs`.)
//! Prints the median of several runs for each; the figures go in docs/BENCHMARKS.md.

mod common;
use common::generated;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rolecall::profile::{ConfigPaths, ProfileGraph};
use rolecall::tui::Msg;
use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let out = std::hint::black_box(f());
        all.push(start.elapsed());
        drop(out); // freeing is not part of what is timed
    }
    median(all)
}

fn main() {
    for n in [1_000, 5_000, 10_000] {
        let paths = ConfigPaths::in_dir(&generated(n));
        let config = std::fs::read_to_string(&paths.config).unwrap();
        let credentials = std::fs::read_to_string(&paths.credentials).unwrap();
        let load = time(11, || ProfileGraph::load(&paths));
        let build = time(11, || {
            ProfileGraph::from_texts(paths.clone(), &config, &credentials)
        });
        let graph = std::sync::Arc::new(ProfileGraph::load(&paths));
        let table = time(11, || {
            let mut sink = Vec::with_capacity(1 << 20);
            rolecall::cli::list::write_table(&graph, &mut sink).unwrap();
            sink
        });
        let json = time(11, || {
            let mut sink = Vec::with_capacity(1 << 22);
            rolecall::cli::list::write_json(&graph, &mut sink).unwrap();
            sink
        });
        let parse_only = time(11, || {
            use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
            let files = EnvConfigFiles::builder()
                .with_contents(EnvConfigFileKind::Config, config.clone())
                .with_contents(EnvConfigFileKind::Credentials, credentials.clone())
                .build();
            let fs = aws_types::os_shim_internal::Fs::from_slice(&[]);
            let env = aws_types::os_shim_internal::Env::from_slice(&[]);
            futures::executor::block_on(aws_config::profile::load(&fs, &env, &files, None)).unwrap()
        });
        println!("   aws-config parse alone: {parse_only:?}");
        let app = time(11, || {
            rolecall::tui::App::new(graph.clone(), chrono::Utc::now(), true)
        });
        // Time to first frame: load the files, build the TUI state, draw once (what the
        // TUI does before the first frame, less the terminal's own set-up).
        let first_frame = time(11, || {
            let graph = std::sync::Arc::new(ProfileGraph::load(&paths));
            let app = rolecall::tui::App::new(graph, chrono::Utc::now(), true);
            let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
            terminal
                .draw(|f| rolecall::tui::view::draw(&app, f))
                .unwrap();
            (app, terminal)
        });
        // One filter keystroke: update the state, draw the frame.
        let mut tui = rolecall::tui::App::new(graph.clone(), chrono::Utc::now(), true);
        tui.prepare_search(); // the runtime does this right after the first frame
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
        let mut keys = "team0042profile".chars().cycle();
        let keystroke = time(101, || {
            let c = keys.next().unwrap();
            tui.update(Msg::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
            if tui.filter.len() > 12 {
                tui.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
            }
            terminal
                .draw(|f| rolecall::tui::view::draw(&tui, f))
                .unwrap();
        });
        println!("   TUI first frame {first_frame:?}, filter keystroke to frame {keystroke:?}");
        println!(
            "{n:>6} profiles: load {load:?} (from text {build:?}), table {table:?}, json {json:?}, TUI App::new (copying the profiles) {app:?}"
        );
    }
    configured_and_discovered();
}

/// 10,000 rows as an IAM Identity Center user has them: 5,000 configured profiles and 5,000
/// roles discovery found (with account names, which the filter matches too), one filter
/// keystroke to the drawn frame.
fn configured_and_discovered() {
    let configured = ProfileGraph::load(&ConfigPaths::in_dir(&generated(5_000)));
    let mut profiles = configured.profiles().to_vec();
    for i in 0..5_000 {
        let account = format!("{:012}", 900_000_000_000u64 + i / 3);
        let role = ["Admin", "ReadOnly", "Deploy"][i as usize % 3];
        profiles.push(rolecall::profile::Profile::sso_role(
            format!("Business-Unit-{:04}.{role}", i / 3),
            Some("corp"),
            None,
            None,
            &account,
            &format!("Business Unit {:04}", i / 3),
            role,
            Some("eu-west-1"),
        ));
    }
    let graph = std::sync::Arc::new(configured.with_profiles(profiles));
    let mut tui = rolecall::tui::App::new(graph, chrono::Utc::now(), true);
    tui.prepare_search();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut keys = "business unit 0042 admin".chars().cycle();
    let keystroke = time(101, || {
        let c = keys.next().unwrap();
        tui.update(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
        if tui.filter.len() >= 24 {
            tui.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        }
        terminal
            .draw(|f| rolecall::tui::view::draw(&tui, f))
            .unwrap();
    });
    println!(
        "10,000 rows (5,000 configured + 5,000 discovered, account names): filter keystroke to frame {keystroke:?}"
    );
}
