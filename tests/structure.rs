//! The house's shape, checked on every test run so it does not bend again as features land
//! (docs/ARCHITECTURE.md):
//!
//! - no cycle between the top-level modules of `src/`, nor between the files of one
//!   folder: every arrow points one way, so the modules stack in floors;
//! - no function longer than 80 lines, unless its doc comment says why (`Long because …`);
//! - no two types named alike, so a reader never needs the module path to know which is meant;
//! - unit tests in one place: `src/a/b.rs`'s in `src/a/b/tests.rs` (the standard library's
//!   convention), shared helpers in `src/testing/`;
//! - `src/lib.rs` maps every module in one line.
//!
//! The source is read as text: comments and string literals are blanked first (keeping
//! line ends), so a brace or a `crate::` inside either counts for nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FN_LINES: usize = 80;

/// One source file: its path under `src/`, its text, and its text with comments and
/// literals blanked.
struct Source {
    rel: String,
    text: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let rel = path.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            let code = blank_comments_and_literals(&text);
            Source { rel, text, code }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether the file is test code only: a `tests.rs` or the shared helpers.
fn is_test_file(rel: &str) -> bool {
    rel.ends_with("/tests.rs") || rel == "tests.rs" || rel.starts_with("testing")
}

/// `text` with every comment and string or character literal replaced by spaces; line
/// ends are kept, so line numbers stay true.
fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r"…", r#"…"#, br#"…"#: no escapes, ends at a quote and as many hashes.
            let open = chars[i..].iter().position(|&c| c == '"').unwrap() + 1;
            out.extend(std::iter::repeat_n(' ', open));
            i += open;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1b}', '"'), not a lifetime ('a).
            let len = char_literal_len(&chars, i);
            out.extend(std::iter::repeat_n(' ', len));
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The number of hashes of a raw string literal starting at `i`, if one does.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if is_ident_char(i.checked_sub(1).map(|p| chars[p])) {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') || chars.get(j) == Some(&'c') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some(hashes)
}

/// The length of the character literal at `i`, or 1 for a lifetime's quote.
fn char_literal_len(chars: &[char], i: usize) -> usize {
    match (chars.get(i + 1), chars.get(i + 2)) {
        (Some('\\'), _) => chars[i + 2..]
            .iter()
            .position(|&c| c == '\'')
            .map_or(1, |p| p + 3),
        (Some(_), Some('\'')) => 3,
        _ => 1,
    }
}

/// A function: where it starts, how many lines it spans, and its doc comment.
struct Function {
    name: String,
    line: usize,
    lines: usize,
    doc: String,
}

/// Every function with a body in `source`, nested ones and trait defaults included.
fn functions(source: &Source) -> Vec<Function> {
    let code: Vec<char> = source.code.chars().collect();
    let text_lines: Vec<&str> = source.text.lines().collect();
    let line_of = |pos: usize| code[..pos].iter().filter(|&&c| c == '\n').count() + 1;
    let mut found = Vec::new();
    let mut i = 0;
    while i + 2 < code.len() {
        let keyword = code[i] == 'f'
            && code[i + 1] == 'n'
            && !is_ident_char(i.checked_sub(1).map(|p| code[p]))
            && code[i + 2].is_whitespace();
        if !keyword {
            i += 1;
            continue;
        }
        let name_start = i + 2 + code[i + 2..].iter().take_while(|c| c.is_whitespace()).count();
        let name: String = code[name_start..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        if let (false, Some(end)) = (name.is_empty(), body_end(&code, name_start)) {
            let line = line_of(i);
            found.push(Function {
                lines: line_of(end) - line + 1,
                doc: doc_above(&text_lines, line),
                name,
                line,
            });
        }
        i = name_start;
    }
    found
}

/// Where the body of the function whose name starts at `from` closes; `None` for a
/// declaration without a body.
fn body_end(code: &[char], from: usize) -> Option<usize> {
    let mut parens = 0i32;
    let mut i = from;
    while i < code.len() {
        match code[i] {
            '(' | '[' | '<' => parens += 1,
            ')' | ']' => parens -= 1,
            // `->` is not a closing angle bracket.
            '>' if code[i - 1] != '-' => parens -= 1,
            ';' if parens <= 0 => return None,
            '{' if parens <= 0 => break,
            _ => {}
        }
        i += 1;
    }
    let mut depth = 0;
    while i < code.len() {
        match code[i] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The doc comment and attributes right above line `line` (1-based).
fn doc_above(lines: &[&str], line: usize) -> String {
    let mut doc = Vec::new();
    for text in lines[..line - 1].iter().rev() {
        let t = text.trim_start();
        if t.starts_with("///") || t.starts_with("#[") || t.starts_with("//") {
            doc.push(t);
        } else {
            break;
        }
    }
    doc.join("\n")
}

#[test]
fn no_function_is_longer_than_80_lines_without_a_reason() {
    let mut long = Vec::new();
    for source in sources() {
        for f in functions(&source) {
            if f.lines > MAX_FN_LINES && !f.doc.contains("Long because") {
                long.push(format!("src/{}:{} {} ({} lines)", source.rel, f.line, f.name, f.lines));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines (split them, or say `Long because …` in the doc comment):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_function_measure_sees_a_long_function() {
    // The measure itself can fail: a made-up long function is found, braces in strings
    // and comments are not counted, and a body-less declaration is no function.
    let body: String = (0..90).map(|i| format!("    let _x{i} = \"}}\"; // }}\n")).collect();
    let text = format!("trait T {{ fn decl(&self); }}\nfn long() {{\n{body}}}\nfn short() {{}}\n");
    let source = Source {
        rel: "made_up.rs".into(),
        code: blank_comments_and_literals(&text),
        text,
    };
    let found: Vec<(String, usize)> = functions(&source)
        .into_iter()
        .map(|f| (f.name, f.lines))
        .collect();
    assert_eq!(found, vec![("long".to_string(), 92), ("short".to_string(), 1)]);
}

/// The names of the types declared with any visibility but private, and where.
fn public_types(source: &Source) -> Vec<(String, usize)> {
    let mut names = Vec::new();
    for (n, line) in source.code.lines().enumerate() {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix("pub") else {
            continue;
        };
        let rest = match rest.strip_prefix('(') {
            Some(r) => r.split_once(')').map_or("", |(_, r)| r),
            None => rest,
        };
        let mut words = rest.split_whitespace();
        if let (Some("struct" | "enum" | "trait" | "type" | "union"), Some(name)) =
            (words.next(), words.next())
        {
            let name: String = name
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push((name, n + 1));
        }
    }
    names
}

#[test]
fn no_two_public_types_share_a_name() {
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for source in sources().iter().filter(|s| !is_test_file(&s.rel)) {
        for (name, line) in public_types(source) {
            seen.entry(name)
                .or_default()
                .push(format!("src/{}:{line}", source.rel));
        }
    }
    let shared: Vec<String> = seen
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(name, places)| format!("{name}: {}", places.join(", ")))
        .collect();
    assert!(shared.is_empty(), "types sharing a name:\n{}", shared.join("\n"));
}

/// The arrows between the parts of one folder (`dir` empty: the top-level modules): from
/// each file or subfolder of it to each sibling it names, by `crate::dir::x` or, one level
/// down, by `super::x`. Test code is left out (a test may look from anywhere).
fn arrows(sources: &[Source], dir: &str) -> BTreeMap<String, BTreeSet<String>> {
    let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    let parts: BTreeSet<String> = sources
        .iter()
        .filter_map(|s| s.rel.strip_prefix(&prefix))
        .filter_map(|rest| Some(part_name(rest)).filter(|p| !p.is_empty()))
        .filter(|p| !matches!(p.as_str(), "mod" | "lib" | "main" | "testing" | "tests"))
        .collect();
    let crate_path = format!("crate::{}", dir.replace('/', "::"));
    let crate_path = crate_path.trim_end_matches("::").to_string() + "::";
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources.iter().filter(|s| !is_test_file(&s.rel)) {
        let Some(rest) = source.rel.strip_prefix(&prefix) else {
            continue;
        };
        let from = part_name(rest);
        if !parts.contains(&from) {
            continue;
        }
        // `super::` in a part's own file (`x.rs` or `x/mod.rs`) is the folder.
        let direct = !rest.contains('/') || rest == format!("{from}/mod.rs");
        let mut named = names_after(&source.code, &crate_path);
        if direct && !dir.is_empty() {
            named.extend(names_after(&source.code, "super::"));
        }
        for to in named.into_iter().filter(|n| parts.contains(n) && *n != from) {
            graph.entry(from.clone()).or_default().insert(to);
        }
    }
    graph
}

/// `a` for `a.rs` and for `a/…`.
fn part_name(rest: &str) -> String {
    let first = rest.split('/').next().unwrap_or("");
    first.strip_suffix(".rs").unwrap_or(first).to_string()
}

/// The identifiers that follow `path` in `code`, also inside one `{…}` group after it.
fn names_after(code: &str, path: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find(path) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + path.len()..];
        if is_ident_char(before) || before == Some(':') {
            continue;
        }
        let group = match rest.strip_prefix('{') {
            Some(inner) => &inner[..inner.find('}').unwrap_or(inner.len())],
            None => rest,
        };
        let items: Vec<&str> = if rest.starts_with('{') {
            group.split(',').collect()
        } else {
            vec![group]
        };
        for item in items {
            let name: String = item
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

/// The groups of parts that reach each other through the arrows (each group a cycle or
/// several), sorted; empty when the arrows all point one way.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(node) = todo.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|n| (n, reach(n))).collect();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for (node, from_node) in &reached {
        if !from_node.contains(*node) || groups.iter().any(|g| g.contains(node)) {
            continue;
        }
        let group = from_node
            .iter()
            .filter(|other| reached.get(other).is_some_and(|r| r.contains(*node)))
            .cloned()
            .collect();
        groups.push(group);
    }
    groups
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let sources = sources();
    let mut folders: BTreeSet<String> = sources
        .iter()
        .filter_map(|s| s.rel.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .filter(|dir| !dir.starts_with("testing") && !dir.ends_with("/tests"))
        .collect();
    folders.insert(String::new());
    let cycles: Vec<String> = folders
        .iter()
        .flat_map(|dir| {
            let graph = arrows(&sources, dir);
            cycles(&graph)
                .into_iter()
                .map(move |group| format!("in src/{dir}: {}", arrows_within(&graph, &group)))
        })
        .collect();
    assert!(cycles.is_empty(), "modules importing each other:\n{}", cycles.join("\n"));
}

/// `a -> b, b -> a`: the arrows between the members of `group`.
fn arrows_within(graph: &BTreeMap<String, BTreeSet<String>>, group: &[String]) -> String {
    let mut shown = Vec::new();
    for from in group {
        for to in graph.get(from).into_iter().flatten() {
            if group.contains(to) {
                shown.push(format!("{from} -> {to}"));
            }
        }
    }
    shown.join(", ")
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let made_up = |rel: &str, text: &str| Source {
        rel: rel.into(),
        code: blank_comments_and_literals(text),
        text: text.into(),
    };
    let sources = [
        made_up("a.rs", "use crate::b::X;\n// crate::c::Y\n"),
        made_up("b.rs", "use crate::{c::Z, d};\n"),
        made_up("c.rs", "fn f() { crate::a::g() }\n"),
        made_up("d.rs", "const S: &str = \"crate::a\";\n"),
    ];
    let graph = arrows(&sources, "");
    assert_eq!(
        cycles(&graph),
        vec![vec!["a".to_string(), "b".into(), "c".into()]]
    );
    assert!(!graph.contains_key("d"), "a string is no import: {graph:?}");
    let folder = [
        made_up("x/mod.rs", "mod a;\nmod b;\nuse a::A;\n"),
        made_up("x/a.rs", "use super::{b::B, Other};\n"),
        made_up("x/b.rs", "fn f() -> crate::x::a::A { todo!() }\n"),
        made_up("x/c/mod.rs", "use super::a;\n"),
        made_up("x/c/d.rs", "use super::super::b;\n"),
    ];
    let graph = arrows(&folder, "x");
    assert_eq!(cycles(&graph), vec![vec!["a".to_string(), "b".into()]]);
    assert_eq!(graph["c"], BTreeSet::from(["a".to_string()]));
}

#[test]
fn unit_tests_live_in_tests_files() {
    let mut misplaced = Vec::new();
    for source in sources().iter().filter(|s| !is_test_file(&s.rel)) {
        let code = &source.code;
        if code.contains("mod tests {") || code.contains("#[path") {
            misplaced.push(format!("src/{}", source.rel));
        }
        if code.contains("mod tests;") && !code.contains("#[cfg(test)]\nmod tests;") {
            misplaced.push(format!("src/{}: `mod tests;` without #[cfg(test)]", source.rel));
        }
    }
    assert!(
        misplaced.is_empty(),
        "unit tests outside the convention (src/a/b.rs's in src/a/b/tests.rs, declared \
         `#[cfg(test)] mod tests;`):\n{}",
        misplaced.join("\n")
    );
}

#[test]
fn lib_rs_maps_every_module() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .unwrap();
    let doc: String = lib
        .lines()
        .filter(|l| l.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    let unmapped: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .filter(|m| !doc.contains(&format!("`{m}`")))
        .collect();
    assert!(unmapped.is_empty(), "modules missing from lib.rs's map: {unmapped:?}");
}
