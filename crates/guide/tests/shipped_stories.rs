//! The stories of the review issue, node by node, as a participant meets them: what each step
//! offers before a complaint, which channel and documents it names, how many answers it takes,
//! and that the texts say only facts that hold (the rest stay `# unverified:` comments in content/).

mod support;
use support::all_walks;
use std::path::{Path, PathBuf};

use jmo_guide::date::Date;
use jmo_guide::walk::Walk;
use jmo_guide::{AttachmentKind, Catalog, Guide, Node, NodeKind, Urgency};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

fn catalog() -> Catalog {
    match jmo_guide::load::load_checked(&root()) {
        Ok(content) => content.catalog,
        Err(problems) => panic!("content/ has problems:\n{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

fn walk_to<'g>(guide: &'g Guide, answers: &[&str]) -> (&'g Node, Walk) {
    let mut walk = Walk::start(guide);
    for answer in answers {
        walk = walk.choose(guide, answer).unwrap_or_else(|e| panic!("{answer}: {e:?} at {}", walk.current_node(guide).id));
    }
    (walk.current_node(guide), walk)
}

/// What a participant reads on a node, in one language: title, body, steps, answers, contact notes.
fn texts(catalog: &Catalog, node: &Node, id: bool) -> String {
    let pick = |l: &jmo_guide::Localized| if id { l.id.to_string() } else { l.en.to_string() };
    let mut out = vec![pick(&node.title), pick(&node.body)];
    out.extend(node.steps.iter().map(pick));
    out.extend(node.options.iter().map(|o| pick(&o.label)));
    for channel in node.channels.iter() {
        let channel = catalog.channel(channel).unwrap();
        out.push(pick(&channel.label));
        out.push(pick(&channel.note));
    }
    out.join("\n")
}

fn every_text(catalog: &Catalog) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for guide in catalog.guides.iter() {
        all.push((format!("{}", guide.id), format!("{}\n{}\n{}\n{}", guide.title.id, guide.title.en, guide.summary.id, guide.summary.en)));
        for node in guide.nodes.iter() {
            all.push((format!("{}/{}", guide.id, node.id), format!("{}\n{}", texts(catalog, node, true), texts(catalog, node, false))));
        }
    }
    all
}

fn nodes_on<'g>(guide: &'g Guide, walk: &Walk) -> Vec<&'g Node> {
    let mut nodes: Vec<&Node> = walk.answers().iter().map(|a| &guide.nodes[a.node]).collect();
    nodes.push(walk.current_node(guide));
    nodes
}

// ── Login ──────────────────────────────────────────────────────────────────────────────────

#[test]
fn right_password_still_refused_offers_lupa_password_and_the_lock_check_before_any_escalation() {
    let catalog = catalog();
    let login = catalog.guide("login").unwrap();
    let mut escalations = 0;
    for walk in all_walks(login) {
        let first = walk.pairs(login).next().unwrap();
        if first != ("what_happens", "refused") && first != ("what_happens", "asked_again") {
            continue;
        }
        let nodes = nodes_on(login, &walk);
        if !nodes.last().unwrap().kind.is_outcome() || nodes.last().unwrap().escalation().is_none() {
            continue;
        }
        escalations += 1;
        let before = &nodes[..nodes.len() - 1];
        let offers = |needle: &str| before.iter().any(|n| n.kind == NodeKind::Step && n.steps.iter().any(|s| s.id.contains(needle)));
        assert!(offers("Lupa Password"), "{:?} reaches a complaint without offering Lupa Password", walk.pairs(login).collect::<Vec<_>>());
        assert!(offers("terkunci"), "{:?} reaches a complaint without the locked-account check", walk.pairs(login).collect::<Vec<_>>());
    }
    assert!(escalations > 0);
    let (reset, _) = walk_to(login, &["refused", "no"]);
    assert_eq!(reset.id, "refused_reset");
    assert!(reset.steps.iter().any(|s| s.en.contains("Lupa Password") && s.en.contains("Forgot password")));
}

#[test]
fn the_session_expiry_page_mentions_lupa_password() {
    let catalog = catalog();
    let login = catalog.guide("login").unwrap();
    let (node, _) = walk_to(login, &["asked_again"]);
    assert_eq!(node.id, "session_expired");
    assert!(node.steps.iter().any(|s| s.id.contains("\"Lupa Password\"") && s.en.contains("Forgot password")), "{:?}", node.steps);
}

#[test]
fn every_login_escalation_offers_a_branch_office() {
    let catalog = catalog();
    let login = catalog.guide("login").unwrap();
    for node in login.nodes.iter().filter(|n| n.escalation().is_some()) {
        assert!(node.channels.iter().any(|c| c == "branch"), "login/{} offers no branch office: {:?}", node.id, node.channels);
        assert!(node.body.id.contains("kantor cabang"), "login/{} does not say a branch office can help", node.id);
    }
}

#[test]
fn registration_problems_have_self_help_before_a_complaint() {
    let catalog = catalog();
    let login = catalog.guide("login").unwrap();
    let (node, _) = walk_to(login, &["register"]);
    assert_eq!(node.id, "register_problem");
    let (registered, _) = walk_to(login, &["register", "nik_registered"]);
    assert!(registered.steps.iter().any(|s| s.id.contains("Lupa Akun")), "NIK already registered: recover the account");
    let (not_found, _) = walk_to(login, &["register", "kpj_not_found"]);
    assert!(not_found.steps.iter().any(|s| s.id.contains("11 angka")) && not_found.steps.iter().any(|s| s.id.contains("HRD")));
    let (find, _) = walk_to(login, &["register", "no_kpj"]);
    assert!(find.steps.iter().any(|s| s.id.contains("kartu")) && find.steps.iter().any(|s| s.id.contains("BPU")));
    assert_eq!(walk_to(login, &["register", "kpj_not_found", "no"]).0.id, "escalate_login");
}

// ── KPJ ────────────────────────────────────────────────────────────────────────────────────

#[test]
fn the_kpj_branch_channel_asks_for_proof_of_employment_and_no_text_promises_no_visit() {
    let catalog = catalog();
    let kpj = catalog.guide("kpj").unwrap();
    let (node, walk) = walk_to(kpj, &["not_sure", "no", "no", "yes"]);
    assert_eq!(node.id, "escalate_kpj");
    assert_eq!(walk.answers().len() + 1, 5, "the common path to a complaint, counting the start screen");
    let branch = node.channels.iter().map(|c| catalog.channel(c).unwrap()).find(|c| c.label.id.contains("cabang")).expect("a branch channel");
    assert!(branch.note.id.contains("surat keterangan kerja dari perusahaan"), "{}", branch.note.id);
    assert!(branch.note.en.contains("employer"), "{}", branch.note.en);
    for node in kpj.nodes.iter().filter(|n| n.escalation().is_some()) {
        let branch = node.channels.iter().map(|c| catalog.channel(c).unwrap()).find(|c| c.label.id.contains("cabang")).expect("a branch channel");
        assert!(branch.note.id.contains("surat keterangan kerja"), "kpj/{}: {}", node.id, branch.note.id);
    }
    // What is true today: a branch visit with proof of employment.
    assert!(node.body.id.contains("datang ke kantor cabang") && node.body.id.contains("surat keterangan kerja"), "{}", node.body.id);
    assert!(!node.body.en.contains("without asking you to visit") && !node.body.id.contains("tanpa meminta Anda datang"));
}

#[test]
fn an_old_claimed_card_can_be_removed_and_an_unclaimed_one_still_holds_money() {
    let catalog = catalog();
    let kpj = catalog.guide("kpj").unwrap();
    let (claimed, _) = walk_to(kpj, &["old_claimed"]);
    assert!(claimed.body.id.contains("Rp0") && claimed.body.id.contains("tidak hilang"));
    assert!(claimed.steps.iter().any(|s| s.id.contains("hapus")), "how to remove a claimed card: {:?}", claimed.steps);
    let (unclaimed, _) = walk_to(kpj, &["old_unclaimed"]);
    assert_eq!(unclaimed.id, "merge_balance");
    assert!(unclaimed.body.id.contains("uangnya masih ada") && unclaimed.body.id.contains("penggabungan saldo"), "{}", unclaimed.body.id);
    assert!(unclaimed.body.id.contains("Jangan hapus"));
    assert!(unclaimed.channels.iter().any(|c| c == "branch_kpj"));
}

#[test]
fn a_removed_kpj_question_still_opens_from_old_links() {
    let catalog = catalog();
    let kpj = catalog.guide("kpj").unwrap();
    assert_eq!(kpj.resolve("employer_changed").map(|i| &*kpj.nodes[i].id), Some("check_typing"));
    let jht = catalog.guide("jht").unwrap();
    assert_eq!(jht.resolve("claim_ceiling").map(|i| &*jht.nodes[i].id), Some("apply_in_app"));
}

// ── Answers per story ──────────────────────────────────────────────────────────────────────

/// Answers on the way to every outcome, counting the choice of problem on the start screen.
#[test]
fn every_outcome_is_reached_in_at_most_six_answers() {
    let catalog = catalog();
    let mut longest = (0, String::new());
    for guide in catalog.guides.iter() {
        for (index, node) in guide.nodes.iter().enumerate().filter(|(_, n)| n.kind.is_outcome()) {
            let walk = Walk::shortest_to(guide, index).unwrap();
            let answers = walk.answers().len() + 1;
            assert!(answers <= 6, "{}/{} takes {answers} answers at best: {:?}", guide.id, node.id, walk.pairs(guide).collect::<Vec<_>>());
            if answers > longest.0 {
                longest = (answers, format!("{}/{}: {:?}", guide.id, node.id, walk.pairs(guide).collect::<Vec<_>>()));
            }
        }
    }
    println!("longest shortest way to an outcome: {} answers (start screen included), {}", longest.0, longest.1);
}

/// The stories the issue counted (login, KPJ, and the new guides): every way through, not only
/// the shortest, ends within six answers.
#[test]
fn every_story_of_the_login_kpj_and_new_guides_ends_within_six_answers() {
    let catalog = catalog();
    for guide_id in ["login", "kpj", "balance", "app", "data", "followup", "other"] {
        let guide = catalog.guide(guide_id).unwrap();
        let longest = all_walks(guide).into_iter().max_by_key(|w| w.answers().len()).unwrap();
        let answers = longest.answers().len() + 1;
        println!("{guide_id}: longest story {answers} answers: {:?}", longest.pairs(guide).collect::<Vec<_>>());
        assert!(answers <= 6, "{guide_id}: {answers} answers: {:?}", longest.pairs(guide).collect::<Vec<_>>());
    }
    let jht = catalog.guide("jht").unwrap();
    let longest = all_walks(jht).into_iter().max_by_key(|w| w.answers().len()).unwrap();
    println!("jht: longest story {} answers: {:?}", longest.answers().len() + 1, longest.pairs(jht).collect::<Vec<_>>());
}

// ── JHT ────────────────────────────────────────────────────────────────────────────────────

#[test]
fn participants_see_only_the_citation_that_holds_and_the_other_is_marked_unverified() {
    let catalog = catalog();
    for (at, text) in every_text(&catalog) {
        assert!(!text.contains("PP 46/2015"), "{at} shows participants the unverified PP 46/2015 citation");
        assert!(!text.contains("pasal 31") && !text.contains("article 31"), "{at}");
    }
    let late = catalog.guide("jht").unwrap().node("escalate_jht_late").unwrap();
    assert!(late.body.id.contains("Permenaker No. 4 Tahun 2022") && late.body.en.contains("Permenaker No. 4 of 2022"));
    let raw = std::fs::read_to_string(root().join("guides/jht.toml")).unwrap();
    assert!(raw.lines().any(|l| l.trim_start().starts_with("# unverified:") && l.contains("PP 46/2015 pasal 31")), "jht.toml must keep the old citation as # unverified:");
}

#[test]
fn the_claim_ceiling_is_rp15_million_with_what_to_do_if_the_app_refuses() {
    let catalog = catalog();
    for (at, text) in every_text(&catalog) {
        assert!(!text.contains("Rp10 juta") && !text.contains("Rp10 million"), "{at} still shows the old ceiling");
        assert!(!text.contains("Sumber yang kami temukan berbeda") && !text.contains("sources disagree"), "{at} shows that sources disagree");
    }
    let jht = catalog.guide("jht").unwrap();
    let (apply, _) = walk_to(jht, &["documents", "yes"]);
    assert_eq!(apply.id, "apply_in_app");
    assert!(apply.body.id.contains("Rp15 juta") && apply.body.en.contains("Rp15 million"));
    let (failed, _) = walk_to(jht, &["documents", "yes", "no"]);
    let over = failed.options.iter().find(|o| o.label.id.contains("Rp15 juta")).expect("an answer for 'the app refuses: over the limit'");
    assert_eq!(over.next, "apply_other");
    let raw = std::fs::read_to_string(root().join("guides/jht.toml")).unwrap();
    assert!(raw.contains("# unverified") && raw.contains("Rp10 million"), "the disagreement stays a comment for editors");
}

#[test]
fn a_paklaring_is_no_longer_required_but_a_letter_that_you_stopped_working_is() {
    let catalog = catalog();
    let jht = catalog.guide("jht").unwrap();
    let (documents, _) = walk_to(jht, &["documents"]);
    let letter = documents.steps.iter().find(|s| s.id.contains("Paklaring")).expect("the letter step");
    assert!(letter.id.contains("tidak wajib") && letter.id.to_lowercase().contains("surat pengunduran diri"), "{}", letter.id);
    assert!(letter.en.contains("no longer required"));
}

#[test]
fn rejected_claims_tracking_and_an_employer_that_has_not_reported_have_their_own_steps() {
    let catalog = catalog();
    let jht = catalog.guide("jht").unwrap();
    let (bank, _) = walk_to(jht, &["rejected", "bank_name"]);
    assert!(bank.steps.iter().any(|s| s.id.contains("nama di KTP")));
    let (docs, _) = walk_to(jht, &["rejected", "docs_refused"]);
    assert!(docs.steps.iter().any(|s| s.id.contains("Dukcapil")));
    let (active, _) = walk_to(jht, &["rejected", "still_active"]);
    assert_eq!(active.id, "still_active");
    assert!(active.steps.iter().any(|s| s.id.contains("HRD") && s.id.contains("berhenti bekerja")));
    assert_eq!(walk_to(jht, &["documents", "yes", "no", "still_active"]).0.id, "still_active");
    let (track, _) = walk_to(jht, &["track"]);
    assert!(track.steps.iter().any(|s| s.id.contains("Lacak Klaim JHT")));
    assert_eq!(walk_to(jht, &["track", "no"]).0.id, "docs_complete_date");
    let (partial, _) = walk_to(jht, &["can_i_claim", "still_working"]);
    assert!(partial.body.id.contains("10%") && partial.body.id.contains("30%") && partial.body.id.contains("10 tahun"));
}

#[test]
fn self_employed_and_migrant_workers_are_not_told_to_ask_an_employer() {
    let catalog = catalog();
    let jht = catalog.guide("jht").unwrap();
    let (claim, _) = walk_to(jht, &["can_i_claim", "self_employed"]);
    assert_eq!(claim.id, "bpu_pmi_claim");
    assert!(claim.body.id.contains("BPU") && claim.body.id.contains("PMI") && claim.body.id.contains("tidak punya surat dari perusahaan"));
    let balance = catalog.guide("balance").unwrap();
    let (contributions, _) = walk_to(balance, &["looks_wrong"]);
    assert!(contributions.body.id.contains("BPU") && contributions.body.id.contains("bayar sendiri"), "{}", contributions.body.id);
    let (arrears, _) = walk_to(balance, &["looks_wrong", "no"]);
    assert!(arrears.options.iter().any(|o| o.label.id.contains("BPU")));
}

// ── Facts and words ────────────────────────────────────────────────────────────────────────

#[test]
fn every_unverified_fact_in_content_says_when_it_was_last_checked() {
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    let mut all = Vec::new();
    files(&root(), &mut all);
    let mut markers = 0;
    for path in all {
        for (line, text) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            if text.trim_start().starts_with('#') && text.contains("unverified") {
                markers += 1;
                assert!(text.contains("checked 20"), "{}:{}: an `unverified` note must say when it was checked: {text}", path.display(), line + 1);
            }
        }
    }
    assert!(markers >= 20, "only {markers} unverified notes: facts lost their markers?");
}

#[test]
fn the_kpj_number_is_shown_in_kartu_digital_everywhere() {
    let catalog = catalog();
    for (at, text) in every_text(&catalog) {
        assert!(!text.contains("buka Profil dan lihat") && !text.contains("open Profil and look"), "{at} still says the KPJ number is in Profil");
        let bare = text.replace("Profil Saya →", "").replace("Ubah Profil →", "");
        assert!(!bare.contains("Profil →"), "{at}: the menu is \"Profil Saya\"");
    }
    let form = std::fs::read_to_string(root().join("form.toml")).unwrap();
    assert!(form.contains("Buka menu Kartu Digital"));
    let kpj = catalog.guide("kpj").unwrap();
    assert!(walk_to(kpj, &["few_digits"]).0.steps[0].id.contains("Kartu Digital"));
}

#[test]
fn texts_read_like_a_polite_agent_not_a_calque() {
    let catalog = catalog();
    let calques = ["Di mana Anda tertahan", "Apa yang menghalangi", "Periksa cara Anda mengetik", "Pastikan kartu yang aktif yang terpilih", "What stopped you", "Where did you get stuck"];
    for (at, text) in every_text(&catalog) {
        for calque in calques {
            assert!(!text.contains(calque), "{at}: {calque}");
        }
    }
    // The login guide says "masuk" and "kata sandi", each glossed once.
    let login = catalog.guide("login").unwrap();
    let indonesian: String = login.nodes.iter().map(|n| texts(&catalog, n, true)).collect::<Vec<_>>().join("\n") + &login.summary.id + &login.title.id;
    let without_app_labels = indonesian.replace("Lupa Password", "");
    assert_eq!(without_app_labels.matches("login").count(), 1, "\"login\" only in the gloss \"masuk (login)\"");
    assert!(without_app_labels.contains("masuk (login)"));
    assert_eq!(without_app_labels.matches("password").count(), 1, "\"password\" only in the gloss \"kata sandi (password)\"");
    assert!(without_app_labels.contains("kata sandi (password)"));
    let form = std::fs::read_to_string(root().join("form.toml")).unwrap();
    for jargon in ["kedaluwarsa di server", "Server tidak menerima", "Server memberi", "Formatnya"] {
        assert!(!form.contains(jargon), "form.toml: {jargon}");
    }
}

// ── New coverage ───────────────────────────────────────────────────────────────────────────

#[test]
fn an_app_that_closes_errors_or_is_slow_gets_cache_update_storage_and_clock_checks_then_a_known_disruption_check() {
    let catalog = catalog();
    let app = catalog.guide("app").unwrap();
    for problem in ["closes", "error", "slow"] {
        let (basics, _) = walk_to(app, &[problem]);
        assert_eq!(basics.id, "app_basics");
        let steps = basics.steps.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(" ");
        for needle in ["Perbarui", "Hapus cache", "memori HP", "tanggal dan jam"] {
            assert!(steps.contains(needle), "{problem}: {needle}");
        }
        assert_eq!(walk_to(app, &[problem, "no"]).0.id, "app_disruption");
        let (complaint, walk) = walk_to(app, &[problem, "no", "no"]);
        assert_eq!(complaint.id, "escalate_app");
        assert_eq!(walk.answers().len() + 1, 4);
    }
    let (maintenance, _) = walk_to(app, &["maintenance"]);
    assert!(maintenance.body.id.contains("bukan masalah"));
    assert_eq!(walk_to(app, &["maintenance", "no"]).0.id, "app_disruption");
    assert!(walk_to(app, &["closes", "no"]).0.steps[0].id.contains("media sosial resmi"));
}

#[test]
fn a_refused_data_update_gets_dukcapil_and_face_advice_before_a_complaint() {
    let catalog = catalog();
    let data = catalog.guide("data").unwrap();
    let (dukcapil, _) = walk_to(data, &["dukcapil"]);
    let steps = dukcapil.steps.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(" ");
    assert!(steps.contains("NIK") && steps.contains("nama persis") && steps.contains("tanggal lahir"));
    assert_eq!(walk_to(data, &["dukcapil", "no"]).0.id, "dukcapil_update");
    let (face, _) = walk_to(data, &["face"]);
    let steps = face.steps.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(" ");
    for needle in ["terang", "lurus", "kacamata", "rambut", "stabil"] {
        assert!(steps.contains(needle), "official face advice: {needle}");
    }
    assert_eq!(walk_to(data, &["face", "no"]).0.id, "old_photo");
    let (complaint, _) = walk_to(data, &["face", "no", "no"]);
    assert!(complaint.escalation().unwrap().attachments.contains(&AttachmentKind::IdCard));
    let (contact, _) = walk_to(data, &["contact"]);
    assert!(contact.steps.iter().any(|s| s.id.contains("OTP")) && contact.title.id.contains("masih bisa masuk"));
}

#[test]
fn nobody_got_back_to_me_files_a_complaint_that_says_so() {
    let catalog = catalog();
    let followup = catalog.guide("followup").unwrap();
    let today = Date::parse("2026-11-24").unwrap();
    for channel in ["call_center", "branch", "written"] {
        let (node, walk) = walk_to(followup, &[channel]);
        assert_eq!(node.id, "followup_date");
        let at = |date: &str| walk.choose_index(followup, walk.date_option(followup, Date::parse(date).unwrap(), today).unwrap()).unwrap();
        assert_eq!(at("2026-11-24").current_node(followup).id, "followup_wait");
        let soon = at("2026-11-21");
        assert_eq!(soon.current_node(followup).id, "escalate_followup");
        assert_eq!(soon.pairs(followup).next(), Some(("followup_channel", channel)), "the complaint's path says how they contacted us");
        let late = at("2026-11-10");
        assert_eq!(late.current_node(followup).escalation().unwrap().urgency, Urgency::High);
        assert!(late.current_node(followup).body.id.contains("sudah pernah menghubungi kami"));
    }
}
