//! What the guide widget tells the form when it mounts it: where the participant is in the guide
//! (ids only) and what the escalation says. One `key=value` per line, no personal data.

use jmo_contract::{Category, GuideTrail, PathStep, Urgency};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormContext {
    pub guide_id: String,
    pub node: String,
    /// The answers taken, as in a step link: `node.option~node.option`.
    pub path: Vec<PathStep>,
    pub content_version: String,
    pub category: String,
    pub urgency: String,
    /// Where the guide runs: `web`, or the host app's platform.
    pub embedding: String,
}

impl FormContext {
    /// Reads the widget's context; unknown keys are ignored, missing ones stay empty (the contract
    /// check then names them).
    pub fn parse(text: &str) -> FormContext {
        let mut ctx = FormContext { embedding: "web".into(), ..FormContext::default() };
        for (key, value) in text.lines().filter_map(|l| l.split_once('=')) {
            let value = value.trim().to_owned();
            match key.trim() {
                "guide" => ctx.guide_id = value,
                "node" => ctx.node = value,
                "path" => ctx.path = parse_path(&value),
                "version" => ctx.content_version = value,
                "category" => ctx.category = value,
                "urgency" => ctx.urgency = value,
                "embedding" if !value.is_empty() => ctx.embedding = value,
                _ => {}
            }
        }
        ctx
    }

    pub fn trail(&self) -> GuideTrail {
        GuideTrail {
            guide_id: self.guide_id.clone(),
            content_version: self.content_version.clone(),
            path: self.path.clone(),
            escalation_node: self.node.clone(),
        }
    }

    /// The context of a saved complaint (to correct it after the server refused it).
    pub fn of_request(req: &jmo_contract::ComplaintRequest) -> FormContext {
        FormContext {
            guide_id: req.guide.guide_id.clone(),
            node: req.guide.escalation_node.clone(),
            path: req.guide.path.clone(),
            content_version: req.guide.content_version.clone(),
            category: req.category.clone(),
            urgency: req.urgency.clone(),
            embedding: req.client.embedding.clone().unwrap_or_else(|| "web".into()),
        }
    }

    /// The mismatch case asks for both KPJ numbers.
    pub fn asks_both_kpj(&self) -> bool {
        Category::parse(&self.category) == Some(Category::KpjMismatch)
    }

    pub fn is_urgent(&self) -> bool {
        Urgency::parse(&self.urgency) == Some(Urgency::High)
    }
}

fn parse_path(text: &str) -> Vec<PathStep> {
    text.split('~')
        .filter_map(|pair| pair.split_once('.'))
        .map(|(node, answer)| PathStep { node: node.to_owned(), answer: answer.to_owned() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_widgets_context() {
        let ctx = FormContext::parse("guide=kpj\nnode=escalate\npath=start.no~check.yes\nversion=abc123\ncategory=kpj_mismatch\nurgency=high\nbogus=1\n");
        assert_eq!(ctx.guide_id, "kpj");
        assert_eq!(ctx.path, vec![PathStep { node: "start".into(), answer: "no".into() }, PathStep { node: "check".into(), answer: "yes".into() }]);
        assert!(ctx.asks_both_kpj() && ctx.is_urgent());
        assert_eq!(ctx.embedding, "web");
        assert_eq!(ctx.trail().escalation_node, "escalate");
    }

    #[test]
    fn an_empty_path_has_no_steps() {
        assert!(FormContext::parse("path=").path.is_empty());
    }
}
