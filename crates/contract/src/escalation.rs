//! What an escalation hands the complaint form: the walk that led to it and what the escalation
//! says (kind of problem, urgency), written like a step link —
//! `/kpj/escalate?a=start.no~check.yes&v=8dba6e5b5770&c=kpj_mismatch&u=high` — ids only, never
//! anything typed. The widget gives it to the form module when it mounts the form; the server
//! draws the form of a page without JavaScript from the same text.

use crate::path::{self, is_valid_id};
use crate::{Category, ComplaintRequest, GuideTrail, Urgency};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationContext {
    /// The guide, its content version, the answers taken and the escalation's node.
    pub trail: GuideTrail,
    pub category: Category,
    pub urgency: Urgency,
}

impl EscalationContext {
    pub fn encode(&self) -> String {
        let t = &self.trail;
        let mut link = String::new();
        for id in ["/", &t.guide_id, "/", &t.escalation_node, "?a="] {
            link.push_str(id);
        }
        path::write(&t.path, &mut link);
        EscalationContext::encode_at(&link, &t.content_version, self.category, self.urgency)
    }

    /// The same text from the escalation's step link (`/kpj/escalate?a=…`, as the link codec
    /// writes it with no language and not embedded): how the widget writes it, from the link it
    /// already has.
    #[inline]
    pub fn encode_at(step_link: &str, content_version: &str, category: Category, urgency: Urgency) -> String {
        let mut out = String::new();
        out.push_str(step_link);
        // (Bytes, not a `char` search: this runs in the widget, where every byte counts.)
        let mut separator = if step_link.as_bytes().contains(&b'?') { '&' } else { '?' };
        for (key, value) in [("v", content_version), ("c", category.as_str()), ("u", urgency.as_str())] {
            out.push(separator);
            out.push_str(key);
            out.push('=');
            out.push_str(value);
            separator = '&';
        }
        out
    }

    /// Reads [`EscalationContext::encode`]'s text. What is missing or malformed stays empty (the
    /// contract's check of the complaint then names it) or takes the plain default (other,
    /// normal): the participant can always write their complaint.
    pub fn decode(text: &str) -> EscalationContext {
        let (address, query) = text.split_once('?').unwrap_or((text, ""));
        let mut ids = address.split('/').filter(|s| !s.is_empty()).map(|id| if is_valid_id(id) { id.to_owned() } else { String::new() });
        let mut trail = GuideTrail { guide_id: ids.next().unwrap_or_default(), escalation_node: ids.next().unwrap_or_default(), ..GuideTrail::default() };
        let (mut category, mut urgency) = (Category::Other, Urgency::Normal);
        for (key, value) in query.split('&').filter_map(|p| p.split_once('=')) {
            match key {
                "a" => trail.path = path::read(value).unwrap_or_default(),
                "v" if is_valid_id(value) => trail.content_version = value.to_owned(),
                "c" => category = Category::parse(value).unwrap_or(Category::Other),
                "u" => urgency = Urgency::parse(value).unwrap_or(Urgency::Normal),
                _ => {}
            }
        }
        EscalationContext { trail, category, urgency }
    }

    /// The escalation a saved complaint came from (to correct it after the server refused it).
    pub fn of_request(req: &ComplaintRequest) -> EscalationContext {
        EscalationContext {
            trail: req.guide.clone(),
            category: Category::parse(&req.category).unwrap_or(Category::Other),
            urgency: Urgency::parse(&req.urgency).unwrap_or(Urgency::Normal),
        }
    }

    /// The mismatch case asks for both KPJ numbers.
    pub fn asks_both_kpj(&self) -> bool {
        self.category == Category::KpjMismatch
    }

    pub fn is_urgent(&self) -> bool {
        self.urgency == Urgency::High
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PathStep;

    fn kpj() -> EscalationContext {
        EscalationContext {
            trail: GuideTrail {
                guide_id: "kpj".into(),
                content_version: "abc123".into(),
                path: vec![PathStep { node: "start".into(), answer: "no".into() }, PathStep { node: "check".into(), answer: "yes".into() }],
                escalation_node: "escalate".into(),
            },
            category: Category::KpjMismatch,
            urgency: Urgency::High,
        }
    }

    #[test]
    fn reads_what_it_writes() {
        let text = kpj().encode();
        assert_eq!(text, "/kpj/escalate?a=start.no~check.yes&v=abc123&c=kpj_mismatch&u=high");
        let back = EscalationContext::decode(&text);
        assert_eq!(back, kpj());
        assert!(back.asks_both_kpj() && back.is_urgent());
    }

    #[test]
    fn an_escalation_with_no_answers_has_an_empty_path() {
        let mut first = kpj();
        first.trail.path.clear();
        assert_eq!(EscalationContext::decode(&first.encode()), first);
        // A step link with no answers has no query at all.
        assert_eq!(EscalationContext::decode(&EscalationContext::encode_at("/kpj/escalate", "abc123", Category::KpjMismatch, Urgency::High)), first);
    }

    #[test]
    fn anything_malformed_is_left_for_the_complaint_check_or_the_plain_default() {
        let odd = EscalationContext::decode("/Bad Id/escalate?a=start&v=&c=nope&u=urgent&zzz=1");
        assert_eq!((odd.trail.guide_id.as_str(), odd.trail.escalation_node.as_str()), ("", "escalate"));
        assert!(odd.trail.path.is_empty() && odd.trail.content_version.is_empty());
        assert_eq!((odd.category, odd.urgency), (Category::Other, Urgency::Normal));
        assert_eq!(EscalationContext::decode(""), EscalationContext { trail: GuideTrail::default(), category: Category::Other, urgency: Urgency::Normal });
    }
}
