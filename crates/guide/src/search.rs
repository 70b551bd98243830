//! Finding the step that fits the words a participant types ("otp gk masuk", "saldo jht ga
//! muncul"), in Indonesian with informal spellings, abbreviations and typos. One matcher for the
//! widget (offline, on the device) and the server (the no-JavaScript form): pure Rust, no I/O,
//! nothing stored. What the participant typed is never put in a link or kept.
//!
//! How it reads a query: lower case, letters and digits only (`15jt` is `15 jt`); synonyms of
//! `content/search.toml` replace informal words (`gk` → `tidak`, `pw` → `kata sandi`); filler
//! words are dropped; a light Indonesian stemmer takes off common affixes (`dicairkan` →
//! `cair`). Each step is indexed by its `keywords` (strongest), its title, the answers that lead
//! to it, the guide's title for its first question, and its body and steps (weakest). A word
//! that matches many steps counts less (inverse document frequency); a typo of one letter in a
//! word of five letters or more still matches, a little weaker. Outcomes (resolved, escalate)
//! are found only when their content gives them keywords.

use std::collections::HashMap;

use crate::model::{Catalog, NodeKind};

/// One step found: indices into `catalog.guides` and that guide's `nodes`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub guide: usize,
    pub node: usize,
    pub score: f32,
}

/// Below this a step is not offered at all (one weak word in a body is not a match).
const MIN_SCORE: f32 = 2.0;
const KEYWORD: f32 = 3.0;
const TITLE: f32 = 2.0;
const ANSWER: f32 = 2.0;
const GUIDE: f32 = 1.0;
const BODY: f32 = 0.5;
/// How much a one-letter typo is worth against an exact word.
const TYPO: f32 = 0.75;
/// A keyword phrase found whole in the query adds this much per word.
const PHRASE: f32 = 1.0;

/// The words of a text: lower case, split on anything that is not a letter or digit, and
/// between letters and digits (`rp0` → `rp 0`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut last_digit = None;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            let digit = c.is_ascii_digit();
            if last_digit.is_some_and(|d| d != digit) && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c);
            last_digit = Some(digit);
        } else {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            last_digit = None;
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A light Indonesian stemmer: one suffix (`-nya`, `-kan`, `-lah`, `-an`, `-i` after the
/// others), then one prefix (`di-`, `ter-`, `ber-`, `me(N)-`, `pe(N)-`, `ke-`, `se-`), each only
/// when at least four letters stay.
pub fn stem(word: &str) -> String {
    let keep = |rest: &str| rest.chars().count() >= 4;
    let mut w = word;
    for suffix in ["nya", "kan", "lah", "kah", "an"] {
        if let Some(rest) = w.strip_suffix(suffix) {
            if keep(rest) {
                w = rest;
                break;
            }
        }
    }
    for prefix in ["meng", "peng", "mem", "men", "pem", "pen", "ter", "ber", "per", "me", "pe", "di", "ke", "se"] {
        if let Some(rest) = w.strip_prefix(prefix) {
            if keep(rest) {
                w = rest;
                break;
            }
        }
    }
    w.to_owned()
}

/// At most one insertion, deletion, substitution or swap of neighbours between `a` and `b`.
fn one_typo(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..short.len()).filter(|&i| short[i] != long[i]).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && short[*i] == long[*j] && short[*j] == long[*i],
                _ => false,
            }
        }
        1 => {
            let first = (0..short.len()).find(|&i| short[i] != long[i]).unwrap_or(short.len());
            short[first..] == long[first + 1..]
        }
        _ => false,
    }
}

struct Entry {
    guide: usize,
    node: usize,
    /// Stem → the strongest field it appears in.
    stems: HashMap<String, f32>,
    /// Keyword phrases as stems, for the whole-phrase bonus.
    phrases: Vec<Vec<String>>,
}

/// The catalog prepared for searching; build it once per catalog.
pub struct Index {
    entries: Vec<Entry>,
    /// Synonyms as word lists: variant → meaning, longest variants first.
    synonyms: Vec<(Vec<String>, Vec<String>)>,
    stopwords: Vec<String>,
    /// In how many entries each stem appears.
    document_frequency: HashMap<String, usize>,
}

impl Index {
    pub fn new(catalog: &Catalog) -> Index {
        let mut synonyms: Vec<(Vec<String>, Vec<String>)> =
            catalog.search.synonyms.iter().map(|(v, m)| (words(v), words(m))).filter(|(v, _)| !v.is_empty()).collect();
        synonyms.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        let mut index = Index { entries: Vec::new(), synonyms, stopwords: catalog.search.stopwords.iter().map(|s| s.to_string()).collect(), document_frequency: HashMap::new() };
        for (g, guide) in catalog.guides.iter().enumerate() {
            for (n, node) in guide.nodes.iter().enumerate() {
                let searchable = !node.kind.is_outcome() || !node.keywords.is_empty();
                if !searchable {
                    continue;
                }
                let mut entry = Entry { guide: g, node: n, stems: HashMap::new(), phrases: Vec::new() };
                let add = |entry: &mut Entry, text: &str, weight: f32| {
                    for stem in index.stems(text) {
                        let slot = entry.stems.entry(stem).or_insert(0.0);
                        *slot = slot.max(weight);
                    }
                };
                for keyword in node.keywords.iter() {
                    add(&mut entry, keyword, KEYWORD);
                    let phrase = index.stems(keyword);
                    if phrase.len() > 1 {
                        entry.phrases.push(phrase);
                    }
                }
                for lang in crate::model::Language::ALL {
                    add(&mut entry, node.title.get(lang), TITLE);
                    add(&mut entry, node.body.get(lang), BODY);
                    for step in node.steps.iter() {
                        add(&mut entry, step.get(lang), BODY);
                    }
                    if n == guide.start_index() {
                        add(&mut entry, guide.title.get(lang), GUIDE);
                        add(&mut entry, guide.summary.get(lang), GUIDE);
                    }
                    // The answers of questions that lead here describe the step in the
                    // participant's words; "yes/no" answers of steps do not.
                    for from in guide.nodes.iter().filter(|f| f.kind == NodeKind::Question) {
                        for option in from.options.iter().filter(|o| o.next == node.id) {
                            add(&mut entry, option.label.get(lang), ANSWER);
                        }
                    }
                }
                index.entries.push(entry);
            }
        }
        for entry in &index.entries {
            for stem in entry.stems.keys() {
                *index.document_frequency.entry(stem.clone()).or_insert(0) += 1;
            }
        }
        index
    }

    /// The stems of a text after synonyms and without filler words.
    fn stems(&self, text: &str) -> Vec<String> {
        let words = words(text);
        let mut out = Vec::new();
        let mut at = 0;
        'words: while at < words.len() {
            for (variant, meaning) in &self.synonyms {
                if words[at..].starts_with(variant) {
                    out.extend(meaning.iter().filter(|w| !self.stopwords.contains(w)).map(|w| stem(w)));
                    at += variant.len();
                    continue 'words;
                }
            }
            if !self.stopwords.contains(&words[at]) {
                out.push(stem(&words[at]));
            }
            at += 1;
        }
        out
    }

    /// The steps that best fit `query`, best first (at most `limit`).
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let mut query_stems = self.stems(query);
        query_stems.sort();
        query_stems.dedup();
        if query_stems.is_empty() {
            return Vec::new();
        }
        let total = self.entries.len() as f32;
        let idf = |stem: &str| {
            let df = self.document_frequency.get(stem).copied().unwrap_or(0) as f32;
            (1.0 + total / (1.0 + df)).ln()
        };
        let chars: Vec<Vec<char>> = query_stems.iter().map(|s| s.chars().collect()).collect();
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .map(|entry| {
                let mut score = 0.0;
                for (q, q_chars) in query_stems.iter().zip(&chars) {
                    if let Some(&weight) = entry.stems.get(q) {
                        score += weight * idf(q);
                    } else if q_chars.len() >= 5 {
                        let typo = entry
                            .stems
                            .iter()
                            .filter(|(s, _)| s.chars().count() >= 5 && one_typo(q_chars, &s.chars().collect::<Vec<_>>()))
                            .map(|(s, &w)| w * TYPO * idf(s))
                            .fold(0.0, f32::max);
                        score += typo;
                    }
                }
                for phrase in &entry.phrases {
                    if phrase.iter().all(|w| query_stems.contains(w)) {
                        score += PHRASE * phrase.len() as f32;
                    }
                }
                Hit { guide: entry.guide, node: entry.node, score }
            })
            .filter(|hit| hit.score >= MIN_SCORE)
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then((a.guide, a.node).cmp(&(b.guide, b.node))));
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_letters_from_digits_and_drop_punctuation() {
        assert_eq!(words("Saldo Rp0, 15jt!"), ["saldo", "rp", "0", "15", "jt"]);
        assert_eq!(words("  OTP-nya  "), ["otp", "nya"]);
    }

    #[test]
    fn the_stemmer_takes_off_common_affixes_only_when_enough_is_left() {
        assert_eq!(stem("dicairkan"), "cair");
        assert_eq!(stem("pencairan"), "cair");
        assert_eq!(stem("ditolak"), "tolak");
        assert_eq!(stem("kartunya"), "kartu");
        assert_eq!(stem("masuk"), "masuk");
        assert_eq!(stem("dia"), "dia");
    }

    #[test]
    fn one_typo_is_one_edit_or_one_swap() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(one_typo(&c("pasword"), &c("password")));
        assert!(one_typo(&c("terkucni"), &c("terkunci")));
        assert!(one_typo(&c("saldo"), &c("salda")));
        assert!(!one_typo(&c("saldo"), &c("sandi")));
    }
}
