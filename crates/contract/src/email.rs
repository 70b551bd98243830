//! E-mail addresses: a structural check (ASCII, one `@`, a dotted domain), not RFC 5322 in full.

use crate::codes;
use crate::error::FieldError;
use serde::Serialize;

/// A plausible address, trimmed, with the domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn validate_email(input: &str) -> Result<Email, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(codes::REQUIRED));
    }
    if s.len() > 254 {
        return Err(FieldError::new(codes::TOO_LONG));
    }
    let bad = FieldError::new(codes::EMAIL_FORMAT);
    let (local, domain) = s.split_once('@').ok_or(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    if !local_ok || !domain_ok {
        return Err(bad);
    }
    Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_structure() {
        assert_eq!(validate_email(" Budi.S+jmo@Mail.Example.CO.ID ").unwrap().as_str(), "Budi.S+jmo@mail.example.co.id");
        for bad in ["budi", "budi@", "@mail.com", "budi@mail", "bu di@mail.com", "budi@@mail.com", "budi@mail..com",
            ".budi@mail.com", "budi@-mail.com", "budi@mail.c0m", "búdi@mail.com"] {
            assert_eq!(validate_email(bad).unwrap_err().code, codes::EMAIL_FORMAT, "{bad}");
        }
    }
}
