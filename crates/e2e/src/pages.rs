//! What the checks visit: the shipped content, every screen of the app in both languages (from
//! the guide model) with how to open it and know it shows, and the walks through the guides.

use chromiumoxide::Page;
use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Catalog, Guide, Language, NodeKind};

use crate::{eval, js_str, wait_for, workspace_root, Result};

/// The shipped content, loaded and checked by the guide model (the same files dist/ was built from).
pub fn content() -> jmo_guide::load::Content {
    jmo_guide::load::load_checked(&workspace_root().join("content")).unwrap_or_else(|problems| {
        panic!("content/ has problems:\n{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))
    })
}

/// A shell text (`[shell.<key>]` in ui.toml).
pub fn shell_text(content: &jmo_guide::load::Content, key: &str, lang: Language) -> String {
    content.shell_texts.iter().find(|(k, _)| k == key).map(|(_, t)| t.get(lang).to_owned()).unwrap_or_else(|| panic!("no shell text {key}"))
}

/// One screen the checks visit: how to open it and how to know it is on screen.
#[derive(Clone, Debug)]
pub struct PageSpec {
    /// For messages: `login/otp_missing (en)`.
    pub name: String,
    pub lang: Language,
    /// The page's address that opens it: path and query, `/login/otp_missing?a=…&lang=en`
    /// (always with `lang=`).
    pub address: String,
    /// Expected text of the screen's heading (`#screen-title`).
    pub heading: String,
    /// JavaScript run after the heading shows, to reach a state of the screen (an error
    /// message, a filled form…), and an expression that is true once that state shows.
    pub action: Option<(String, String)>,
}

/// Every screen to check, in both languages: the start screen, every node of every shipped
/// guide (opened by its link), a date question's error state, an outdated link (with its
/// notice), the complaint form (on every escalation), its error state, a delivered complaint, the
/// check screen and the not-found page.
pub fn all_pages(content: &jmo_guide::load::Content) -> Vec<PageSpec> {
    let catalog = &content.catalog;
    let mut pages = Vec::new();
    for lang in Language::ALL {
        let code = lang.as_str();
        pages.push(PageSpec {
            name: format!("start ({code})"),
            lang,
            address: format!("/?lang={code}"),
            heading: catalog.start.title.get(lang).to_owned(),
            action: None,
        });
        for guide in catalog.guides.iter() {
            for (index, node) in guide.nodes.iter().enumerate() {
                let walk = Walk::shortest_to(guide, index).expect("every node is reachable (content check)");
                let address = Link::to_step(guide, &walk).with_lang(Some(lang)).encode();
                let name = format!("{}/{} ({code})", guide.id, node.id);
                // An escalation shows the complaint form once its module has loaded.
                let action = matches!(node.kind, NodeKind::Escalate(_)).then(|| ("0".to_owned(), FORM_SHOWN.to_owned()));
                pages.push(PageSpec { name: name.clone(), lang, address: address.clone(), heading: node.title.get(lang).to_owned(), action });
                if node.kind == NodeKind::Date {
                    pages.push(PageSpec {
                        name: format!("{} date error ({code})", guide.id),
                        lang,
                        address,
                        heading: node.title.get(lang).to_owned(),
                        action: Some((
                            "document.querySelector('.date-form button[type=submit]').click()".into(),
                            "!!document.querySelector('#date-error')".into(),
                        )),
                    });
                }
            }
        }
        // A shared link whose answers no longer fit the guide: opens the step with a notice.
        let guide = &catalog.guides[0];
        let target = guide.nodes.iter().position(|n| n.kind == NodeKind::Resolved).unwrap_or(0);
        let mut stale = Link::to_step(guide, &Walk::shortest_to(guide, target).unwrap()).with_lang(Some(lang));
        stale.answers = vec![jmo_guide::link::PathStep { node: "no_such_question".into(), answer: "no_such_answer".into() }];
        pages.push(PageSpec {
            name: format!("{} outdated link ({code})", guide.id),
            lang,
            address: stale.encode(),
            heading: guide.nodes[target].title.get(lang).to_owned(),
            action: Some(("0".into(), "!!document.querySelector('.step .notice')".into())),
        });
        // The complaint form refused (empty), then filled in and delivered, and the check screen.
        let other = catalog.guides.iter().find(|g| g.id == "other").expect("the `other` guide");
        let escalation = Link::to_step(other, &Walk::start(other)).with_lang(Some(lang)).encode();
        let escalation_title = other.nodes[0].title.get(lang).to_owned();
        pages.push(PageSpec {
            name: format!("complaint form errors ({code})"),
            lang,
            address: escalation.clone(),
            heading: escalation_title.clone(),
            action: Some((format!("(async () => {{ await {WAIT_FORM}; document.getElementById('complaint-submit').click(); }})()"), "document.activeElement && document.activeElement.id === 'error-summary'".into())),
        });
        pages.push(PageSpec {
            name: format!("complaint delivered ({code})"),
            lang,
            address: escalation,
            heading: escalation_title,
            action: Some((format!("(async () => {{ await {WAIT_FORM}; {FILL_FORM}; document.getElementById('complaint-submit').click(); }})()"), "!!document.querySelector('[data-complaint-state=delivered]')".into())),
        });
        pages.push(PageSpec {
            name: format!("check my complaint ({code})"),
            lang,
            address: format!("/check?lang={code}"),
            heading: form_text("check_heading", lang),
            action: None,
        });
        pages.push(PageSpec {
            name: format!("not found ({code})"),
            lang,
            address: format!("/no-such-guide?lang={code}"),
            heading: shell_text(content, "not_found_title", lang),
            action: None,
        });
    }
    pages
}

/// The form module's own complaint form. Until the module is here the page holds the form the
/// server drew, which posts to the server (`method=post`): it works, but without the module's
/// in-page checks and outbox.
pub const MODULE_FORM: &str = "#complaint-form:not([method])";
/// True once the form module has drawn an escalation's complaint form (or its status).
pub const FORM_SHOWN: &str = "!!document.querySelector('#complaint-form:not([method])') || !!document.querySelector('.complaint-status')";
/// A promise that resolves once the form module's complaint form is on the page.
const WAIT_FORM: &str = "new Promise(r => { const t = setInterval(() => { if (document.querySelector('#complaint-form:not([method])')) { clearInterval(t); r(); } }, 20); })";
/// Fills the complaint form with valid details, as typing would (input events).
const FILL_FORM: &str = "(() => { const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new InputEvent('input', { bubbles: true })); }; \
    set('field-name', 'Siti Rahayu'); set('field-nik', '3201014507900003'); set('field-phone', '0812 3456 7890'); \
    set('field-description', 'Aplikasi JMO tertutup sendiri setiap kali dibuka.'); \
    const c = document.getElementById('field-consent'); if (!c.checked) c.click(); })()";

/// A text of the complaint form (`[text.<key>]` in content/form.toml).
pub fn form_text(key: &str, lang: Language) -> String {
    let source = std::fs::read_to_string(workspace_root().join("content/form.toml")).expect("content/form.toml");
    let section = source.split(&format!("[text.{key}]")).nth(1).unwrap_or_else(|| panic!("no [text.{key}] in content/form.toml"));
    let line = section.lines().find(|l| l.starts_with(&format!("{} = ", lang.as_str()))).expect("a text per language");
    line.split_once(" = ").map(|(_, v)| v.trim().trim_matches('"').to_owned()).unwrap_or_default()
}

/// Follows `address` (path and query) in the app already loaded in `page`, as the widget follows
/// its own links: `history.pushState` and a `popstate` event (through `/` first when it is
/// already the current address, so the page really changes). Does not wait for anything.
pub async fn follow_in_app(page: &Page, address: &str) -> Result<()> {
    let js = format!(
        "(() => {{ const a = {a}; const go = to => {{ history.pushState(null, '', to); dispatchEvent(new PopStateEvent('popstate')); }}; \
           if (location.pathname + location.search === a) go('/'); go(a); return true; }})()",
        a = js_str(address)
    );
    eval(page, &js).await.map(|_| ())
}

/// Opens `spec` in the app already loaded in `page` ([`follow_in_app`]) and waits until its
/// heading and state show.
pub async fn open_in_app(page: &Page, spec: &PageSpec) -> Result<()> {
    follow_in_app(page, &spec.address).await?;
    wait_shown(page, spec).await
}

/// Waits until `spec`'s heading is on screen in its language (and its action's state).
pub async fn wait_shown(page: &Page, spec: &PageSpec) -> Result<()> {
    let js = format!(
        "(() => {{ const h = document.getElementById('screen-title'); \
           return !!h && h.textContent.trim() === {heading} && document.documentElement.lang === {lang} \
             && location.pathname + location.search === {a}; }})()",
        heading = js_str(spec.heading.trim()),
        lang = js_str(spec.lang.as_str()),
        a = js_str(&spec.address)
    );
    wait_for(page, &js, &format!("{} to show the heading {:?}", spec.name, spec.heading)).await?;
    if let Some((action, done)) = &spec.action {
        eval(page, action).await?;
        wait_for(page, done, &format!("{}: the state after `{action}`", spec.name)).await?;
    }
    Ok(())
}

/// The walks to every outcome of `guide` that pass through questions and steps only (no date
/// to type), shortest first.
pub fn walks_to_outcomes(guide: &Guide) -> Vec<Walk> {
    let mut found = Vec::new();
    let mut queue = std::collections::VecDeque::from([Walk::start(guide)]);
    while let Some(walk) = queue.pop_front() {
        let node = walk.current_node(guide);
        if node.kind.is_outcome() {
            found.push(walk);
            continue;
        }
        if node.kind == NodeKind::Date {
            continue;
        }
        for i in 0..node.options.len() {
            if let Ok(next) = walk.choose_index(guide, i) {
                queue.push_back(next);
            }
        }
    }
    found
}

/// The catalog's guides in the order of the start screen.
pub fn guides(catalog: &Catalog) -> Vec<&Guide> {
    catalog.start_guides().collect()
}

