//! Every page of the guide, fetched over HTTP from the real server: the HTML itself carries the
//! question and its answer links (no JavaScript needed), unknown addresses are real 404s, and a
//! date question is answered by a posted form.

mod support;

use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::{Language, NodeKind};
use reqwest::StatusCode;
use support::*;

/// A server with the widget's real `index.html` as its page shell.
fn pages_server() -> (tempfile::TempDir, tempfile::TempDir, Server) {
    let widget = tempfile::tempdir().unwrap();
    let shell = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../index.html")).unwrap();
    std::fs::write(widget.path().join("index.html"), shell).unwrap();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../../styles/form.css"), widget.path().join("form.css")).unwrap();
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
            for lang in [Language::Id, Language::En] {
                let address = Link::to_step(guide, &walk).with_lang(Some(lang)).encode();
                let (status, html) = page(&s, &address).await;
                assert_eq!(status, StatusCode::OK, "{address}");
                assert!(html.contains(&format!("<html lang=\"{}\"", lang.as_str())), "{address}: document language");
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
    for lang in [Language::Id, Language::En] {
        let (status, html) = page(&s, &format!("/?lang={}", lang.as_str())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!(">{}</h1>", catalog.start.title.get(lang))));
        for guide in catalog.start_guides() {
            assert!(html.contains(&format!("href=\"/{}?lang={}\"", guide.id, lang.as_str())), "start links to {}", guide.id);
        }
        // The language switch is a pair of links to this page.
        assert!(html.contains("href=\"/?lang=id\"") && html.contains("href=\"/?lang=en\""));
        let (status, html) = page(&s, &format!("/check?lang={}", lang.as_str())).await;
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
    // The complaint form's styles, inlined on the pages that draw it, by their hash too.
    let form_css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../styles/form.css")).unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(form_css.as_bytes()));
    let style_src = csp.split(';').find(|d| d.trim_start().starts_with("style-src")).unwrap();
    assert!(style_src.contains(&format!("'sha256-{hash}'")), "{csp}");
}

fn wib_today() -> jmo_guide::date::Date {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    jmo_guide::date::Date::in_jakarta(now)
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

    let long_ago = wib_today().add_days(-60);
    let res = post(format!("date={long_ago}")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let next = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(next.starts_with("/jht/") && next.contains("docs_complete_date.") && next.ends_with("&lang=en"), "{next}");
    assert!(!next.contains(&format!("{:04}-", long_ago.year)) && !next.contains("date="), "the date went into {next}");
    let (status, _) = page(&s, &next).await;
    assert_eq!(status, StatusCode::OK);

    let catalog = jmo_selfhelp::content::bundled();
    let steps = |key: &str| catalog.texts.iter().find(|(k, _)| k.as_ref() == key).map(|(_, t)| t.get(Language::En).to_owned()).unwrap();
    let tomorrow = wib_today().add_days(1);
    for (body, message) in [
        (format!("date={tomorrow}"), steps("date_in_future")),
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

/// The first escalation's page.
fn escalation_address(lang: Language) -> String {
    let (guide, walk) = jmo_testkit::guides::first_escalation(jmo_selfhelp::content::bundled());
    Link::to_step(guide, &walk).with_lang(Some(lang)).encode()
}

/// The form's hidden key in a page.
fn form_key(html: &str) -> String {
    let name = html.find("name=\"complaint_key\"").expect("a hidden key");
    let tag = &html[html[..name].rfind('<').unwrap()..name + html[name..].find('>').unwrap()];
    let value = tag.find("value=\"").expect("the key's value") + "value=\"".len();
    tag[value..value + 36].to_owned()
}

/// A complaint as a participant fills the form the server drew.
fn filled_form(key: &str, name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("complaint_key", key.to_owned())
        .text("field-name", name.to_owned())
        .text("field-nik", "3201015705900001")
        .text("field-kpj_card", "")
        .text("field-phone", "0812-3456-7890")
        .text("reply_channel", "whatsapp")
        .text("field-email", "")
        .text("field-description", "Saya tidak menerima kode OTP sejak kemarin, sudah mencoba tiga kali.")
        .text("field-incident_at", "")
        .part("field-attachments", reqwest::multipart::Part::bytes(Vec::new()).file_name("").mime_str("application/octet-stream").unwrap())
        .text("field-consent", "on")
}

async fn post_form(s: &Server, address: &str, form: reqwest::multipart::Form) -> reqwest::Response {
    no_redirects().post(s.url(address)).multipart(form).send().await.unwrap()
}

async fn stored_complaints(s: &Server) -> Vec<serde_json::Value> {
    let list: serde_json::Value = support::scenarios::staff_get(s, "/api/v1/staff/complaints").await.json().await.unwrap();
    list.as_array().or_else(|| list["complaints"].as_array()).cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_complaint_filed_without_javascript_is_stored_once_and_answered_with_its_receipt() {
    let (_w, _db, s) = pages_server();
    for lang in [Language::Id, Language::En] {
        let address = escalation_address(lang);
        let (status, html) = page(&s, &address).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("method=\"post\" action=\"{address}\"")) && html.contains("enctype=\"multipart/form-data\""), "{address}: a form posted to its page: {}", &html[html.find("form-slot").unwrap_or(0)..][..300.min(html.len() - html.find("form-slot").unwrap_or(0))]);
        for field in ["field-name", "field-nik", "field-phone", "field-description", "field-consent", "field-attachments"] {
            assert!(html.contains(&format!("name=\"{field}\"")), "{address}: no field {field}");
        }
        // The form's styles come inlined in the head: nothing more to fetch before it is drawn.
        let head = &html[..html.find("</head>").unwrap()];
        assert!(head.contains("<style data-form-styles>") && head.contains(".error-summary {"), "{address}: the form's styles are not in the head");
        assert!(!html.contains("href=\"/form.css\""), "{address}: the form's stylesheet is still fetched");
        // Every page draws a new key: two tabs are two complaints.
        assert_ne!(form_key(&html), form_key(&page(&s, &address).await.1));
    }

    let address = escalation_address(Language::En);
    let key = form_key(&page(&s, &address).await.1);
    // Submitted twice (a double tap, or a retry after a timeout): one complaint, the same receipt.
    let first = post_form(&s, &address, filled_form(&key, "Siti Aminah")).await;
    let second = post_form(&s, &address, filled_form(&key, "Siti Aminah")).await;
    assert_eq!((first.status(), second.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    let receipt_at = first.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(second.headers()["location"], receipt_at.as_str());
    assert_eq!(receipt_at, format!("/received/{key}?lang=en"));
    assert_eq!(stored_complaints(&s).await.len(), 1, "stored exactly once");
    let res = no_redirects().get(s.url(&receipt_at)).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store", "a receipt is kept out of every cache");
    let (status, receipt) = page(&s, &receipt_at).await;
    assert_eq!(status, StatusCode::OK);
    let ticket = stored_complaints(&s).await[0]["ticket"].as_str().unwrap().to_owned();
    assert!(receipt.contains(&ticket) && receipt.contains("Complaint sent"), "the receipt shows the ticket {ticket}");
    assert!(receipt.contains(" WIB"), "when staff reply, in Jakarta's time");
    for personal in ["Siti", "3201015705900001", "7890"] {
        assert!(!receipt.contains(personal), "the receipt page shows {personal}");
    }
    // Changed and sent again with the same key (back, edit, send): still that one complaint.
    let again = post_form(&s, &address, filled_form(&key, "Siti Rahayu")).await;
    assert_eq!((again.status(), again.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, receipt_at.as_str()));
    assert_eq!(stored_complaints(&s).await.len(), 1);
    // A receipt link that names no complaint: the friendly page, a 404.
    let (status, missing) = page(&s, "/received/00000000-0000-4000-8000-000000000000?lang=id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("Tanda terima tidak ditemukan"), "{missing}");
    assert_eq!(page(&s, "/received/not-a-key").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_refused_complaint_form_shows_the_messages_beside_the_fields_and_keeps_what_was_typed() {
    let (_w, _db, s) = pages_server();
    let address = escalation_address(Language::Id);
    let key = form_key(&page(&s, &address).await.1);
    let form = filled_form(&key, "Siti Aminah").text("field-nik", "1234").text("field-phone", "abc");
    // reqwest keeps both parts of a name; the server takes the last, as browsers send one.
    let res = post_form(&s, &address, form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // It shows the name, NIK and phone typed: kept out of every cache, the browser's too.
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = unescape(&res.text().await.unwrap());
    assert!(html.contains("id=\"error-summary\""), "an error summary");
    assert!(html.contains("id=\"field-nik-error\"") && html.contains("id=\"field-phone-error\""), "messages beside the fields");
    assert!(html.contains("href=\"#field-nik\""), "the summary links to the field");
    assert!(html.contains("value=\"Siti Aminah\"") && html.contains("value=\"abc\""), "what was typed is kept");
    assert_eq!(form_key(&html), key, "the same key, so a corrected form is still one complaint");
    assert!(stored_complaints(&s).await.is_empty());

    // Without consent, nothing typed and no radio: each required field says so.
    let empty = reqwest::multipart::Form::new().text("complaint_key", key.clone());
    let html = unescape(&post_form(&s, &address, empty).await.text().await.unwrap());
    for field in ["name", "nik", "phone", "reply_channel", "description", "consent"] {
        assert!(html.contains(&format!("id=\"field-{field}-error\"")), "no message for {field}");
    }
    // Not a form at all: the page again, with the general message, never a 5xx.
    let res = no_redirects().post(s.url(&address)).header("content-type", "multipart/form-data; boundary=x").body("garbage").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stored_complaints(&s).await.is_empty());
}

#[tokio::test]
async fn photos_posted_without_javascript_are_shrunk_like_the_browser_form_does_and_oversized_ones_refused() {
    let (_w, _db, s) = pages_server();
    let address = escalation_address(Language::En);
    let key = form_key(&page(&s, &address).await.1);
    let photo = |bytes: Vec<u8>| reqwest::multipart::Part::bytes(bytes).file_name("photo.png").mime_str("image/png").unwrap();
    // Over the pixel limit: the page again with the message, nothing stored.
    let form = filled_form(&key, "Siti Aminah").part("field-attachments", photo(png_bytes(5000, 10)));
    let res = post_form(&s, &address, form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = unescape(&res.text().await.unwrap());
    assert!(html.contains("id=\"field-attachments-error\""), "the photo's message beside its field");
    assert!(stored_complaints(&s).await.is_empty());

    let form = filled_form(&key, "Siti Aminah").part("field-attachments", photo(png_bytes(3200, 1800)));
    let res = post_form(&s, &address, form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let ticket = stored_complaints(&s).await[0]["ticket"].as_str().unwrap().to_owned();
    let detail: serde_json::Value = support::scenarios::staff_get(&s, &format!("/api/v1/staff/complaints/{ticket}")).await.json().await.unwrap();
    let attachments = detail["attachments"].as_array().or_else(|| detail["complaint"]["attachments"].as_array()).cloned().unwrap_or_default();
    assert_eq!(attachments.len(), 1, "{detail}");
    let id = attachments[0].as_str().map(str::to_owned).or_else(|| attachments[0]["id"].as_str().map(str::to_owned)).unwrap();
    let bytes = support::scenarios::staff_get(&s, &format!("/api/v1/staff/attachments/{id}")).await.bytes().await.unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (1600, 900), "the long side at the browser form's 1600 px");
}

#[tokio::test]
async fn a_complaint_is_checked_without_javascript_by_a_form_posted_to_the_check_page() {
    let (_w, _db, s) = pages_server();
    let address = escalation_address(Language::En);
    let key = form_key(&page(&s, &address).await.1);
    assert_eq!(post_form(&s, &address, filled_form(&key, "Siti Aminah")).await.status(), StatusCode::SEE_OTHER);
    let ticket = stored_complaints(&s).await[0]["ticket"].as_str().unwrap().to_owned();

    let (status, html) = page(&s, "/check?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    let form = &html[html.find("id=\"check-form\"").map(|i| html[..i].rfind('<').unwrap()).expect("the check form")..];
    let form_tag = &form[..form.find('>').unwrap()];
    assert!(form_tag.contains("method=\"post\"") && form_tag.contains("action=\"/check?lang=en\""), "{form_tag}");

    let check = |ticket: String, last4: &str| {
        let body = form_urlencoded::Serializer::new(String::new()).append_pair("ticket", &ticket).append_pair("last4", last4).finish();
        let s = &s;
        async move {
            let res = no_redirects().post(s.url("/check?lang=en")).header("content-type", "application/x-www-form-urlencoded").body(body).send().await.unwrap();
            let (status, cache) = (res.status(), res.headers()["cache-control"].to_str().unwrap().to_owned());
            (status, cache, unescape(&res.text().await.unwrap()))
        }
    };
    // Typed as a person would (lower case): found, with its state; the digits never in a URL.
    let (status, cache, html) = check(ticket.to_lowercase(), "7890").await;
    assert_eq!((status, cache.as_str()), (StatusCode::OK, "no-store"));
    assert!(html.contains(&format!("<strong>{ticket}</strong>")), "the ticket is shown");
    assert!(html.contains("Received, waiting for staff"), "its state is shown");
    assert!(html.contains("data-lookup=\"found\""), "the widget takes the result over");

    // Wrong digits: the same answer as an unknown ticket, with what was typed kept.
    let (status, _, html) = check(ticket.clone(), "0000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("No complaint was found") && html.contains(&format!("value=\"{ticket}\"")), "typed ticket kept");
    // Not 4 digits: said so, nothing looked up.
    let (status, _, html) = check(ticket.clone(), "12a").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Please enter the last 4 digits"), "the digits' message");
    // Not a form at all: the page again with the message, never a 5xx.
    let res = no_redirects().post(s.url("/check")).body(vec![0xff_u8; 9000]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"check-form\""));
}
