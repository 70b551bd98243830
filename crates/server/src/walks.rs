//! Learning from walks (docs/learning.md): a walk's anonymous report checked against the guides
//! shipped today and added to daily counts, the step pages drawn for browsers without JavaScript
//! counted the same way, and what the counts of a period come to. No raw report is kept: only
//! the counts, and each report's nonce for 8 days so that one sent twice counts once.

use crate::store::{DbError, Store};
use jmo_contract::{Date, EdgeStats, GuideStats, KeyedOutcomes, Language, NodeStats, Outcomes, VersionStats, WalkEmbedding, WalkOutcome, WalkReport, WalkReportError, WalkStats};
use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Catalog, NodeKind};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// How long a report's nonce is kept: longer than a report may be late.
pub const NONCE_DAYS: i64 = jmo_contract::walk::MAX_DAYS_LATE + 1;

/// The longest period counts may be asked for.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// The days `from..=to` asked for (`YYYY-MM-DD`; by default the 30 days up to `today`), or the
/// name of the field that is wrong.
pub fn period(from: Option<&str>, to: Option<&str>, today: Date) -> Result<(Date, Date), &'static str> {
    let day = |field: &'static str, v: Option<&str>| match v.filter(|s| !s.is_empty()) {
        Some(s) => Date::parse(s).map(Some).map_err(|_| field),
        None => Ok(None),
    };
    let to = day("to", to)?.unwrap_or(today);
    let from = day("from", from)?.unwrap_or_else(|| to.add_days(-29));
    let days = to.days_since_epoch() - from.days_since_epoch();
    if !(0..MAX_PERIOD_DAYS).contains(&days) {
        return Err("from");
    }
    Ok((from, to))
}

/// Why a report is not counted (its `code` in the 422 answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Malformed,
    Day,
    /// Not the content version served today (a device that kept a report across an update).
    Version,
    /// No such guide or node, an answer that is not there, or a path the guide cannot take.
    Path,
    /// The outcome is not what the node is (a question reported resolved).
    Outcome,
}

impl Refused {
    pub fn code(self) -> &'static str {
        use crate::messages::server_codes::*;
        match self {
            Refused::Malformed => WALK_MALFORMED,
            Refused::Day => WALK_DAY,
            Refused::Version => WALK_VERSION,
            Refused::Path => WALK_PATH,
            Refused::Outcome => WALK_OUTCOME,
        }
    }
}

impl From<WalkReportError> for Refused {
    fn from(e: WalkReportError) -> Refused {
        match e {
            WalkReportError::Malformed => Refused::Malformed,
            WalkReportError::Day => Refused::Day,
        }
    }
}

/// What a report adds to the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub day: Date,
    pub guide: String,
    pub version: String,
    pub lang: Language,
    pub embedding: WalkEmbedding,
    /// `(kind, node, detail)`, each counted once.
    pub counts: Vec<(Kind, String, String)>,
}

/// What a row of `walk_counts` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A node the walk reached.
    Visit,
    /// An answer taken (`node`, `detail` = the answer).
    Edge,
    /// Where the walk ended (`detail`: resolved, escalated, delivered, left).
    End,
    /// A step page the server drew.
    Page,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Visit => "visit",
            Kind::Edge => "edge",
            Kind::End => "end",
            Kind::Page => "page",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        [Kind::Visit, Kind::Edge, Kind::End, Kind::Page].into_iter().find(|k| k.as_str() == s)
    }
}

const DELIVERED: &str = "delivered";

/// Checks `report` against `catalog` (today being `today` in Jakarta) and says what it counts.
pub fn tally(catalog: &Catalog, report: &WalkReport, today: Date) -> Result<Tally, Refused> {
    let day = report.check(today)?;
    if report.version != *catalog.version {
        return Err(Refused::Version);
    }
    let link = Link::decode(&report.step).map_err(|_| Refused::Path)?;
    let (Some(guide_id), Some(node_id), None, false) = (&link.guide, &link.node, link.lang, link.embed) else {
        return Err(Refused::Path);
    };
    let guide = catalog.guide(guide_id).ok_or(Refused::Path)?;
    let replay = Walk::replay(guide, link.answers.iter().map(|a| (a.node.as_str(), a.answer.as_str())));
    let end = replay.walk.current_node(guide);
    if !replay.complete || *end.id != **node_id {
        return Err(Refused::Path);
    }
    let outcome_fits = match end.kind {
        NodeKind::Resolved => report.outcome == WalkOutcome::Resolved,
        NodeKind::Escalate(_) => report.outcome == WalkOutcome::Escalated,
        _ => report.outcome == WalkOutcome::Left,
    };
    if !outcome_fits {
        return Err(Refused::Outcome);
    }
    let mut counts = Vec::new();
    for (node, answer) in replay.walk.pairs(guide) {
        counts.push((Kind::Visit, node.to_owned(), String::new()));
        counts.push((Kind::Edge, node.to_owned(), answer.to_owned()));
    }
    counts.push((Kind::Visit, end.id.to_string(), String::new()));
    let how = if report.delivered { DELIVERED } else { report.outcome.as_str() };
    counts.push((Kind::End, end.id.to_string(), how.to_owned()));
    // A walk that passes a node twice (back to an earlier question) counts it once.
    counts.sort();
    counts.dedup();
    Ok(Tally { day, guide: guide.id.to_string(), version: report.version.clone(), lang: report.lang, embedding: report.embedding, counts })
}

/// The step pages drawn since the counts were last written, kept in memory (a database write
/// per page would cost every page): written every minute, and before a report is read.
#[derive(Clone, Default)]
pub struct PageCounts {
    pending: Arc<Mutex<HashMap<PageKey, i64>>>,
}

/// What a step page drawn is counted by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    day: Date,
    guide: String,
    node: String,
    lang: Language,
    embed: bool,
}

impl PageCounts {
    /// Counts a page of `link` if it is a step of a guide (as opened today, after redirects).
    pub fn count(&self, catalog: &Catalog, link: &Link, today: Date) {
        let jmo_guide::link::Opened::Step { guide, walk, .. } = catalog.open(link) else { return };
        let guide = &catalog.guides[guide];
        let node = walk.current_node(guide).id.to_string();
        let key = PageKey { day: today, guide: guide.id.to_string(), node, lang: link.lang.unwrap_or_default(), embed: link.embed };
        *self.pending.lock().unwrap_or_else(|p| p.into_inner()).entry(key).or_default() += 1;
    }

    /// Adds what is pending to the database; kept for the next try if that fails.
    pub async fn write(&self, store: &Store, version: &str) -> Result<(), DbError> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        if pending.is_empty() {
            return Ok(());
        }
        let rows: Vec<_> = pending.iter().collect();
        let written = store.add_page_counts(version, &rows).await;
        if written.is_err() {
            let mut back = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            for (key, n) in pending {
                *back.entry(key).or_default() += n;
            }
        }
        written
    }
}

fn embedding_of(embed: bool) -> WalkEmbedding {
    if embed {
        WalkEmbedding::Embed
    } else {
        WalkEmbedding::Web
    }
}

impl Store {
    /// Adds a checked report to the counts, unless its nonce was seen: `false` then.
    pub async fn add_walk(&self, nonce: &str, tally: &Tally) -> Result<bool, DbError> {
        use sqlx::Connection;
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin_with(self.kind.begin_write()).await?;
        let day = tally.day.to_string();
        let new = sqlx::query("INSERT INTO walk_nonces (nonce, day) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING")
            .bind(nonce)
            .bind(&day)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if !new {
            tx.rollback().await?;
            return Ok(false);
        }
        for (kind, node, detail) in &tally.counts {
            add_count(&mut tx, [&day, &tally.guide, &tally.version, kind.as_str(), node, detail, tally.lang.as_str(), tally.embedding.as_str()], 1).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn add_page_counts(&self, version: &str, rows: &[(&PageKey, &i64)]) -> Result<(), DbError> {
        use sqlx::Connection;
        let mut conn = self.pool.acquire().await?;
        let mut tx = conn.begin_with(self.kind.begin_write()).await?;
        for (key, n) in rows {
            let day = key.day.to_string();
            add_count(&mut tx, [&day, &key.guide, version, Kind::Page.as_str(), &key.node, "", key.lang.as_str(), embedding_of(key.embed).as_str()], **n).await?;
        }
        tx.commit().await
    }

    /// Forgets nonces older than [`NONCE_DAYS`] (the counts stay).
    pub async fn purge_walk_nonces(&self, today: Date) -> Result<(), DbError> {
        let oldest = today.add_days(-NONCE_DAYS).to_string();
        sqlx::query("DELETE FROM walk_nonces WHERE day < $1").bind(oldest).execute(&self.pool).await?;
        Ok(())
    }

    /// The counts of the days `from..=to`, of one guide or all.
    pub async fn walk_stats(&self, from: Date, to: Date, guide: Option<&str>) -> Result<WalkStats, DbError> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT guide, version, lang, embedding, kind, node, detail, CAST(SUM(count) AS BIGINT) AS n FROM walk_counts \
             WHERE day >= $1 AND day <= $2 AND ($3 = '' OR guide = $3) GROUP BY guide, version, lang, embedding, kind, node, detail",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(guide.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        let mut guides: BTreeMap<String, GuideAcc> = BTreeMap::new();
        for r in &rows {
            let (g, kind, node, detail): (String, String, String, String) = (r.try_get("guide")?, r.try_get("kind")?, r.try_get("node")?, r.try_get("detail")?);
            let keys: [String; 3] = [r.try_get("version")?, r.try_get("lang")?, r.try_get("embedding")?];
            let n = r.try_get::<i64, _>("n")?.max(0) as u64;
            let Some(kind) = Kind::parse(&kind) else { continue };
            guides.entry(g).or_default().add(&keys, kind, node, detail, n);
        }
        Ok(WalkStats { from: from.to_string(), to: to.to_string(), guides: guides.into_iter().map(|(g, acc)| acc.finish(g)).collect() })
    }
}

async fn add_count(tx: &mut sqlx::Transaction<'_, sqlx::Any>, key: [&str; 8], n: i64) -> Result<(), DbError> {
    let mut q = sqlx::query(
        "INSERT INTO walk_counts (day, guide, version, kind, node, detail, lang, embedding, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (day, guide, version, kind, node, detail, lang, embedding) DO UPDATE SET count = walk_counts.count + excluded.count",
    );
    for part in key {
        q = q.bind(part.to_owned());
    }
    q.bind(n).execute(&mut **tx).await?;
    Ok(())
}

#[derive(Default)]
struct GuideAcc {
    total: Outcomes,
    /// By version, language and embedding.
    by: [BTreeMap<String, Outcomes>; 3],
    nodes: BTreeMap<String, NodeStats>,
    edges: BTreeMap<(String, String), u64>,
}

impl GuideAcc {
    fn add(&mut self, keys: &[String; 3], kind: Kind, node: String, detail: String, n: u64) {
        match kind {
            Kind::Visit => self.node(&node).visits += n,
            Kind::Edge => *self.edges.entry((node, detail)).or_default() += n,
            Kind::Page => {
                self.total.pages += n;
                for (by, key) in self.by.iter_mut().zip(keys) {
                    by.entry(key.clone()).or_default().pages += n;
                }
                self.node(&node).ended.pages += n;
            }
            Kind::End => {
                let (outcome, delivered) = match detail.as_str() {
                    "resolved" => (WalkOutcome::Resolved, false),
                    "escalated" => (WalkOutcome::Escalated, false),
                    DELIVERED => (WalkOutcome::Escalated, true),
                    "left" => (WalkOutcome::Left, false),
                    _ => return,
                };
                self.total.add(outcome, delivered, n);
                for (by, key) in self.by.iter_mut().zip(keys) {
                    by.entry(key.clone()).or_default().add(outcome, delivered, n);
                }
                self.node(&node).ended.add(outcome, delivered, n);
            }
        }
    }

    fn node(&mut self, id: &str) -> &mut NodeStats {
        self.nodes.entry(id.to_owned()).or_insert_with(|| NodeStats { node: id.to_owned(), ..Default::default() })
    }

    fn finish(self, guide: String) -> GuideStats {
        let [versions, languages, embeddings] = self.by;
        let keyed = |by: BTreeMap<String, Outcomes>| by.into_iter().map(|(key, outcomes)| KeyedOutcomes { key, outcomes }).collect();
        GuideStats {
            guide,
            total: self.total,
            versions: versions.into_iter().map(|(version, outcomes)| VersionStats { version, outcomes }).collect(),
            languages: keyed(languages),
            embeddings: keyed(embeddings),
            nodes: self.nodes.into_values().collect(),
            edges: self.edges.into_iter().map(|((node, answer), walks)| EdgeStats { node, answer, walks }).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jmo_guide::walk::Walk;

    fn catalog() -> &'static Catalog {
        jmo_selfhelp::content::bundled()
    }

    fn today() -> Date {
        Date::new(2026, 12, 4).unwrap()
    }

    /// A report of the walk `answers` (option indexes) through `guide`, as the widget sends it.
    fn report_of(guide: &str, answers: &[usize]) -> WalkReport {
        let g = catalog().guide(guide).unwrap();
        let mut walk = Walk::start(g);
        for &a in answers {
            walk = walk.choose_index(g, a).unwrap();
        }
        let outcome = match walk.current_node(g).kind {
            NodeKind::Resolved => WalkOutcome::Resolved,
            NodeKind::Escalate(_) => WalkOutcome::Escalated,
            _ => WalkOutcome::Left,
        };
        WalkReport {
            step: Link::to_step(g, &walk).encode(),
            version: catalog().version.to_string(),
            outcome,
            delivered: false,
            lang: Language::Id,
            embedding: WalkEmbedding::Web,
            day: today().to_string(),
            nonce: "0123456789abcdefXYZ".into(),
        }
    }

    #[test]
    fn a_walk_counts_each_node_it_passed_each_answer_and_where_it_ended() {
        let report = report_of("login", &[0]);
        let g = catalog().guide("login").unwrap();
        let t = tally(catalog(), &report, today()).unwrap();
        let start = g.start.to_string();
        let first_answer = g.nodes.iter().find(|n| *n.id == *start).unwrap().options[0].id.to_string();
        assert!(t.counts.contains(&(Kind::Visit, start.clone(), String::new())));
        assert!(t.counts.contains(&(Kind::Edge, start, first_answer)));
        assert_eq!(t.counts.iter().filter(|(k, ..)| *k == Kind::End).count(), 1);
    }

    #[test]
    fn forged_reports_are_refused() {
        let good = report_of("login", &[0]);
        let cases = [
            (WalkReport { version: "0000".into(), ..good.clone() }, Refused::Version),
            (WalkReport { step: "/login/no_such_node".into(), ..good.clone() }, Refused::Path),
            (WalkReport { step: "/no_such_guide/x".into(), ..good.clone() }, Refused::Path),
            (WalkReport { step: format!("{}?a=nowhere.yes", good.step.split('?').next().unwrap()), ..good.clone() }, Refused::Path),
            (WalkReport { step: format!("{}&lang=en", good.step), ..good.clone() }, Refused::Path),
            (WalkReport { step: "/".into(), ..good.clone() }, Refused::Path),
            (WalkReport { outcome: WalkOutcome::Resolved, ..report_of("login", &[]) }, Refused::Outcome),
            (WalkReport { day: "2026-12-05".into(), ..good.clone() }, Refused::Day),
            (WalkReport { nonce: "x".into(), ..good.clone() }, Refused::Malformed),
        ];
        for (report, why) in cases {
            assert_eq!(tally(catalog(), &report, today()), Err(why), "{report:?}");
        }
    }

    #[test]
    fn every_outcome_of_every_guide_can_be_reported() {
        for g in catalog().guides.iter() {
            for (at, node) in g.nodes.iter().enumerate().filter(|(_, n)| n.kind.is_outcome()) {
                let walk = Walk::shortest_to(g, at).unwrap_or_else(|| panic!("{}/{} cannot be reached", g.id, node.id));
                let report = WalkReport {
                    step: Link::to_step(g, &walk).encode(),
                    outcome: if matches!(node.kind, NodeKind::Resolved) { WalkOutcome::Resolved } else { WalkOutcome::Escalated },
                    ..report_of(&g.id, &[])
                };
                assert!(tally(catalog(), &report, today()).is_ok(), "{}", report.step);
            }
        }
    }
}
