use jmo_guide::Node;
use yew::prelude::*;

use crate::content::Steps;
use crate::state::State;

/// Official channels and related links of a step.
pub fn contact(app: &State, t: &Steps, node: &Node) -> Html {
    let lang = app.lang;
    // Web pages open beside the guide (it may be embedded); tel: and mailto: hand over to the phone.
    let target = |href: &str| href.starts_with("https://").then_some("_blank");
    let catalog = crate::content::common(lang);
    let channels = node.channels.iter().filter_map(|id| catalog?.channel(id)).map(|c| {
        html! {
            <li>
                <a class="button contact" href={c.href.to_string()} target={target(&c.href)} rel="noopener noreferrer">{ c.label.get(lang) }</a>
                if !c.note.is_empty() { <span class="hint">{ c.note.get(lang) }</span> }
            </li>
        }
    });
    let links = node.links.iter().map(|l| {
        html! { <li><a href={l.href.to_string()} target={target(&l.href)} rel="noopener noreferrer">{ l.label.get(lang) }</a></li> }
    });
    html! {
        <>
            if !node.channels.is_empty() {
                <section class="contact-list" aria-labelledby="contact-title">
                    <h2 id="contact-title">{ t.contact_heading }</h2>
                    <ul>{ for channels }</ul>
                </section>
            }
            if !node.links.is_empty() {
                <section class="links" aria-labelledby="links-title">
                    <h2 id="links-title">{ t.links_heading }</h2>
                    <ul>{ for links }</ul>
                </section>
            }
        </>
    }
}
