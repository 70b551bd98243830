//! Every page of the guide, fetched over HTTP from the real server: the HTML itself carries the
//! question and its answer links (no JavaScript needed), unknown addresses are real 404s, and a
//! date question is answered by a posted form.

mod support;

use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Lang, NodeKind};
use reqwest::StatusCode;
use support::*;

/// A server with the widget's real `index.html` as its page shell.
fn pages_server() -> (tempfile::TempDir, tempfile::TempDir, Server) {
    let widget = tempfile::tempdir().unwrap();
    let shell = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../index.html")).unwrap();
    std::fs::write(widget.path().join("index.html"), shell).unwrap();
    let (db, url) = sqlite_db();
    let s = Server::start(&url, &[("WIDGET_DIR", widget.path().to_str().unwrap())]);
    (widget, db, s)
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The page's text with HTML's escapes undone, to look for titles and links as written.
fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

async fn page(s: &Server, address: &str) -> (StatusCode, String) {
    let res = no_redirects().get(s.url(address)).send().await.unwrap();
    let status = res.status();
    if status != StatusCode::PERMANENT_REDIRECT {
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{address}");
    }
    (status, unescape(&res.text().await.unwrap()))
}

#[tokio::test]
async fn every_node_of_every_guide_in_both_languages_is_a_page_with_its_heading_and_answer_links() {
    let (_w, _db, s) = pages_server();
    let catalog = jmo_selfhelp::content::bundled();
    let mut pages = 0;
    for guide in catalog.guides.iter() {
        for (index, node) in guide.nodes.iter().enumerate() {
            let Some(walk) = Walk::shortest_to(guide, index) else { continue };
            for lang in [Lang::Id, Lang::En] {
                let address = Link::to_step(guide, &walk).with_lang(Some(lang)).encode();
                let (status, html) = page(&s, &address).await;
                assert_eq!(status, StatusCode::OK, "{address}");
                assert!(html.contains(&format!("<html lang=\"{}\"", lang.code())), "{address}: document language");
                let heading = format!(">{}</h1>", node.title.get(lang));
                assert!(html.contains(&heading), "{address}: no heading {heading}");
                assert!(html.contains(&format!("<title>{} – ", node.title.get(lang))), "{address}: title");
                for (i, option) in node.options.iter().enumerate() {
                    if node.kind == NodeKind::Date {
                        continue;
                    }
                    let next = Link::to_step(guide, &walk.choose_index(guide, i).unwrap()).with_lang(Some(lang)).encode();
                    assert!(html.contains(&format!("href=\"{next}\"")), "{address}: no link to {next} ({})", option.id);
                    assert!(html.contains(option.label.get(lang)), "{address}: no label {}", option.label.get(lang));
                }
                if node.kind == NodeKind::Date {
                    assert!(html.contains(&format!("method=\"post\" action=\"{address}\"")), "{address}: the date is posted to its page");
                    assert!(html.contains("name=\"date\""), "{address}");
                }
                pages += 1;
            }
        }
    }
    assert!(pages >= 150, "only {pages} pages");
}

#[tokio::test]
async fn the_start_screen_and_the_check_page_in_both_languages_and_embedded() {
    let (_w, _db, s) = pages_server();
    let catalog = jmo_selfhelp::content::bundled();
    for lang in [Lang::Id, Lang::En] {
        let (status, html) = page(&s, &format!("/?lang={}", lang.code())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!(">{}</h1>", catalog.start.title.get(lang))));
        for guide in catalog.start_guides() {
            assert!(html.contains(&format!("href=\"/{}?lang={}\"", guide.id, lang.code())), "start links to {}", guide.id);
        }
        // The language switch is a pair of links to this page.
        assert!(html.contains("href=\"/?lang=id\"") && html.contains("href=\"/?lang=en\""));
        let (status, html) = page(&s, &format!("/check?lang={}", lang.code())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("class=\"form-slot\""), "the check page holds the form's place");
    }
    // Embedded: the links keep the mode, and the page offers to close.
    let (_, html) = page(&s, "/login?embed=1").await;
    assert!(html.contains("data-embed=\"1\" class=\"page\""));
    assert!(html.contains("href=\"/login/session_expired?a=what_happens.asked_again&lang=id&embed=1\""), "answers keep the mode");
    assert!(html.contains("class=\"close\""));
    // No language in the link: Indonesian.
    let (_, html) = page(&s, "/").await;
    assert!(html.contains("<html lang=\"id\""));
}

#[tokio::test]
async fn unknown_and_malformed_addresses_are_the_friendly_page_with_a_real_404() {
    let (_w, _db, s) = pages_server();
    for address in ["/login/no_such_step", "/no_such_guide", "/login?a=broken", "/%3Cscript%3E", "/login/a/b/c", "/favicon.ico"] {
        let (status, html) = page(&s, address).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{address}");
        assert!(html.contains("class=\"screen not-found\""), "{address}");
        assert!(html.contains("href=\"/?lang=id\""), "{address}: a way back to the start");
    }
    // A link an app percent-encoded goes to the plain address.
    let res = no_redirects().get(s.url("/login/session_expired?a=what%5Fhappens%2Easked_again&lang=en")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()["location"], "/login/session_expired?a=what_happens.asked_again&lang=en");
    // An old link whose answers no longer fit still opens its step, with a notice.
    let (status, html) = page(&s, "/login/session_expired?a=what_happens.an_answer_removed_since").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("class=\"notice\""));
}

#[tokio::test]
async fn head_other_methods_index_html_and_the_policy_of_pages() {
    let (_w, _db, s) = pages_server();
    let c = no_redirects();
    let res = c.head(s.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = c.put(s.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "GET, HEAD, POST");
    let res = c.get(s.url("/index.html")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()["location"], "/");

    let res = c.get(s.url("/login")).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip", "pages are compressed");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    // The one inline script of index.html (old links) is allowed by its hash, nothing else inline.
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let shell = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../index.html")).unwrap();
    let script = shell.split("<script>").nth(1).unwrap().split("</script>").next().unwrap();
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'")), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
}

fn wib_today() -> jmo_guide::date::Date {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + 7 * 3600;
    jmo_guide::date::Date::from_days_since_epoch(now / 86_400)
}

#[tokio::test]
async fn a_date_question_answered_without_javascript_goes_on_by_its_branch_and_refusals_keep_the_value() {
    let (_w, _db, s) = pages_server();
    let c = no_redirects();
    let address = "/jht/docs_complete_date?a=jht_stage.waiting&lang=en";
    let (status, html) = page(&s, address).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("type=\"date\""));
    let post = |body: String| c.post(s.url(address)).header("Content-Type", "application/x-www-form-urlencoded").body(body).send();

    let long_ago = jmo_guide::date::Date::from_days_since_epoch(wib_today().days_since_epoch() - 60);
    let res = post(format!("date={:04}-{:02}-{:02}", long_ago.year, long_ago.month, long_ago.day)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let next = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(next.starts_with("/jht/") && next.contains("docs_complete_date.") && next.ends_with("&lang=en"), "{next}");
    assert!(!next.contains(&format!("{:04}-", long_ago.year)) && !next.contains("date="), "the date went into {next}");
    let (status, _) = page(&s, &next).await;
    assert_eq!(status, StatusCode::OK);

    let catalog = jmo_selfhelp::content::bundled();
    let steps = |key: &str| catalog.texts.iter().find(|(k, _)| k.as_ref() == key).map(|(_, t)| t.get(Lang::En).to_owned()).unwrap();
    let tomorrow = jmo_guide::date::Date::from_days_since_epoch(wib_today().days_since_epoch() + 1);
    for (body, message) in [
        (format!("date={:04}-{:02}-{:02}", tomorrow.year, tomorrow.month, tomorrow.day), steps("date_in_future")),
        ("date=".to_owned(), steps("date_missing")),
        ("date=31%2F12%2F2025".to_owned(), steps("date_invalid")),
        ("nothing=here".to_owned(), steps("date_invalid")),
        (format!("date={}", "9".repeat(5000)), steps("date_invalid")),
    ] {
        let res = post(body.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", &body[..body.len().min(40)]);
        let html = unescape(&res.text().await.unwrap());
        assert!(html.contains(&format!("id=\"date-error\" role=\"alert\" class=\"field-error\">{message}</p>")), "{}: no message {message}", &body[..body.len().min(40)]);
        assert!(html.contains("aria-invalid=\"true\""));
    }
    // The refused value stays in the field (a wrong date is fixed, not typed again).
    let res = post("date=31%2F12%2F2025".into()).await.unwrap();
    assert!(res.text().await.unwrap().contains("value=\"31/12/2025\""));
    // A post to a page that asks no date goes back to it.
    let res = c.post(s.url("/login?lang=en")).body("date=2020-01-01").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}
