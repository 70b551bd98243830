//! Reads tests/hostile-inputs.txt; shared (through `#[path]`) by the server's API test and the
//! browser test of the complaint form, so both try exactly the same inputs. Every crate that
//! includes it sits two folders below the workspace root.

/// Reads the list: `#` comments, Rust-style escapes, `@repeat N UNIT`.
pub fn hostile_inputs() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/hostile-inputs.txt");
    let text = std::fs::read_to_string(path).expect("read tests/hostile-inputs.txt");
    let mut inputs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let input = match line.strip_prefix("@repeat ") {
            Some(rest) => {
                let (count, unit) = rest.split_once(' ').unwrap_or_else(|| panic!("line {}: @repeat N UNIT", n + 1));
                let count: usize = count.parse().unwrap_or_else(|_| panic!("line {}: bad count", n + 1));
                unescape(unit, n + 1).repeat(count)
            }
            None => unescape(line, n + 1),
        };
        inputs.push(input);
    }
    inputs
}

pub fn unescape(s: &str, line: usize) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let rest = chars.as_str();
                let end = rest.find('}').unwrap_or_else(|| panic!("line {line}: unterminated \\u{{"));
                let hex = rest[..end].strip_prefix('{').unwrap_or_else(|| panic!("line {line}: \\u without {{"));
                let code = u32::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("line {line}: bad hex {hex}"));
                out.push(char::from_u32(code).unwrap_or_else(|| panic!("line {line}: not a scalar value {hex}")));
                chars = rest[end + 1..].chars();
            }
            other => panic!("line {line}: unknown escape \\{other:?}"),
        }
    }
    out
}

