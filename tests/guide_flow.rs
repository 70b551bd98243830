//! The widget in headless Chromium: the start screen, clicking through a guide, back, changing
//! an answer, deep links, the language switch, date questions and broken links. (Old `#/` links:
//! index.html's script, checked in crates/e2e/tests/server_pages.rs.)

#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn reset_language() {
    if let Ok(Some(storage)) = web_sys::window().unwrap().local_storage() {
        let _ = storage.remove_item("jmo.lang");
    }
}

#[wasm_bindgen_test]
async fn the_start_screen_asks_what_the_problem_is_and_lists_every_guide() {
    reset_language();
    install_content();
    let _app = open("").await;
    assert_eq!(heading(), "Apa kendala Anda?");
    let links: Vec<String> = all(".start .choice").iter().map(|a| a.get_attribute("href").unwrap()).collect();
    // Every guide of content/start.toml, in its order, "something else" last.
    let expected: Vec<String> = jmo_selfhelp::content::HEAD.start_guides().map(|g| format!("/{}?lang=id", g.id)).collect();
    assert_eq!(links, expected);
    assert_eq!((links.first().map(String::as_str), links.last().map(String::as_str)), (Some("/login?lang=id"), Some("/other?lang=id")));
    assert_eq!(document().document_element().unwrap().get_attribute("lang").as_deref(), Some("id"));
}

#[wasm_bindgen_test]
async fn clicking_through_a_guide_moves_focus_and_records_the_answers() {
    reset_language();
    install_content();
    let _app = open("").await;
    click(".start .choice[href='/login?lang=id']").await;
    assert_eq!(heading(), "Apa yang terjadi saat Anda mencoba masuk (login)?");
    assert_eq!(address(), "/login?lang=id");
    assert_eq!(focused_id(), "screen-title", "focus follows the new step");

    let entries = web_sys::window().unwrap().history().unwrap().length().unwrap();
    click("[data-option='asked_again']").await;
    assert_eq!(address(), "/login/session_expired?a=what_happens.asked_again&lang=id");
    assert_eq!(web_sys::window().unwrap().history().unwrap().length().unwrap(), entries + 1, "one history entry per step");
    assert!(text(".crumbs").contains("Langkah 2"), "{}", text(".crumbs"));
    assert_eq!(focused_id(), "screen-title");
    assert_eq!(all(".answers .answer").len(), 1);
    assert!(text(".answers").contains("Saya diminta masuk lagi"), "{}", text(".answers"));
    assert!(!all("ol.steps li").is_empty(), "a step shows what to try");

    click("[data-option='yes']").await;
    assert!(find(".badge.resolved").is_some(), "the happy ending says the problem should be solved");
    assert_eq!(all(".answers .answer").len(), 2);
}

#[wasm_bindgen_test]
async fn browser_back_and_the_back_button_return_to_the_previous_question() {
    reset_language();
    install_content();
    let _app = open("/kpj").await;
    let first = heading();
    click("[data-option='few_digits']").await;
    let second = heading();
    assert_ne!(first, second);
    history_back().await;
    assert_eq!(heading(), first, "browser back");

    click("[data-option='few_digits']").await;
    click("[data-option='no']").await;
    assert_eq!(address(), "/kpj/update_data?a=kpj_cause.few_digits~check_typing.no&lang=id");
    click_text("← Kembali").await;
    assert_eq!(heading(), second, "the in-app back button");
    assert_eq!(address(), "/kpj/check_typing?a=kpj_cause.few_digits&lang=id");
}

#[wasm_bindgen_test]
async fn changing_an_earlier_answer_forgets_the_later_ones() {
    reset_language();
    install_content();
    let _app = open("/balance/link_card?a=balance_problem.not_shown~card_linked.no").await;
    assert_eq!(all(".answers .answer").len(), 2);
    let change_links = all(".answers a.change");
    assert_eq!(change_links[0].get_attribute("href").as_deref(), Some("/balance/balance_problem?lang=id"));
    click(".answers .answer:first-child a.change").await;
    assert_eq!(address(), "/balance/balance_problem?lang=id");
    assert!(find(".answers").is_none(), "no answers are left at the first question");
    click("[data-option='claiming']").await;
    assert_eq!(address(), "/balance/claim_payout?a=balance_problem.claiming&lang=id");
}

#[wasm_bindgen_test]
async fn a_deep_link_opens_the_step_with_the_answers_that_lead_there() {
    reset_language();
    install_content();
    let _app = open("/jht/escalate_jht_late?a=jht_stage.waiting~docs_complete_date.over_5_days").await;
    assert!(find(".badge.escalate").is_some());
    assert_eq!(all(".answers .answer").len(), 2);
    let summary = text(".summary");
    assert!(summary.contains("Klaim JHT"), "{summary}");
    assert!(summary.contains("Tinggi"), "high urgency: {summary}");
    assert!(summary.contains("jht/escalate_jht_late"), "{summary}");
    // (The complaint form's slot may say it cannot load here: no form module in this test page.)
    assert!(find(".notice[role=status]").is_none(), "nothing changed since the link was made");
}

#[wasm_bindgen_test]
async fn a_staff_link_to_a_step_without_answers_takes_the_shortest_way_there() {
    reset_language();
    install_content();
    let _app = open("/login/otp_missing").await;
    assert_eq!(all(".answers .answer").len(), 1);
    assert!(text(".answers").contains("Kode OTP tidak masuk"), "{}", text(".answers"));
}

#[wasm_bindgen_test]
async fn the_language_switch_changes_every_text_and_is_remembered() {
    reset_language();
    install_content();
    let app = open("/login").await;
    assert_eq!(heading(), "Apa yang terjadi saat Anda mencoba masuk (login)?");
    click("a.lang[lang='en']").await;
    assert_eq!(heading(), "What happens when you try to log in?");
    assert_eq!(get("a.lang[lang='en']").get_attribute("aria-current").as_deref(), Some("true"));
    assert_eq!(document().document_element().unwrap().get_attribute("lang").as_deref(), Some("en"));
    assert!(text(".crumbs").contains("Step 1"), "{}", text(".crumbs"));
    drop(app);

    // A new page load on this device keeps English.
    let _again = open("/login").await;
    assert_eq!(heading(), "What happens when you try to log in?");
    reset_language();
}

#[wasm_bindgen_test]
async fn a_link_can_choose_the_language() {
    reset_language();
    install_content();
    let _app = open("/?lang=en").await;
    assert_eq!(heading(), "What problem are you having?");
    reset_language();
}

#[wasm_bindgen_test]
async fn unknown_and_malformed_links_show_a_friendly_page_with_the_way_back() {
    reset_language();
    install_content();
    for bad in ["/login/no_such_step", "/no_such_guide", "/login/%3Cscript%3E", "/login?a=broken"] {
        let app = open(bad).await;
        assert_eq!(heading(), "Langkah ini sudah tidak ada", "{bad}");
        assert_eq!(get(".not-found a.button").get_attribute("href").as_deref(), Some("/?lang=id"));
        drop(app);
    }
    let _app = open("/login/no_such_step").await;
    click(".not-found a.button").await;
    assert_eq!(heading(), "Apa kendala Anda?");
}

#[wasm_bindgen_test]
async fn a_date_question_refuses_future_dates_and_branches_on_elapsed_time() {
    reset_language();
    install_content();
    let _app = open("/jht/docs_complete_date?a=jht_stage.waiting").await;
    let input: web_sys::HtmlInputElement = get("#date-input").dyn_into().unwrap();
    let form: web_sys::HtmlFormElement = get("form.date-form").dyn_into().unwrap();

    input.set_value("2999-01-01");
    form.request_submit().unwrap();
    settle().await;
    assert!(text("#date-error").starts_with("Tanggal ini belum lewat"), "{}", text("#date-error"));
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(address(), "/jht/docs_complete_date?a=jht_stage.waiting", "no navigation on an error");

    input.set_value("");
    form.request_submit().unwrap();
    settle().await;
    assert_eq!(text("#date-error"), "Mohon isi tanggalnya dulu.");

    input.set_value("2020-01-01");
    form.request_submit().unwrap();
    settle().await;
    assert_eq!(address(), "/jht/escalate_jht_late?a=jht_stage.waiting~docs_complete_date.over_5_days&lang=id");
    assert!(!address().contains("2020"), "the date itself never goes into the link");
}

#[wasm_bindgen_test]
async fn a_link_whose_answers_no_longer_fit_still_opens_the_step_and_says_so() {
    reset_language();
    install_content();
    let _app = open("/login/session_expired?a=what_happens.an_answer_removed_since").await;
    assert_eq!(heading(), "Masuk ulang adalah hal biasa");
    assert!(text(".notice").contains("sudah diperbarui"), "{}", text(".notice"));
}

#[wasm_bindgen_test]
async fn copy_link_gives_the_step_link_or_shows_it_to_copy_by_hand() {
    reset_language();
    install_content();
    let _app = open("/kpj/check_typing?a=kpj_cause.few_digits").await;
    click_text("Salin tautan langkah ini").await;
    gloo::timers::future::TimeoutFuture::new(200).await;
    settle().await;
    let status = text(".actions .copy-status");
    if status == "Tautan langkah ini sudah disalin." {
        return; // The clipboard took it.
    }
    // Headless Chromium may refuse the clipboard: the link is shown, ready to copy.
    assert!(status.starts_with("Tautan tidak bisa disalin otomatis"), "{status}");
    let shown: web_sys::HtmlTextAreaElement = get(".actions textarea").dyn_into().unwrap();
    assert!(shown.value().ends_with("/kpj/check_typing?a=kpj_cause.few_digits"), "{}", shown.value());
    assert!(shown.value().starts_with("http://127.0.0.1:"), "{}", shown.value());
}
