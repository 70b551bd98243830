//! The workspace's sign-in against the real binary on a SQLite file, over loopback HTTP as a
//! browser would use it (plain forms, cookies, redirects): an agent added on the command line
//! signs in and sees the queue in due order; a cross-site POST, a wrong password, an unknown
//! username are refused alike; five wrong passwords lock the account until an admin unlocks it;
//! the session cookie has its flags, signing out needs the page's CSRF token and ends the
//! session; a disabled account's session ends at once; every step is in the audit trail.

mod support;

use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::StatusCode;
use sqlx::Row;
use support::staff::{staff, PASSWORD};
use support::*;

fn browser() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Posts the sign-in form as a page of the server would (its own `Origin`).
async fn sign_in(s: &Server, username: &str, password: &str) -> reqwest::Response {
    browser()
        .post(s.url("/staff/login?lang=id"))
        .header(ORIGIN, format!("http://{}", s.addr))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// The session cookie a sign-in set, as a browser sends it back.
fn session_cookie(res: &reqwest::Response) -> String {
    let set = res.headers()[SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

async fn get(s: &Server, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = browser().get(s.url(path));
    if let Some(cookie) = cookie {
        req = req.header(COOKIE, cookie);
    }
    req.send().await.unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The complaint page's status form, posted with `csrf`.
async fn post_status(s: &Server, csrf: &str, status: &str, cookie: &str, ticket: &str) -> reqwest::Response {
    browser()
        .post(s.url(&format!("/staff/complaints/{ticket}/status?lang=id")))
        .header(COOKIE, cookie)
        .header(ORIGIN, format!("http://{}", s.addr))
        .form(&[("csrf", csrf), ("status", status)])
        .send()
        .await
        .unwrap()
}

/// The `value` of the page's hidden `csrf` field.
fn csrf_in(html: &str) -> String {
    let input = html.split("<input").find(|tag| tag.contains("name=\"csrf\"")).expect("a csrf field");
    let start = input.find("value=\"").expect("its value") + 7;
    input[start..start + input[start..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn staff_sign_in_lock_out_sign_out_and_see_the_queue() {
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[("STAFF_SIGN_INS_PER_MINUTE", "0")]);
    // IT works the sign-in complaints the test files.
    let added = staff(&url, &["add", "budi", "--name", "Budi Santoso", "--role", "agent", "--unit", "it"], &format!("{PASSWORD}\n"));
    assert_eq!(added.code, Some(0), "{}", added.output());
    let mut tickets = Vec::new();
    for _ in 0..2 {
        let receipt: serde_json::Value = post_complaint(&s, &new_key(), &complaint()).await.json().await.unwrap();
        tickets.push(receipt["ticket"].as_str().unwrap().to_owned());
        // Due times a second apart (they are counted in seconds).
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }

    // Not signed in: to the sign-in page, which is a plain form, kept out of caches.
    let res = get(&s, "/staff", None).await;
    assert_eq!((res.status(), location(&res).as_str()), (StatusCode::SEE_OTHER, "/staff/login?lang=id"));
    let res = get(&s, "/staff/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"id\">") && html.contains("<form method=\"post\" action=\"/staff/login?lang=id\""), "{html}");
    assert!(get(&s, "/staff/login?lang=en", None).await.text().await.unwrap().contains("Sign in to the workspace"));
    // A query that does not parse (a field twice) is the page with its defaults, not a bare 400.
    let twice = get(&s, "/staff/login?lang=en&lang=id", None).await;
    assert_eq!(twice.status(), StatusCode::OK);
    assert!(twice.text().await.unwrap().contains("Masuk ke ruang kerja"));

    // A cross-site POST, even with the right password, signs nobody in.
    let forged = browser()
        .post(s.url("/staff/login"))
        .header(ORIGIN, "https://evil.example")
        .form(&[("username", "budi"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.headers().get(SET_COOKIE).is_none());
    assert!(forged.text().await.unwrap().contains("tidak datang dari halaman ruang kerja"));

    // A wrong password and an unknown username: the same answer.
    let wrong = sign_in(&s, "budi", "bukan kata sandinya").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("Nama pengguna atau kata sandi salah") && wrong.contains("value=\"budi\""), "{wrong}");
    assert!(!wrong.contains("bukan kata sandinya"), "the password is echoed");
    let unknown = sign_in(&s, "siapa.saja", "bukan kata sandinya").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(unknown.text().await.unwrap().contains("Nama pengguna atau kata sandi salah"));

    // Signed in: a cookie with its flags, and the queue, nearest deadline first.
    let res = sign_in(&s, "Budi", PASSWORD).await;
    assert_eq!((res.status(), location(&res).as_str()), (StatusCode::SEE_OTHER, "/staff?lang=id"));
    let flags = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/staff"] {
        assert!(flags.contains(flag), "{flags}");
    }
    let cookie = session_cookie(&res);
    let res = get(&s, "/staff", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let queue = res.text().await.unwrap();
    assert!(queue.contains("Masuk sebagai Budi Santoso, agen"), "{queue}");
    let (first, second) = (queue.find(&tickets[0]).expect("the first complaint"), queue.find(&tickets[1]).expect("the second"));
    assert!(first < second, "not in due order");
    assert!(queue.contains("2 pengaduan menunggu, 0 di antaranya terlambat."), "{queue}");
    for personal in ["Siti Aminah", "3201015705900001", "0812-3456-7890", "siti@example.co.id", "Tidak bisa login"] {
        assert!(!queue.contains(personal), "the queue shows {personal:?}");
    }

    // Signing out needs the page's token; then the session is gone.
    let no_token = browser().post(s.url("/staff/logout")).header(COOKIE, &cookie).header(ORIGIN, format!("http://{}", s.addr)).form(&[("csrf", "x")]).send().await.unwrap();
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&s, "/staff", Some(&cookie)).await.status(), StatusCode::OK, "a refused sign-out ended the session");
    let csrf = csrf_in(&queue);
    let out = browser().post(s.url("/staff/logout")).header(COOKIE, &cookie).header(ORIGIN, format!("http://{}", s.addr)).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!((out.status(), location(&out).as_str()), (StatusCode::SEE_OTHER, "/staff/login?lang=id&ended=out"));
    assert!(out.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let res = get(&s, "/staff", Some(&cookie)).await;
    assert_eq!((res.status(), location(&res).as_str()), (StatusCode::SEE_OTHER, "/staff/login?lang=id&ended=1"));

    // Five wrong passwords in a row lock the account: the right one is refused until an unlock.
    let mut last = String::new();
    for _ in 0..5 {
        last = sign_in(&s, "budi", "masih bukan kata sandinya").await.text().await.unwrap();
    }
    assert!(last.contains("Akun ini dikunci sementara") && last.contains(" WIB"), "{last}");
    let locked = sign_in(&s, "budi", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::FORBIDDEN);
    assert!(locked.headers().get(SET_COOKIE).is_none());
    assert_eq!(staff(&url, &["unlock", "budi"], "").code, Some(0));
    let res = sign_in(&s, "budi", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "unlocked");
    let cookie = session_cookie(&res);

    // Disabled: the open session ends at once, and signing in says why.
    assert_eq!(staff(&url, &["disable", "budi"], "").code, Some(0));
    assert_eq!(get(&s, "/staff", Some(&cookie)).await.status(), StatusCode::SEE_OTHER);
    let disabled = sign_in(&s, "budi", PASSWORD).await;
    assert_eq!(disabled.status(), StatusCode::FORBIDDEN);
    assert!(disabled.text().await.unwrap().contains("sudah dinonaktifkan"));

    // The audit trail: each sign-in step, with the account and the address, never a password.
    let db = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    let rows = sqlx::query("SELECT action, staff_account, client_ip FROM audit_events WHERE actor = 'sign-in' ORDER BY at, rowid").fetch_all(&db).await.unwrap();
    let actions: Vec<String> = rows.iter().map(|r| r.get("action")).collect();
    for action in ["sign_in", "sign_in_refused", "sign_out", "sign_in_locked", "sign_in_disabled"] {
        assert!(actions.iter().any(|a| a == action), "no {action} in {actions:?}");
    }
    assert!(rows.iter().all(|r| r.get::<Option<String>, _>("client_ip").is_some()), "an event without its address");
    let named = rows.iter().filter(|r| r.get::<Option<String>, _>("staff_account").is_some()).count();
    assert_eq!(named, rows.len() - 1, "only the unknown username's refusal names no account: {actions:?}");
    db.close().await;
    let file = std::fs::read(url.strip_prefix("sqlite://").unwrap()).unwrap();
    for secret in [PASSWORD, "masih bukan kata sandinya", "bukan kata sandinya", "siapa.saja"] {
        assert!(!scenarios::contains(&file, secret.as_bytes()), "{secret:?} is in the database file");
    }
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address() {
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[("STAFF_SIGN_INS_PER_MINUTE", "3")]);
    for _ in 0..3 {
        assert_eq!(sign_in(&s, "nobody", "not a password at all").await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = sign_in(&s, "nobody", "not a password at all").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().await.unwrap().contains("Terlalu banyak percobaan dari alamat ini"));
}

/// A complaint filed at the end of a real walk: the shortest way through `guide_id` to an
/// escalation of `category`, with today's content version.
fn complaint_from_walk(guide_id: &str, category: &str) -> (serde_json::Value, Vec<(String, String)>, String) {
    use jmo_guide::walk::Walk;
    use jmo_guide::NodeKind;
    let catalog = jmo_selfhelp::content::bundled();
    let guide = catalog.guide(guide_id).unwrap();
    let (at, escalation) = guide
        .nodes
        .iter()
        .enumerate()
        .find(|(_, n)| matches!(&n.kind, NodeKind::Escalate(e) if e.category.map(|c| c.as_str()) == Some(category)))
        .unwrap_or_else(|| panic!("{guide_id} has no {category} escalation"));
    let walk = Walk::shortest_to(guide, at).unwrap();
    let mut body = complaint();
    let path: Vec<(String, String)> = walk.pairs(guide).map(|(n, a)| (n.to_owned(), a.to_owned())).collect();
    body["category"] = category.into();
    body["guide"] = serde_json::json!({
        "guide_id": guide_id, "content_version": &*catalog.version, "escalation_node": &*escalation.id,
        "path": path.iter().map(|(n, a)| serde_json::json!({"node": n, "answer": a})).collect::<Vec<_>>(),
    });
    (body, path, escalation.title.id.to_string())
}

#[tokio::test]
async fn an_agent_opens_their_units_complaints_only_and_reads_what_was_tried_in_words() {
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[("STAFF_SIGN_INS_PER_MINUTE", "0")]);
    for (user, unit) in [("budi", "back_office"), ("ika", "it")] {
        let added = staff(&url, &["add", user, "--name", user, "--role", "agent", "--unit", unit], &format!("{PASSWORD}\n"));
        assert_eq!(added.code, Some(0), "{}", added.output());
    }
    let (balance, path, escalation_title) = complaint_from_walk("balance", "balance");
    let (login, _, _) = complaint_from_walk("login", "login");
    let mut tickets = Vec::new();
    for body in [&balance, &login] {
        let res = post_complaint(&s, &new_key(), body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        tickets.push(res.json::<serde_json::Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned());
    }
    let (balance_ticket, login_ticket) = (&tickets[0], &tickets[1]);

    let budi = session_cookie(&sign_in(&s, "budi", PASSWORD).await);
    let queue = get(&s, "/staff", Some(&budi)).await.text().await.unwrap();
    assert!(queue.contains(balance_ticket.as_str()) && !queue.contains(login_ticket.as_str()), "back office's queue: {queue}");
    let ika = session_cookie(&sign_in(&s, "ika", PASSWORD).await);
    let queue = get(&s, "/staff", Some(&ika)).await.text().await.unwrap();
    assert!(queue.contains(login_ticket.as_str()) && !queue.contains(balance_ticket.as_str()), "IT's queue: {queue}");

    // The whole complaint, and the walk in the guide's words.
    let res = get(&s, &format!("/staff/complaints/{balance_ticket}"), Some(&budi)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.unwrap();
    for shown in ["Siti Aminah", "3201015705900001", "siti@example.co.id", "Tidak bisa login sejak kemarin", &escalation_title] {
        assert!(page.contains(shown), "the complaint page lacks {shown:?}");
    }
    let guide = jmo_selfhelp::content::bundled().guide("balance").unwrap();
    assert!(!path.is_empty());
    for (node_id, answer_id) in &path {
        let node = guide.node(node_id).unwrap();
        let answer = node.options.iter().find(|o| *o.id == **answer_id).unwrap();
        let escaped = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        assert!(page.contains(&escaped(&node.title.id)), "the question {node_id} is not shown in words");
        assert!(page.contains(&escaped(&format!("Jawaban peserta: {}", answer.label.id))), "the answer {node_id}.{answer_id} is not shown in words");
        assert!(!page.contains(&format!(">{answer_id}<")), "an answer shown as its id");
    }
    assert!(!page.contains("versi panduan"), "today's content, yet a version note");
    let english = get(&s, &format!("/staff/complaints/{balance_ticket}?lang=en"), Some(&budi)).await.text().await.unwrap();
    assert!(english.contains(&*guide.node(&path[0].0).unwrap().title.en), "the walk in English");

    // Taken up from the page (its CSRF token), then a stale second press changes nothing.
    assert!(page.contains("Mulai tangani") && page.contains("Tandai selesai"), "the next steps of a received complaint");
    let res = post_status(&s, "wrong", "in_progress", &budi, balance_ticket).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "without the page's token");
    let res = post_status(&s, &csrf_in(&page), "in_progress", &budi, balance_ticket).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, format!("/staff/complaints/{balance_ticket}?lang=id")));
    let page = get(&s, &format!("/staff/complaints/{balance_ticket}"), Some(&budi)).await.text().await.unwrap();
    assert!(page.contains("Sedang ditangani") && !page.contains("Mulai tangani") && page.contains("Tandai selesai"), "taken up");
    assert_eq!(post_status(&s, &csrf_in(&page), "in_progress", &budi, balance_ticket).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(post_status(&s, &csrf_in(&page), "received", &budi, balance_ticket).await.status(), StatusCode::SEE_OTHER);
    let lookup: serde_json::Value = lookup(&s, balance_ticket, PHONE_LAST4).await.json().await.unwrap();
    assert_eq!(lookup["status"], "in_progress", "the participant's check shows it");
    // Not for another unit's complaint.
    assert_eq!(post_status(&s, &csrf_in(&page), "in_progress", &budi, login_ticket).await.status(), StatusCode::NOT_FOUND);
    // A malformed address is the not-found page, not a plain-text error.
    let res = get(&s, "/staff/complaints/%ff%fe", Some(&budi)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Pengaduan tidak ditemukan"));

    // Another unit's complaint does not exist for an agent, like a ticket that is not there.
    let other = get(&s, &format!("/staff/complaints/{login_ticket}"), Some(&budi)).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let other = other.text().await.unwrap();
    assert!(!other.contains("Siti Aminah") && other.contains("Pengaduan tidak ditemukan"));
    let missing = get(&s, "/staff/complaints/JMO-0000-0000-0000-0000", Some(&budi)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.text().await.unwrap(), other);
    // Not signed in: the sign-in page, not the complaint.
    assert_eq!(get(&s, &format!("/staff/complaints/{balance_ticket}"), None).await.status(), StatusCode::SEE_OTHER);

    // Each read of personal data is audited with who read it; the refused one is not a read.
    let db = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    let reads = sqlx::query("SELECT a.ticket, s.username FROM audit_events a JOIN staff_accounts s ON s.id = a.staff_account WHERE a.action = 'complaint_viewed'")
        .fetch_all(&db)
        .await
        .unwrap();
    let reads: Vec<(String, String)> = reads.iter().map(|r| (r.get("ticket"), r.get("username"))).collect();
    assert_eq!(reads.len(), 3, "in Indonesian, in English, after taking it up: {reads:?}");
    assert!(reads.iter().all(|r| *r == (balance_ticket.clone(), "budi".to_owned())), "{reads:?}");
    let moves: Vec<String> = sqlx::query("SELECT action FROM audit_events WHERE action LIKE 'complaint_%' AND action <> 'complaint_viewed'")
        .fetch_all(&db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("action"))
        .collect();
    assert_eq!(moves, ["complaint_taken_up"], "one move, audited once");
    db.close().await;
}

#[tokio::test]
async fn supervisors_see_what_the_walks_came_to_and_each_guides_map() {
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[("STAFF_SIGN_INS_PER_MINUTE", "0")]);
    for (user, role, unit) in [("siti", "supervisor", None), ("budi", "agent", Some("it"))] {
        let mut args = vec!["add", user, "--name", user, "--role", role];
        if let Some(unit) = unit {
            args.extend(["--unit", unit]);
        }
        assert_eq!(staff(&url, &args, &format!("{PASSWORD}\n")).code, Some(0));
    }
    // Three walks of the login guide: two resolved, one escalated.
    use jmo_guide::walk::Walk;
    use jmo_guide::NodeKind;
    let catalog = jmo_selfhelp::content::bundled();
    let guide = catalog.guide("login").unwrap();
    let reach = |kind: fn(&NodeKind) -> bool| Walk::shortest_to(guide, guide.nodes.iter().position(|n| kind(&n.kind)).unwrap()).unwrap();
    let (resolved, escalated) = (reach(|k| matches!(k, NodeKind::Resolved)), reach(|k| matches!(k, NodeKind::Escalate(_))));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let day = jmo_contract::Date::in_jakarta(now).to_string();
    for (i, (walk, outcome)) in [(&resolved, "resolved"), (&resolved, "resolved"), (&escalated, "escalated")].into_iter().enumerate() {
        let report = serde_json::json!({
            "step": jmo_guide::link::Link::to_step(guide, walk).encode(), "version": &*catalog.version, "outcome": outcome,
            "delivered": false, "lang": "id", "embedding": "web", "day": day, "nonce": format!("dashboard-walk-{i:04}-abcdef"),
        });
        assert_eq!(scenarios::post_walk(&s, &report.to_string()).await, StatusCode::ACCEPTED);
    }

    let siti = session_cookie(&sign_in(&s, "siti", PASSWORD).await);
    let res = get(&s, "/staff/walks", Some(&siti)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let title = guide.title.id.replace('&', "&amp;");
    assert!(html.contains(&title), "the guide by its title: {html}");
    // walks, resolved, escalated, delivered, left, deflection, pages.
    assert!(html.contains("<td>3</td><td>2</td><td>1</td><td>0</td><td>0</td><td>67 %</td><td>0</td>"), "{html}");
    let end = resolved.current_node(guide);
    assert!(html.contains(&end.title.id.replace('&', "&amp;")) && html.contains(&format!("<span class=\"node-id\">{}</span>", end.id)), "the step where walks ended");
    assert!(html.contains("/staff/walks/map.svg?guide=login"));

    // The map: every node of the guide, the walks drawn on it.
    let res = get(&s, &format!("/staff/walks/map.svg?guide=login&from={day}&to={day}"), Some(&siti)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    let svg = res.text().await.unwrap().replace("&#45;", "-");
    for node in guide.nodes.iter() {
        assert!(svg.contains(&format!("id=\"node-{}\"", node.id)), "node {} not on the map", node.id);
    }
    assert!(svg.contains("2 perjalanan sampai di sini") || svg.contains("3 perjalanan sampai di sini"), "no walk on the map");
    assert!(svg.contains("2 selesai"), "the resolutions at their step");

    // Agents work complaints; the walks are not theirs to see. Not signed in: the sign-in page.
    let budi = session_cookie(&sign_in(&s, "budi", PASSWORD).await);
    assert_eq!(get(&s, "/staff/walks", Some(&budi)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/staff/walks/map.svg?guide=login", Some(&budi)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/staff/walks", None).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&s, "/staff/walks/map.svg?guide=nope", Some(&siti)).await.status(), StatusCode::NOT_FOUND);
    // A period that is not one: the last 30 days, not an error.
    assert_eq!(get(&s, "/staff/walks?from=kemarin&to=2026-99-99", Some(&siti)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn reads_through_the_staff_api_are_audited_too() {
    let (_dir, url) = sqlite_db();
    let s = Server::start(&url, &[]);
    let ticket = post_complaint(&s, &new_key(), &complaint()).await.json::<serde_json::Value>().await.unwrap()["ticket"].as_str().unwrap().to_owned();
    scenarios::staff_get(&s, &format!("/api/v1/staff/complaints/{ticket}")).await;
    scenarios::staff_get(&s, "/api/v1/staff/complaints").await;
    let db = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    let rows = sqlx::query("SELECT actor, ticket, client_ip FROM audit_events WHERE action = 'complaint_viewed'").fetch_all(&db).await.unwrap();
    assert_eq!(rows.len(), 2, "the detail and the list each read it");
    for r in &rows {
        assert_eq!((r.get::<String, _>("actor"), r.get::<String, _>("ticket")), ("staff-token".to_owned(), ticket.clone()));
        assert!(r.get::<Option<String>, _>("client_ip").is_some());
    }
    db.close().await;
}
