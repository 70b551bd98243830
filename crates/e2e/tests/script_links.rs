//! The scripts that cannot use the Rust link codec — index.html's boot script (links shared before
//! pages had paths, and the remembered language), the embed script (a frame's address from its
//! `data-` attributes) and host.js (the language an app names) — run in Node
//! (`script_links/harness.js`) on every published link: every step of every guide, with no
//! language, in Indonesian and in English, and every line of the staff guide kept from the time of
//! `#/` links. What each script makes must read, with `Link::decode`, as the link it stands for.

use std::io::Write;
use std::process::{Command, Stdio};

use jmo_e2e::{content, workspace_root};
use jmo_guide::link::Link;
use jmo_guide::walk::Walk;
use jmo_guide::Language;
use serde_json::{json, Value};

/// Every step's link (and the start screen's), as the copy button would make it, in each
/// language choice.
fn published_links() -> Vec<Link> {
    let content = content();
    let mut links = Vec::new();
    for lang in [None, Some(Language::Id), Some(Language::En)] {
        links.push(Link::start().with_lang(lang));
        for guide in content.catalog.guides.iter() {
            for index in 0..guide.nodes.len() {
                let walk = Walk::shortest_to(guide, index).expect("every node is reachable (content check)");
                links.push(Link::to_step(guide, &walk).with_lang(lang));
            }
        }
    }
    links
}

/// The staff guide's links from before pages had paths (`/#/login/…`).
fn old_staff_links() -> Vec<String> {
    let file = "crates/guide/tests/fixtures/staff-links-hash-form.md";
    let doc = std::fs::read_to_string(workspace_root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    doc.split("https://<host>/").skip(1).map(|rest| format!("/{}", rest.split('`').next().unwrap())).collect()
}

/// index.html's first inline script: the one that runs before anything is painted.
fn boot_script() -> String {
    let html = std::fs::read_to_string(workspace_root().join("index.html")).unwrap();
    let start = html.find("<script>").expect("index.html has an inline script") + "<script>".len();
    html[start..start + html[start..].find("</script>").unwrap()].to_owned()
}

fn read(file: &str) -> String {
    std::fs::read_to_string(workspace_root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn run_scripts(cases: Value) -> Value {
    let input = json!({ "boot": boot_script(), "embed": read("embed/jmo-embed.js"), "host": read("src/host.js"), "cases": cases });
    let harness = workspace_root().join("crates/e2e/tests/script_links/harness.js");
    let mut node = Command::new("node")
        .arg(&harness)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Node.js 20 runs the page's scripts (../shared/TOOLCHAIN.md: on every machine)");
    node.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = node.wait_with_output().unwrap();
    assert!(output.status.success(), "the harness failed:\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn decoded(address: &Value, what: &str) -> Link {
    let address = address.as_str().unwrap_or_else(|| panic!("{what}: the script made no address"));
    Link::decode(address).unwrap_or_else(|e| panic!("{what}: {address} does not decode: {e:?}"))
}

fn split(address: &str) -> (&str, &str) {
    address.find('?').map_or((address, ""), |i| address.split_at(i))
}

#[test]
fn every_published_link_reads_the_same_after_the_scripts() {
    let links = published_links();
    let old = old_staff_links();
    assert!(old.len() >= 20 && old.iter().all(|l| l.starts_with("/#/")), "{old:?}");

    // Boot: each link pasted as an old `#/` fragment, on a device that remembers nothing and on
    // one that last showed English; then each link at its path on the English device.
    let mut boot = Vec::new();
    let mut expected = Vec::new();
    for link in &links {
        let address = link.encode();
        let english = if link.lang.is_none() { link.clone().with_lang(Some(Language::En)) } else { link.clone() };
        boot.push(json!({ "hash": format!("#{address}"), "pathname": "/", "search": "", "remembered": null }));
        expected.push((format!("#{address}"), Some(link.clone())));
        boot.push(json!({ "hash": format!("#{address}"), "pathname": "/", "search": "", "remembered": "en" }));
        expected.push((format!("#{address}, English remembered"), Some(english.clone())));
        let (pathname, search) = split(&address);
        boot.push(json!({ "hash": "", "pathname": pathname, "search": search, "remembered": "en" }));
        // A link that names its language is left where it is.
        expected.push((format!("{address}, English remembered"), link.lang.is_none().then_some(english)));
    }
    for line in &old {
        boot.push(json!({ "hash": &line[1..], "pathname": "/", "search": "", "remembered": null }));
        let link = Link::decode(&line[2..]).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        expected.push((line.clone(), Some(link)));
    }

    // Embed: a host page's `data-` attributes for each link.
    let embed: Vec<Value> = links
        .iter()
        .map(|l| {
            let mut answers = String::new();
            jmo_contract::path::write(&l.answers, &mut answers);
            json!({ "attrs": {
                "guide": l.guide.clone().unwrap_or_default(),
                "node": l.node.clone().unwrap_or_default(),
                "answers": answers,
                "lang": l.lang.map(|l| l.as_str()).unwrap_or_default(),
            } })
        })
        .collect();

    // host.js: the app names a language while each embedded link is open.
    let mut host = Vec::new();
    for link in &links {
        for lang in Language::ALL {
            let address = link.clone().with_embed(true).encode();
            let (pathname, search) = split(&address);
            host.push(json!({ "pathname": pathname, "search": search, "language": lang.as_str() }));
        }
    }

    let out = run_scripts(json!({ "boot": boot, "embed": embed, "host": host }));

    for ((what, want), got) in expected.iter().zip(out["boot"].as_array().unwrap()) {
        match want {
            Some(want) => assert_eq!(&decoded(got, what), want, "the boot script opened {got} for {what}"),
            None => assert!(got.is_null(), "the boot script moved {what} to {got}"),
        }
    }
    for (link, got) in links.iter().zip(out["embed"].as_array().unwrap()) {
        let src = got.as_str().unwrap_or_else(|| panic!("{}: no frame", link.encode()));
        let path = src.strip_prefix("https://widget.example").unwrap_or_else(|| panic!("{src}: not the widget's origin"));
        assert_eq!(decoded(&json!(path), src), link.clone().with_embed(true), "the embed script framed {src}");
    }
    let wanted = links.iter().flat_map(|l| Language::ALL.map(|lang| l.clone().with_embed(true).with_lang(Some(lang))));
    for (want, got) in wanted.zip(out["host"].as_array().unwrap()) {
        assert_eq!(decoded(got, "host.js"), want, "host.js moved to {got}");
    }
    assert_eq!(out["boot"].as_array().unwrap().len(), expected.len());
    assert_eq!(out["embed"].as_array().unwrap().len(), links.len());
    assert_eq!(out["host"].as_array().unwrap().len(), links.len() * 2);
    println!(
        "script links: {} published links and {} old staff links through the boot script, the embed script and host.js, all read back by Link::decode",
        links.len(),
        old.len()
    );
}
