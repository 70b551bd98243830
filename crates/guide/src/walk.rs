//! The answer path through one guide: a pure state machine. Every transition returns a new state
//! or an error; nothing here touches the page.

use crate::date::{Calendar, Date};
use crate::model::{Catalog, Guide, Language, Node, NodeKind};

/// One answer: which option was chosen at which node (indices into the guide).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Answer {
    pub node: usize,
    pub option: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkError {
    /// The current node has no option with this id (or is an outcome).
    NoSuchOption,
    /// A date question was answered with a date after today.
    DateInFuture,
    /// A date question was answered with a date that cannot be real (before 1900).
    DateTooOld,
    /// The node is not a date question.
    NotADateQuestion,
}

/// Where a participant is in a guide and how they got there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Walk {
    answers: Vec<Answer>,
    current: usize,
}

impl Walk {
    pub fn start(guide: &Guide) -> Walk {
        Walk { answers: Vec::new(), current: guide.start_index() }
    }

    pub fn current(&self) -> usize {
        self.current
    }

    pub fn current_node<'g>(&self, guide: &'g Guide) -> &'g Node {
        &guide.nodes[self.current]
    }

    pub fn answers(&self) -> &[Answer] {
        &self.answers
    }

    pub fn is_at_start(&self) -> bool {
        self.answers.is_empty()
    }

    /// Answers the current node with the option `option_id`.
    pub fn choose(&self, guide: &Guide, option_id: &str) -> Result<Walk, WalkError> {
        let node = self.current_node(guide);
        let option = node.option_index(option_id).ok_or(WalkError::NoSuchOption)?;
        self.choose_index(guide, option)
    }

    pub fn choose_index(&self, guide: &Guide, option: usize) -> Result<Walk, WalkError> {
        let node = self.current_node(guide);
        let next = node.options.get(option).ok_or(WalkError::NoSuchOption)?;
        let next = guide.node_index(&next.next).ok_or(WalkError::NoSuchOption)?;
        let mut answers = self.answers.clone();
        answers.push(Answer { node: self.current, option });
        Ok(Walk { answers, current: next })
    }

    /// Which branch of the current date question applies to `date`, seen from `today`, counting
    /// working days with weekends only. Prefer [`Walk::date_option_in`] with the catalog's
    /// calendar, which also skips public holidays and *cuti bersama*.
    pub fn date_option(&self, guide: &Guide, date: Date, today: Date) -> Result<usize, WalkError> {
        self.date_option_in(guide, &Calendar::default(), date, today)
    }

    /// Which branch of the current date question applies to `date`, seen from `today`, with the
    /// days off of `calendar` (`&catalog.calendar`) left out of working-day limits.
    pub fn date_option_in(&self, guide: &Guide, calendar: &Calendar, date: Date, today: Date) -> Result<usize, WalkError> {
        let node = self.current_node(guide);
        if !matches!(node.kind, NodeKind::Date) {
            return Err(WalkError::NotADateQuestion);
        }
        if date > today {
            return Err(WalkError::DateInFuture);
        }
        if date.year < 1900 {
            return Err(WalkError::DateTooOld);
        }
        node.options
            .iter()
            .position(|branch| branch.below.is_none_or(|limit| !limit.reached(date, today, calendar)))
            .ok_or(WalkError::NoSuchOption)
    }

    /// The computed-date sentence of a date branch, in `lang`: "Anda bisa mengajukan klaim mulai
    /// 15 Januari 2027." for a resignation dated 15 December 2026. `entered` is the date the
    /// participant typed (kept by the page, never put in a link).
    ///
    /// Works on the date question itself (the branch `entered` leads to) and on the node right
    /// after it (the branch the walk took, if `entered` still leads there). `None` when that
    /// branch has no `date_text` or no limit, or `entered` does not fit the walk.
    pub fn date_text(&self, catalog: &Catalog, guide: &Guide, entered: Date, today: Date, lang: Language) -> Option<String> {
        let (at, option) = if self.current_node(guide).kind == NodeKind::Date {
            (self.clone(), self.date_option_in(guide, &catalog.calendar, entered, today).ok()?)
        } else {
            let last = *self.answers.last()?;
            let at = self.back();
            (guide.nodes[last.node].kind == NodeKind::Date).then_some(())?;
            let option = at.date_option_in(guide, &catalog.calendar, entered, today).ok()?;
            (option == last.option).then_some(())?;
            (at, option)
        };
        let branch = &at.current_node(guide).options[option];
        let template = branch.date_text.get(lang);
        if template.trim().is_empty() {
            return None;
        }
        let day = branch.below?.reached_on(entered, &catalog.calendar);
        Some(template.replace("{date}", &catalog.calendar.format(day, lang)))
    }

    /// One step back: the previous question, its answer forgotten.
    pub fn back(&self) -> Walk {
        self.rewind_to(self.answers.len().saturating_sub(1))
    }

    /// Goes back to the `index`-th answered question so it can be answered differently.
    pub fn rewind_to(&self, index: usize) -> Walk {
        match self.answers.get(index) {
            Some(answer) => Walk { answers: self.answers[..index].to_vec(), current: answer.node },
            None => self.clone(),
        }
    }

    /// Replays answers given as (node id, option id) pairs, following redirects of renamed nodes.
    /// Stops at the first pair that no longer fits the guide; `complete` says whether all fitted.
    pub fn replay<'a>(guide: &Guide, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Replay {
        let mut walk = Walk::start(guide);
        for (node, option) in pairs {
            let fits = guide.resolve(node) == Some(walk.current);
            match walk.choose(guide, option) {
                Ok(next) if fits => walk = next,
                _ => return Replay { walk, complete: false },
            }
        }
        Replay { walk, complete: true }
    }

    /// The shortest walk from the start to `target`, for links that name a step but no answers.
    pub fn shortest_to(guide: &Guide, target: usize) -> Option<Walk> {
        let start = guide.start_index();
        let mut came_from: Vec<Option<Answer>> = vec![None; guide.nodes.len()];
        let mut seen = vec![false; guide.nodes.len()];
        let mut queue = std::collections::VecDeque::from([start]);
        seen[start] = true;
        while let Some(at) = queue.pop_front() {
            if at == target {
                let mut answers = Vec::new();
                let mut cursor = at;
                while let Some(answer) = came_from[cursor] {
                    answers.push(answer);
                    cursor = answer.node;
                }
                answers.reverse();
                return Some(Walk { answers, current: target });
            }
            for (option, choice) in guide.nodes[at].options.iter().enumerate() {
                if let Some(next) = guide.node_index(&choice.next) {
                    if !seen[next] {
                        seen[next] = true;
                        came_from[next] = Some(Answer { node: at, option });
                        queue.push_back(next);
                    }
                }
            }
        }
        None
    }

    /// The answers as (node id, option id) pairs, as links carry them.
    pub fn pairs<'a>(&'a self, guide: &'a Guide) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.answers.iter().map(move |a| {
            let node = &guide.nodes[a.node];
            (&*node.id, &*node.options[a.option].id)
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    pub walk: Walk,
    pub complete: bool,
}
