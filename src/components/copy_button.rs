use yew::prelude::*;

use crate::browser;
use crate::content::steps_text;
use jmo_guide::Language;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub text: AttrValue,
    /// `text` is a page's address (`/login/…`): copied with this page's origin in front.
    #[prop_or_default]
    pub address: bool,
    pub label: &'static str,
    /// Announced once the text is on the clipboard.
    pub done: &'static str,
    pub lang: Language,
}

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    /// The clipboard is not available here: show the text to copy by hand.
    Manually,
}

/// Copies a text (a step link, a summary), with a visible fallback where the clipboard is blocked.
#[function_component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let t = steps_text(props.lang);
    let copied = use_state(|| Copied::Not);
    {
        let copied = copied.clone();
        use_effect_with(props.text.clone(), move |_| copied.set(Copied::Not));
    }
    let full_text = || if props.address { format!("{}{}", browser::origin(), props.text) } else { props.text.to_string() };
    let onclick = {
        let (copied, text, address) = (copied.clone(), props.text.clone(), props.address);
        Callback::from(move |_| {
            let (copied, text) = (copied.clone(), if address { format!("{}{text}", browser::origin()) } else { text.to_string() });
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(if browser::copy_text(&text).await { Copied::Yes } else { Copied::Manually });
            });
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(field) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
            field.select();
        }
    });
    html! {
        <div class="copy">
            <button type="button" class="button" {onclick}>{ props.label }</button>
            <p class="copy-status" role="status">
                if *copied == Copied::Yes { { props.done } }
                if *copied == Copied::Manually { { t.copy_manually } }
            </p>
            if *copied == Copied::Manually {
                <label class="visually-hidden" for="copy-box">{ t.copy_box_label }</label>
                <textarea id="copy-box" readonly=true rows="3" onfocus={select_all} value={full_text()} />
            }
        </div>
    }
}
