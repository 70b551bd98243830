//! The pages: a [`Page`] says what one shows, [`render`] draws it as a whole HTML document with
//! the small components below (the frame every page shares, the sign-in form, the queue).

use jmo_contract::{Date, Language};
use yew::prelude::*;

use crate::texts::{error_text, texts, Texts};

/// What a page shows; the server decides which, and answers with its status.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    /// The sign-in form, with what refused the last try or a note (signed out, session ended),
    /// and the username typed (never the password).
    SignIn { notice: Option<LoginNotice>, username: String },
    /// The queue of complaints not yet resolved, nearest first-response deadline first: the
    /// first `rows` of `waiting` in all, `overdue` of which are past their deadline.
    Queue { badge: Badge, csrf: String, rows: Vec<QueueRow>, waiting: u64, overdue: u64 },
    /// One complaint, whole.
    Complaint { badge: Badge, csrf: String, complaint: Box<ComplaintView> },
    /// No such complaint (or not one this member of staff may open: the same page).
    NotFound { badge: Badge, csrf: String },
    /// What the walks of a period came to, per guide, with each guide's map (supervisors, admins).
    Walks { badge: Badge, csrf: String, walks: Box<WalksView> },
}

/// The walk counts of a period, each guide named as content names it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WalksView {
    /// `YYYY-MM-DD`, Jakarta.
    pub from: String,
    pub to: String,
    pub guides: Vec<GuideWalks>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GuideWalks {
    pub title: String,
    pub stats: jmo_contract::GuideStats,
    /// Node id → its title, in the page's language.
    pub node_titles: Vec<(String, String)>,
}

/// A complaint as staff read it: what the participant sent and what they tried in the guide,
/// already put in words by the server (from the guides' content).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComplaintView {
    pub row: QueueRow,
    /// `normal`, `high`; `whatsapp`, `email`, `phone`.
    pub urgency: String,
    pub reply_channel: String,
    /// As the contract normalised it; `None` once erased (then `erased_at` says when).
    pub reporter: Option<jmo_contract::Reporter>,
    /// When it happened, as the participant said (Unix seconds).
    pub incident_at: Option<i64>,
    pub description: Option<String>,
    pub erased_at: Option<i64>,
    /// Each answer given, in order.
    pub tried: Vec<Tried>,
    /// The title of the escalation the guide ended at.
    pub ended_at: Option<String>,
    /// The content version the complaint was made with, when it is not today's: (its, today's).
    pub other_version: Option<(String, String)>,
    /// Where each attachment is served (images).
    pub attachments: Vec<String>,
    /// The statuses it may be moved to (codes), each a button.
    pub next_statuses: Vec<String>,
}

/// One answer of the walk, as the participant saw it.
#[derive(Clone, Debug, PartialEq)]
pub enum Tried {
    /// The question (or step) and the answer chosen, with the instructions of a step.
    Answered { question: String, answer: String, steps: Vec<String> },
    /// A node or answer the guides no longer have: its ids.
    Unknown { node: String, answer: String },
}

/// Why the sign-in form is shown again, or a note above it.
#[derive(Clone, Debug, PartialEq)]
pub enum LoginNotice {
    /// A refusal: its code in content/workspace.toml's `[error]`, and the `{time}` a lock ends
    /// (Unix seconds) when it is one.
    Refused { code: &'static str, until: Option<i64> },
    SignedOut,
    SessionEnded,
}

/// Who is signed in, shown in every page's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Badge {
    pub name: String,
    /// `agent`, `supervisor` or `admin`.
    pub role: &'static str,
}

/// One complaint in the queue: ids, codes and times only (no personal data).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueRow {
    pub ticket: String,
    /// The contract's codes: `login`, `kpj_mismatch`…; `received`, `in_progress`…
    pub category: String,
    pub status: String,
    /// Unix seconds.
    pub received_at: i64,
    pub response_due_at: i64,
}

/// The whole document of `page` in `lang`, at the time `now` (Unix seconds: what is overdue).
pub async fn render(lang: Language, now: i64, page: Page) -> String {
    let t = texts(lang);
    let title = match &page {
        Page::SignIn { notice: Some(LoginNotice::Refused { .. }), .. } => format!("{} – {}", t.error_summary_title, t.app_name),
        Page::SignIn { .. } => format!("{} – {}", t.sign_in_title, t.app_name),
        Page::Queue { .. } => format!("{} – {}", t.queue_title, t.app_name),
        Page::Complaint { complaint, .. } => format!("{} – {}", t.complaint_title.replace("{ticket}", &complaint.row.ticket), t.app_name),
        Page::NotFound { .. } => format!("{} – {}", t.not_found_title, t.app_name),
        Page::Walks { .. } => format!("{} – {}", t.walks_title, t.app_name),
    };
    let body = yew::ServerRenderer::<PageView>::with_props(move || PageProps { lang, now, page }).hydratable(false).render().await;
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"{STYLESHEET_PATH}\"></head><body>{body}</body></html>",
        lang.as_str(),
        escape(&title)
    )
}

/// Where the server serves [`STYLESHEET`].
pub const STYLESHEET_PATH: &str = "/staff/workspace.css";
/// The workspace's styles.
pub const STYLESHEET: &str = include_str!("workspace.css");

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[derive(Properties, PartialEq)]
struct PageProps {
    lang: Language,
    now: i64,
    page: Page,
}

#[function_component]
fn PageView(props: &PageProps) -> Html {
    let lang = props.lang;
    match &props.page {
        Page::SignIn { notice, username } => html! {
            <Frame {lang} here="/staff/login">
                <SignIn {lang} notice={notice.clone()} username={username.clone()} />
            </Frame>
        },
        Page::Queue { badge, csrf, rows, waiting, overdue } => html! {
            <Frame {lang} here="/staff" badge={badge.clone()} csrf={csrf.clone()}>
                <Queue {lang} now={props.now} rows={rows.clone()} waiting={*waiting} overdue={*overdue} />
            </Frame>
        },
        Page::Complaint { badge, csrf, complaint } => html! {
            <Frame {lang} here={format!("/staff/complaints/{}", complaint.row.ticket)} badge={badge.clone()} csrf={csrf.clone()}>
                <Complaint {lang} now={props.now} complaint={(**complaint).clone()} csrf={csrf.clone()} />
            </Frame>
        },
        Page::Walks { badge, csrf, walks } => html! {
            <Frame {lang} here="/staff/walks" badge={badge.clone()} csrf={csrf.clone()}>
                <Walks {lang} walks={(**walks).clone()} />
            </Frame>
        },
        Page::NotFound { badge, csrf } => {
            let t = texts(lang);
            html! {
                <Frame {lang} here="/staff" badge={badge.clone()} csrf={csrf.clone()}>
                    <h1 id="page-title">{ t.not_found_title }</h1>
                    <p>{ t.not_found_body }</p>
                    <p><a href={format!("/staff?lang={}", lang.as_str())}>{ t.back_to_queue }</a></p>
                </Frame>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct FrameProps {
    lang: Language,
    /// This page's path, for the language links.
    here: AttrValue,
    #[prop_or_default]
    badge: Option<Badge>,
    #[prop_or_default]
    csrf: Option<String>,
    children: Html,
}

/// What every page has: the skip link, the bar (name of the place, language, who is signed in
/// and signing out), and the main content.
#[function_component]
fn Frame(props: &FrameProps) -> Html {
    let t = texts(props.lang);
    let lang_link = |lang: Language, name: &'static str| {
        let current = (lang == props.lang).then_some("page");
        html! {
            <li><a href={format!("{}?lang={}", props.here, lang.as_str())} lang={lang.as_str()} hreflang={lang.as_str()} aria-current={current}>{ name }</a></li>
        }
    };
    html! {
        <>
            <a class="skip" href="#main">{ t.skip_to_content }</a>
            <header class="bar">
                <p class="app-name">{ t.app_name }</p>
                <nav class="langs" aria-label={t.language}>
                    <ul>
                        { lang_link(Language::Id, t.lang_id_name) }
                        { lang_link(Language::En, t.lang_en_name) }
                    </ul>
                </nav>
                if let Some(badge) = &props.badge {
                    <nav class="places" aria-label={t.nav_label}>
                        <ul>
                            <li><a href={format!("/staff?lang={}", props.lang.as_str())} aria-current={(props.here == "/staff").then_some("page")}>{ t.nav_queue }</a></li>
                            if badge.role != "agent" {
                                <li><a href={format!("/staff/walks?lang={}", props.lang.as_str())} aria-current={(props.here == "/staff/walks").then_some("page")}>{ t.nav_walks }</a></li>
                            }
                        </ul>
                    </nav>
                }
                if let (Some(badge), Some(csrf)) = (&props.badge, &props.csrf) {
                    <div class="who">
                        <p>{ t.signed_in_as.replace("{name}", &badge.name).replace("{role}", role_name(t, badge.role)) }</p>
                        <form method="post" action={format!("/staff/logout?lang={}", props.lang.as_str())}>
                            <input type="hidden" name="csrf" value={csrf.clone()} />
                            <button type="submit" class="button secondary">{ t.sign_out_button }</button>
                        </form>
                    </div>
                }
            </header>
            <main id="main" tabindex="-1">{ props.children.clone() }</main>
        </>
    }
}

fn role_name(t: &Texts, role: &str) -> &'static str {
    match role {
        "admin" => t.role_admin,
        "supervisor" => t.role_supervisor,
        _ => t.role_agent,
    }
}

#[derive(Properties, PartialEq)]
struct SignInProps {
    lang: Language,
    notice: Option<LoginNotice>,
    username: String,
}

/// The sign-in form: a plain form posted to the server; a refusal is announced above it and
/// named in the fields it concerns.
#[function_component]
fn SignIn(props: &SignInProps) -> Html {
    let (lang, t) = (props.lang, texts(props.lang));
    let refused = match &props.notice {
        Some(LoginNotice::Refused { code, until }) => {
            let time = until.map(|u| clock_time(u, lang)).unwrap_or_default();
            Some(error_text(code, lang).replace("{time}", &time))
        }
        _ => None,
    };
    let note = match &props.notice {
        Some(LoginNotice::SignedOut) => Some(t.signed_out),
        Some(LoginNotice::SessionEnded) => Some(t.session_ended),
        _ => None,
    };
    let invalid = refused.is_some().then_some("true");
    let described = refused.is_some().then_some("sign-in-error");
    html! {
        <div class="narrow">
            <h1 id="page-title">{ t.sign_in_title }</h1>
            if let Some(message) = &refused {
                <div class="error-summary" role="alert" aria-labelledby="error-title">
                    <h2 id="error-title">{ t.error_summary_title }</h2>
                    <p id="sign-in-error">{ message.clone() }</p>
                </div>
            }
            if let Some(note) = note {
                <p class="note" role="status">{ note }</p>
            }
            <p>{ t.sign_in_intro }</p>
            <form method="post" action={format!("/staff/login?lang={}", lang.as_str())} class="sign-in">
                <div class="field">
                    <label for="username">{ t.username_label }</label>
                    <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false"
                        required=true maxlength="64" value={props.username.clone()} aria-invalid={invalid} aria-describedby={described} />
                </div>
                <div class="field">
                    <label for="password">{ t.password_label }</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required=true maxlength="256"
                        aria-invalid={invalid} aria-describedby={described} />
                </div>
                <button type="submit" class="button">{ t.sign_in_button }</button>
            </form>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct QueueProps {
    lang: Language,
    now: i64,
    rows: Vec<QueueRow>,
    waiting: u64,
    overdue: u64,
}

/// The queue: a table with a caption, its header cells scoped, overdue rows marked in words
/// (not by colour alone); it scrolls sideways on its own on a narrow screen.
#[function_component]
fn Queue(props: &QueueProps) -> Html {
    let (lang, t) = (props.lang, texts(props.lang));
    let count = t.queue_count.replace("{n}", &props.waiting.to_string()).replace("{overdue}", &props.overdue.to_string());
    let showing = (props.waiting > props.rows.len() as u64).then(|| t.queue_showing.replace("{shown}", &props.rows.len().to_string()));
    html! {
        <>
            <h1 id="page-title">{ t.queue_title }</h1>
            if props.rows.is_empty() {
                <p role="status">{ t.queue_empty }</p>
            } else {
                <p role="status">{ count }</p>
                if let Some(showing) = showing { <p>{ showing }</p> }
                <div class="table-scroll" role="region" aria-labelledby="queue-caption" tabindex="0">
                    <table class="queue">
                        <caption id="queue-caption">{ t.queue_caption }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ t.col_ticket }</th>
                                <th scope="col">{ t.col_category }</th>
                                <th scope="col">{ t.col_status }</th>
                                <th scope="col">{ t.col_received }</th>
                                <th scope="col">{ format!("{} ({})", t.col_due, t.time_zone) }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for props.rows.iter().map(|row| {
                                let late = row.response_due_at <= props.now;
                                html! {
                                    <tr class={classes!(late.then_some("overdue"))}>
                                        <th scope="row" class="ticket">
                                            <a href={format!("/staff/complaints/{}?lang={}", row.ticket, lang.as_str())}
                                                aria-label={t.open_complaint.replace("{ticket}", &row.ticket)}>{ row.ticket.clone() }</a>
                                        </th>
                                        <td>{ category_name(t, &row.category) }</td>
                                        <td>{ status_name(t, &row.status) }</td>
                                        <td><time datetime={iso(row.received_at)}>{ date_time(row.received_at, lang) }</time></td>
                                        <td>
                                            <time datetime={iso(row.response_due_at)}>{ date_time(row.response_due_at, lang) }</time>
                                            if late { {" "}<strong class="late">{ t.overdue }</strong> }
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ComplaintProps {
    lang: Language,
    now: i64,
    complaint: ComplaintView,
    csrf: String,
}

/// One complaint: the summary, the reporter, their words, what they tried (as text, from the
/// guide), the attachments. Description lists, headings per section, nothing by colour alone.
#[function_component]
fn Complaint(props: &ComplaintProps) -> Html {
    let (lang, t, c) = (props.lang, texts(props.lang), &props.complaint);
    let late = c.row.response_due_at <= props.now && c.row.status != "resolved";
    let item = |term: &'static str, value: Html| html! { <><dt>{ term }</dt><dd>{ value }</dd></> };
    let text = |value: &Option<String>| -> Html {
        match value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => html! { { v.to_owned() } },
            None => html! { <span class="muted">{ t.not_given }</span> },
        }
    };
    html! {
        <>
            <p class="back"><a href={format!("/staff?lang={}", lang.as_str())}>{ t.back_to_queue }</a></p>
            <h1 id="page-title">{ t.complaint_title.replace("{ticket}", &c.row.ticket) }</h1>
            <section aria-labelledby="summary-title">
                <h2 id="summary-title">{ t.section_summary }</h2>
                <dl class="facts">
                    { item(t.col_category, html! { category_name(t, &c.row.category) }) }
                    { item(t.col_status, html! { status_name(t, &c.row.status) }) }
                    { item(t.field_urgency, html! { urgency_name(t, &c.urgency) }) }
                    { item(t.field_reply_channel, html! { reply_name(t, &c.reply_channel) }) }
                    { item(t.col_received, html! { <time datetime={iso(c.row.received_at)}>{ format!("{} {}", date_time(c.row.received_at, lang), t.time_zone) }</time> }) }
                    { item(t.col_due, html! {
                        <>
                            <time datetime={iso(c.row.response_due_at)}>{ format!("{} {}", date_time(c.row.response_due_at, lang), t.time_zone) }</time>
                            if late { {" "}<strong class="late">{ t.overdue }</strong> }
                        </>
                    }) }
                </dl>
            </section>
            if !c.next_statuses.is_empty() {
                <section aria-labelledby="status-title">
                    <h2 id="status-title">{ t.section_status }</h2>
                    <div class="actions">
                        { for c.next_statuses.iter().map(|next| {
                            let label = match (next.as_str(), c.row.status.as_str()) {
                                ("resolved", _) => t.action_resolve,
                                (_, "resolved") => t.action_reopen,
                                _ => t.action_start,
                            };
                            html! {
                                <form method="post" action={format!("/staff/complaints/{}/status?lang={}", c.row.ticket, lang.as_str())}>
                                    <input type="hidden" name="csrf" value={props.csrf.clone()} />
                                    <input type="hidden" name="status" value={next.clone()} />
                                    <button type="submit" class="button">{ label }</button>
                                </form>
                            }
                        }) }
                    </div>
                </section>
            }
            <section aria-labelledby="reporter-title">
                <h2 id="reporter-title">{ t.section_reporter }</h2>
                if let Some(r) = &c.reporter {
                    <dl class="facts">
                        { item(t.field_name, html! { r.name.clone() }) }
                        { item(t.field_nik, html! { <span class="number">{ r.nik.clone() }</span> }) }
                        { item(t.field_birth_date, text(&r.birth_date)) }
                        { item(t.field_kpj_card, text(&r.kpj_card)) }
                        { item(t.field_kpj_app, text(&r.kpj_app)) }
                        { item(t.field_phone, html! { <span class="number">{ r.phone.clone() }</span> }) }
                        { item(t.field_email, text(&r.email)) }
                        { item(t.field_incident_at, text(&c.incident_at.map(|at| format!("{} {}", date_time(at, lang), t.time_zone)))) }
                    </dl>
                } else {
                    <p class="note">{ t.erased.replace("{date}", &c.erased_at.map(|at| date_time(at, lang)).unwrap_or_default()) }</p>
                }
            </section>
            if let Some(description) = &c.description {
                <section aria-labelledby="description-title">
                    <h2 id="description-title">{ t.section_description }</h2>
                    <blockquote class="words">{ description.clone() }</blockquote>
                </section>
            }
            <section aria-labelledby="tried-title">
                <h2 id="tried-title">{ t.section_tried }</h2>
                if c.tried.is_empty() {
                    <p>{ t.tried_none }</p>
                } else {
                    <ol class="tried">
                        { for c.tried.iter().map(|step| match step {
                            Tried::Answered { question, answer, steps } => html! {
                                <li>
                                    <p class="question">{ question.clone() }</p>
                                    if !steps.is_empty() {
                                        <p>{ t.tried_steps }</p>
                                        <ul>{ for steps.iter().map(|s| html! { <li>{ s.clone() }</li> }) }</ul>
                                    }
                                    <p>{ t.tried_answer.replace("{answer}", answer) }</p>
                                </li>
                            },
                            Tried::Unknown { node, answer } => html! {
                                <li><p>{ t.tried_unknown.replace("{node}", node).replace("{answer}", answer) }</p></li>
                            },
                        }) }
                    </ol>
                }
                if let Some(title) = &c.ended_at {
                    <p>{ t.tried_end.replace("{title}", title) }</p>
                }
                if let Some((version, current)) = &c.other_version {
                    <p class="note">{ t.version_other.replace("{version}", version).replace("{current}", current) }</p>
                }
            </section>
            if !c.attachments.is_empty() {
                <section aria-labelledby="attachments-title">
                    <h2 id="attachments-title">{ t.section_attachments }</h2>
                    <ul class="attachments">
                        { for c.attachments.iter().enumerate().map(|(i, src)| {
                            let alt = t.attachment_alt.replace("{n}", &(i + 1).to_string());
                            html! { <li><a href={src.clone()}><img src={src.clone()} alt={alt} loading="lazy" /></a></li> }
                        }) }
                    </ul>
                </section>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct WalksProps {
    lang: Language,
    walks: WalksView,
}

/// The walks of a period: a table of every guide, then per guide its versions, its map (an
/// image, with the table of its steps beside it holding the same numbers) and that table.
#[function_component]
fn Walks(props: &WalksProps) -> Html {
    let (lang, t, w) = (props.lang, texts(props.lang), &props.walks);
    let percent = |o: &jmo_contract::Outcomes| o.deflection.map_or_else(|| "–".to_owned(), |d| format!("{:.0} %", d * 100.0));
    let outcome_cells = |o: &jmo_contract::Outcomes| html! {
        <>
            <td>{ o.walks }</td><td>{ o.resolved }</td><td>{ o.escalated }</td><td>{ o.delivered }</td><td>{ o.left }</td>
            <td>{ percent(o) }</td><td>{ o.pages }</td>
        </>
    };
    let outcome_heads = html! {
        <>
            <th scope="col">{ t.col_walks }</th><th scope="col">{ t.col_resolved }</th><th scope="col">{ t.col_escalated }</th>
            <th scope="col">{ t.col_delivered }</th><th scope="col">{ t.col_left }</th><th scope="col">{ t.col_deflection }</th>
            <th scope="col">{ t.col_pages }</th>
        </>
    };
    html! {
        <>
            <h1 id="page-title">{ t.walks_title }</h1>
            <p>{ t.walks_intro }</p>
            <form method="get" action="/staff/walks" class="period">
                <input type="hidden" name="lang" value={lang.as_str()} />
                <div class="field"><label for="from">{ t.walks_from }</label><input id="from" name="from" type="date" value={w.from.clone()} /></div>
                <div class="field"><label for="to">{ t.walks_to }</label><input id="to" name="to" type="date" value={w.to.clone()} /></div>
                <button type="submit" class="button secondary">{ t.walks_show }</button>
            </form>
            <p role="status">{ t.walks_period.replace("{from}", &w.from).replace("{to}", &w.to) }</p>
            if w.guides.is_empty() {
                <p>{ t.walks_empty }</p>
            } else {
                <div class="table-scroll" role="region" aria-labelledby="guides-caption" tabindex="0">
                    <table class="numbers">
                        <caption id="guides-caption">{ t.walks_guides_caption }</caption>
                        <thead><tr><th scope="col">{ t.col_guide }</th>{ outcome_heads.clone() }</tr></thead>
                        <tbody>
                            { for w.guides.iter().map(|g| html! {
                                <tr><th scope="row"><a href={format!("#guide-{}", g.stats.guide)}>{ g.title.clone() }</a></th>{ outcome_cells(&g.stats.total) }</tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                { for w.guides.iter().map(|g| {
                    let id = g.stats.guide.clone();
                    let busiest = g.stats.nodes.iter().map(|n| n.visits).max().unwrap_or(0).max(1);
                    let title_of = |node: &str| g.node_titles.iter().find(|(n, _)| n == node).map_or_else(|| node.to_owned(), |(_, title)| title.clone());
                    let map = format!("/staff/walks/map.svg?guide={id}&from={}&to={}&lang={}", w.from, w.to, lang.as_str());
                    html! {
                        <section aria-labelledby={format!("guide-{id}")} class="guide-walks">
                            <h2 id={format!("guide-{id}")}>{ g.title.clone() }</h2>
                            <div class="table-scroll" role="region" aria-labelledby={format!("versions-{id}")} tabindex="0">
                                <table class="numbers">
                                    <caption id={format!("versions-{id}")}>{ t.walks_versions_caption.replace("{guide}", &g.title) }</caption>
                                    <thead><tr><th scope="col">{ t.col_version }</th>{ outcome_heads.clone() }</tr></thead>
                                    <tbody>
                                        { for g.stats.versions.iter().map(|v| html! {
                                            <tr><th scope="row" class="number">{ v.version.clone() }</th>{ outcome_cells(&v.outcomes) }</tr>
                                        }) }
                                    </tbody>
                                </table>
                            </div>
                            <h3>{ t.map_title.replace("{guide}", &g.title) }</h3>
                            <p class="map"><a href={map.clone()}><img src={map} alt={t.map_alt.replace("{guide}", &g.title)} /></a></p>
                            <div class="table-scroll" role="region" aria-labelledby={format!("nodes-{id}")} tabindex="0">
                                <table class="numbers">
                                    <caption id={format!("nodes-{id}")}>{ t.walks_nodes_caption.replace("{guide}", &g.title) }</caption>
                                    <thead><tr><th scope="col">{ t.col_node }</th><th scope="col">{ t.col_visits }</th>{ outcome_heads.clone() }</tr></thead>
                                    <tbody>
                                        { for g.stats.nodes.iter().map(|n| html! {
                                            <tr>
                                                <th scope="row">{ title_of(&n.node) }<span class="node-id">{ n.node.clone() }</span></th>
                                                <td class="bar-cell">
                                                    // In tenths of the busiest step (the page's policy allows no inline style).
                                                    <span class={format!("meter w{}", (10 * n.visits).div_ceil(busiest))} aria-hidden="true"></span>
                                                    { n.visits }
                                                </td>
                                                { outcome_cells(&n.ended) }
                                            </tr>
                                        }) }
                                    </tbody>
                                </table>
                            </div>
                        </section>
                    }
                }) }
            }
        </>
    }
}

fn urgency_name<'a>(t: &'static Texts, code: &'a str) -> &'a str {
    match code {
        "normal" => t.urgency_normal,
        "high" => t.urgency_high,
        other => other,
    }
}

fn reply_name<'a>(t: &'static Texts, code: &'a str) -> &'a str {
    match code {
        "whatsapp" => t.reply_whatsapp,
        "email" => t.reply_email,
        "phone" => t.reply_phone,
        other => other,
    }
}

fn category_name<'a>(t: &'static Texts, code: &'a str) -> &'a str {
    match code {
        "login" => t.category_login,
        "kpj_mismatch" => t.category_kpj_mismatch,
        "balance" => t.category_balance,
        "jht_claim" => t.category_jht_claim,
        "other" => t.category_other,
        other => other,
    }
}

fn status_name<'a>(t: &'static Texts, code: &'a str) -> &'a str {
    match code {
        "received" => t.status_received,
        "in_progress" => t.status_in_progress,
        "resolved" => t.status_resolved,
        other => other,
    }
}

const WIB_SECS: i64 = 7 * 3600;

/// `18.30` (Indonesian) or `18:30`, in Jakarta.
fn clock_time(unix: i64, lang: Language) -> String {
    let secs = (unix + WIB_SECS).rem_euclid(86_400);
    let sep = if lang == Language::Id { '.' } else { ':' };
    format!("{:02}{sep}{:02}", secs / 3600, secs % 3600 / 60)
}

/// `2026-12-04 18.30`, in Jakarta (the column says so).
fn date_time(unix: i64, lang: Language) -> String {
    format!("{} {}", Date::in_jakarta(unix), clock_time(unix, lang))
}

/// RFC 3339 in UTC, for `<time datetime>`.
fn iso(unix: i64) -> String {
    jmo_contract::Timestamp(unix).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_jakartas_with_each_languages_separator() {
        // 2026-12-04 11:30 UTC is 18:30 in Jakarta.
        let t = 1_796_383_800;
        assert_eq!(date_time(t, Language::Id), "2026-12-04 18.30");
        assert_eq!(date_time(t, Language::En), "2026-12-04 18:30");
        assert_eq!(clock_time(t + 6 * 3600, Language::En), "00:30", "past midnight in Jakarta");
    }

    #[test]
    fn every_refusal_the_server_can_give_has_both_texts() {
        for code in ["login_failed", "login_locked", "login_disabled", "login_missing", "rate_limited", "forged_request"] {
            assert!(crate::texts::error_texts(code).is_some(), "content/workspace.toml has no [error.{code}]");
        }
    }

    #[tokio::test]
    async fn the_sign_in_page_labels_its_fields_and_announces_a_refusal() {
        let page = Page::SignIn { notice: Some(LoginNotice::Refused { code: "login_locked", until: Some(1_796_383_800) }), username: "siti<x>".into() };
        let html = render(Language::Id, 0, page).await;
        assert!(html.starts_with("<!doctype html><html lang=\"id\">"), "{html}");
        assert!(html.contains("<label for=\"username\">Nama pengguna</label>"), "{html}");
        assert!(html.contains("autocomplete=\"current-password\""));
        assert!(html.contains("role=\"alert\""));
        assert!(html.contains("pukul 18.30 WIB"), "the lock's end in Jakarta time: {html}");
        assert!(html.contains("value=\"siti&lt;x&gt;\""), "what was typed is escaped: {html}");
        assert!(!html.contains("siti<x>"));
    }

    #[tokio::test]
    async fn the_queue_marks_overdue_rows_in_words() {
        let row = |ticket: &str, due: i64| QueueRow { ticket: ticket.into(), category: "login".into(), status: "received".into(), received_at: due - 86_400, response_due_at: due };
        let page = Page::Queue { badge: Badge { name: "Budi".into(), role: "agent" }, csrf: "c".into(), rows: vec![row("JMO-A", 100), row("JMO-B", 10_000)], waiting: 2, overdue: 1 };
        let html = render(Language::En, 5_000, page).await;
        assert!(html.contains("2 complaints waiting, 1 of them overdue."), "{html}");
        assert!(!html.contains("shown here"), "all are shown: {html}");
        assert_eq!(html.matches("<strong class=\"late\">Overdue</strong>").count(), 1, "{html}");
        assert!(html.contains("Signed in as Budi, agent"));
        assert!(html.contains("<th scope=\"col\">Ticket</th>"));
    }
}
