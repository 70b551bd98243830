//! Step links: the path and query of a page of the widget, e.g.
//! `/login/otp_missing?a=what_happens.no_otp~otp_wait.no&lang=en`. The server renders that page and
//! the widget follows the same links in-page. Links shared before pages had paths put the same
//! text after a `#` (`/#/login/otp_missing?…`); [`Link::decode`] reads both forms, forever.
//!
//! A link names a guide, optionally the step, and the answers that led there, so it reopens the
//! same step on another device. It carries ids only, never anything a participant typed.

use jmo_contract::path;
pub use jmo_contract::path::{is_valid_id, MAX_ID_LEN};
pub use jmo_contract::PathStep;

use crate::model::{Catalog, Guide, Language};
use crate::walk::Walk;

/// Longest link we accept; real ones are far shorter.
pub const MAX_LINK_LEN: usize = 2048;
/// Most answers a link may carry.
pub const MAX_ANSWERS: usize = 128;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    /// `None`: the start screen.
    pub guide: Option<String>,
    pub node: Option<String>,
    /// The answers that led there (`a=node.answer~node.answer`, the contract's path syntax).
    pub answers: Vec<PathStep>,
    /// A language chosen by whoever shared the link.
    pub lang: Option<Language>,
    /// Embedded in a host page or app (no page chrome).
    pub embed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkError {
    TooLong,
    BadId,
    TooManyAnswers,
    BadAnswer,
    BadLang,
}

impl Link {
    pub fn start() -> Link {
        Link::default()
    }

    /// The link to where `walk` stands in `guide`.
    pub fn to_step(guide: &Guide, walk: &Walk) -> Link {
        Link {
            guide: Some(guide.id.to_string()),
            node: Some(walk.current_node(guide).id.to_string()),
            answers: walk.pairs(guide).map(|(n, o)| PathStep { node: n.to_string(), answer: o.to_string() }).collect(),
            lang: None,
            embed: false,
        }
    }

    pub fn with_lang(mut self, lang: Option<Language>) -> Link {
        self.lang = lang;
        self
    }

    pub fn with_embed(mut self, embed: bool) -> Link {
        self.embed = embed;
        self
    }

    /// The page's path and query, starting with `/`.
    pub fn encode(&self) -> String {
        let mut out = String::from("/");
        if let Some(guide) = &self.guide {
            out.push_str(guide);
            if let Some(node) = &self.node {
                out.push('/');
                out.push_str(node);
            }
        }
        let mut separator = '?';
        let mut param = |out: &mut String, key: &str| {
            out.push(separator);
            out.push_str(key);
            out.push('=');
            separator = '&';
        };
        if !self.answers.is_empty() {
            param(&mut out, "a");
            path::write(&self.answers, &mut out);
        }
        if let Some(lang) = self.lang {
            param(&mut out, "lang");
            out.push_str(lang.as_str());
        }
        if self.embed {
            param(&mut out, "embed");
            out.push('1');
        }
        out
    }

    /// Reads a page's path and query (`/login?a=…`), or an old link's fragment (`#/login?a=…`).
    /// Unknown parameters are ignored, so older widgets open newer links; anything malformed is
    /// an error, never a panic. (A link some app percent-encoded: [`unescape_ids`] first.)
    pub fn decode(address: &str) -> Result<Link, LinkError> {
        if address.len() > MAX_LINK_LEN {
            return Err(LinkError::TooLong);
        }
        let address = address.strip_prefix('#').unwrap_or(address);
        let address = address.strip_prefix('/').unwrap_or(address);
        let (path, query) = address.split_once('?').unwrap_or((address, ""));
        let mut link = Link::default();

        let mut segments = path.split('/').filter(|s| !s.is_empty());
        link.guide = segments.next().map(str::to_owned);
        link.node = segments.next().map(str::to_owned);
        if segments.next().is_some() {
            return Err(LinkError::BadId);
        }
        if [&link.guide, &link.node].into_iter().flatten().any(|id| !is_valid_id(id)) {
            return Err(LinkError::BadId);
        }

        for param in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            match key {
                "a" => {
                    link.answers = path::read(value).map_err(|_| LinkError::BadAnswer)?;
                    if link.answers.len() > MAX_ANSWERS {
                        return Err(LinkError::TooManyAnswers);
                    }
                }
                "lang" => link.lang = Some(Language::parse(value).ok_or(LinkError::BadLang)?),
                "embed" => link.embed = value == "1",
                _ => {}
            }
        }
        if link.guide.is_none() && !link.answers.is_empty() {
            return Err(LinkError::BadAnswer);
        }
        Ok(link)
    }
}

/// Percent-decodes the few characters a link may hold besides letters and digits (`~ . _ -`), as
/// some apps encode what they pass on; `None` when anything else is encoded.
pub fn unescape_ids(address: &str) -> Option<String> {
    let query = address;
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3)?;
        out.push(match code.to_ascii_uppercase().as_str() {
            "7E" => '~',
            "2E" => '.',
            "5F" => '_',
            "2D" => '-',
            _ => return None,
        });
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Some(out)
}

/// What a link opens, against the content shipped today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    Start,
    Step {
        guide: usize,
        walk: Walk,
        /// The guide changed since the link was made: the answers were not all replayable, so
        /// the participant should check them.
        changed: bool,
    },
    /// No such guide or step (or the link was malformed): show the friendly "no longer exists" page.
    NotFound,
}

impl Catalog {
    /// Opens a link: replays its answers, follows redirects of renamed steps, and when a link
    /// names a step with no (or outdated) answers, takes the shortest way there.
    pub fn open(&self, link: &Link) -> Opened {
        let Some(guide_id) = &link.guide else { return Opened::Start };
        let Some(guide) = self.guides.iter().position(|g| g.id == *guide_id) else {
            return Opened::NotFound;
        };
        let g = &self.guides[guide];
        let replay = Walk::replay(g, link.answers.iter().map(|a| (a.node.as_str(), a.answer.as_str())));
        let Some(node) = &link.node else {
            return Opened::Step { guide, changed: !replay.complete, walk: replay.walk };
        };
        let Some(target) = g.resolve(node) else { return Opened::NotFound };
        if replay.complete && replay.walk.current() == target {
            return Opened::Step { guide, walk: replay.walk, changed: false };
        }
        match Walk::shortest_to(g, target) {
            Some(walk) => Opened::Step { guide, walk, changed: !link.answers.is_empty() },
            None => Opened::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let link = Link {
            guide: Some("login".into()),
            node: Some("otp_missing".into()),
            answers: vec![
                PathStep { node: "what_happens".into(), answer: "no_otp".into() },
                PathStep { node: "otp_wait".into(), answer: "no".into() },
            ],
            lang: Some(Language::En),
            embed: true,
        };
        let text = link.encode();
        assert_eq!(text, "/login/otp_missing?a=what_happens.no_otp~otp_wait.no&lang=en&embed=1");
        assert_eq!(Link::decode(&text), Ok(link.clone()));
        assert_eq!(Link::decode(""), Ok(Link::start()));
        assert_eq!(Link::start().encode(), "/");
        assert_eq!(Link::decode("/"), Ok(Link::start()));
        assert_eq!(Link::decode("/?lang=en").unwrap().lang, Some(Language::En));
        // Links shared before pages had paths: the same text after `#`.
        assert_eq!(Link::decode("#/login/otp_missing?a=what_happens.no_otp~otp_wait.no&lang=en&embed=1"), Ok(link.clone()));
        assert_eq!(Link::decode("#/"), Ok(Link::start()));
        // Apps that percent-encode what they pass on.
        let encoded = unescape_ids("/login/otp_missing?a=what%5Fhappens%2Eno_otp%7Eotp_wait.no&lang=en&embed=1").unwrap();
        assert_eq!(Link::decode(&encoded), Ok(link));
        assert_eq!(unescape_ids("/login?a=q.a%3Cb"), None);
        assert_eq!(unescape_ids("/login?a=q.a%7"), None);
    }

    #[test]
    fn malformed_links_are_errors() {
        for bad in [
            "#/Login",
            "#/login/a/b",
            "#/login/<script>",
            "#/login?a=node",
            "#/login?a=node.opt.x",
            "#/login?a=.x",
            "#/login?lang=fr",
            "#/?a=x.y",
            "#/login/%20",
            "#/lo gin",
            "/login?a=q.a%7E",
            "/login/a/b",
        ] {
            assert!(Link::decode(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(Link::decode(&"#/a".repeat(1000)), Err(LinkError::TooLong));
        let many = format!("#/g?a={}", vec!["n.o"; MAX_ANSWERS + 1].join("~"));
        assert_eq!(Link::decode(&many), Err(LinkError::TooManyAnswers));
    }

    #[test]
    fn unknown_parameters_are_ignored() {
        assert_eq!(Link::decode("#/login?utm_source=wa&x").unwrap().guide.as_deref(), Some("login"));
    }
}
