//! Ticket numbers: `JMO-` and 16 Crockford base-32 characters (80 random bits) in groups of four,
//! so they can be read over the phone and cannot be guessed or enumerated.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const TICKET_PREFIX: &str = "JMO-";
pub const TICKET_LEN: usize = 23;

/// The ticket number for 10 random bytes.
pub fn ticket_from_bytes(random: [u8; 10]) -> String {
    let bits = random.iter().fold(0u128, |acc, b| acc << 8 | *b as u128);
    let mut out = String::with_capacity(TICKET_LEN);
    out.push_str(TICKET_PREFIX);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[(bits >> (75 - 5 * i) & 31) as usize] as char);
    }
    out
}

/// The canonical form of a ticket number as a person may type it (any case, `O` for `0`,
/// `I`/`L` for `1`), or `None` if it cannot be one.
pub fn normalize_ticket(input: &str) -> Option<String> {
    let upper = input.trim().to_ascii_uppercase();
    let body = upper.strip_prefix(TICKET_PREFIX)?;
    let chars: Vec<u8> = body.bytes().filter(|b| *b != b'-').collect();
    if chars.len() != 16 {
        return None;
    }
    let mut out = String::with_capacity(TICKET_LEN);
    out.push_str(TICKET_PREFIX);
    for (i, c) in chars.into_iter().enumerate() {
        let c = match c {
            b'O' => b'0',
            b'I' | b'L' => b'1',
            c if ALPHABET.contains(&c) => c,
            _ => return None,
        };
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c as char);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_forgives_lookalikes() {
        let t = ticket_from_bytes([0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(t.len(), TICKET_LEN);
        assert_eq!(normalize_ticket(&t.to_lowercase()).as_deref(), Some(t.as_str()));
        assert_eq!(ticket_from_bytes([0; 10]), "JMO-0000-0000-0000-0000");
        assert_eq!(normalize_ticket("jmo-oooo-iiii-llll-0000").as_deref(), Some("JMO-0000-1111-1111-0000"));
        assert_eq!(normalize_ticket("JMO-0000-0000-0000-000U"), None);
        assert_eq!(normalize_ticket("JMO-0000"), None);
    }
}
