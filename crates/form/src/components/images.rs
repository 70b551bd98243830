use yew::prelude::*;

use super::fields::{described_by, field_error, label_text};
use crate::draft::Field;
use crate::hooks::use_lang;
use crate::images;
use crate::state::{Action, FormState, ImageStatus};
use crate::texts::{error_text, fill, texts};

const MAX_IMAGES: usize = jmo_contract::MAX_ATTACHMENTS;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<FormState>,
}

/// Up to three images, each downscaled and re-encoded on the device, then uploaded at once so
/// that sending the complaint later only needs their ids.
#[function_component]
pub fn Images(props: &Props) -> Html {
    let lang = use_lang();
    let t = texts(lang);
    let state = &props.state;
    let field = Field::Attachments;
    let problem = state.problem(field);
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            // Taken out first: the FileList is live, and clearing the input (so the same file can
            // be chosen again after removing it) empties it.
            let files = chosen(&input);
            input.set_value("");
            add_all(&state, files);
        })
    };
    let full = state.images.len() >= MAX_IMAGES;
    let hint_id = format!("{}-hint", field.dom_id());
    let class = if problem.is_some() { "field images field-invalid" } else { "field images" };
    html! {
        <div {class}>
            <label for={field.dom_id()}>{ label_text(lang, t.label_attachments, false) }</label>
            <p class="hint" id={hint_id}>{ if full { t.images_full } else { t.hint_attachments } }</p>
            { field_error(lang, field, problem) }
            if !state.images.is_empty() {
                <ul class="image-list">{ for state.images.iter().enumerate().map(|(n, image)| item(lang, state, n + 1, image)) }</ul>
            }
            // The browser's own file button does not fit 320 px at 200 % text: the input is
            // hidden visually (still focusable) and a label styled as a button opens it.
            <input
                type="file"
                class="visually-hidden file-input"
                id={field.dom_id()}
                name={field.dom_id()}
                accept="image/jpeg,image/png,image/webp,image/*"
                multiple=true
                disabled={full}
                aria-invalid={problem.is_some().then_some("true")}
                aria-describedby={described_by(field, true, problem)}
                {onchange}
            />
            <label for={field.dom_id()} class={if full { "button file-button disabled" } else { "button file-button" }} aria-hidden="true">{ t.add_image }</label>
        </div>
    }
}

fn item(lang: jmo_contract::Language, state: &UseReducerHandle<FormState>, n: usize, image: &crate::state::Image) -> Html {
    let t = texts(lang);
    let key = image.key;
    let remove = {
        let state = state.dispatcher();
        let preview = image.preview.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = &preview {
                let _ = web_sys::Url::revoke_object_url(url);
            }
            state.dispatch(Action::ImageRemoved(key));
        })
    };
    let (status, retry) = match &image.status {
        ImageStatus::Preparing => (t.image_preparing.to_owned(), None),
        ImageStatus::Uploading => (t.image_uploading.to_owned(), None),
        ImageStatus::Ready { bytes, .. } => (fill(t.image_ready, "size", &kilobytes(*bytes)), None),
        ImageStatus::Failed { code, retry } => {
            let again = retry.clone().map(|blob| {
                let state = state.dispatcher();
                Callback::from(move |_: MouseEvent| upload(state.clone(), key, blob.clone(), None))
            });
            (format!("{} {}", t.image_failed, error_text(lang, "attachments", code)), again)
        }
    };
    let alt = fill(t.image_alt, "n", &n.to_string());
    html! {
        <li class="image-item">
            if let Some(src) = image.preview.clone() { <img {src} {alt} width="64" height="64" /> }
            <span role="status">{ status }</span>
            if let Some(onclick) = retry { <button type="button" class="button" {onclick}>{ t.image_retry }</button> }
            <button type="button" class="button" onclick={remove} aria-label={format!("{} {n}", t.image_remove)}>{ t.image_remove }</button>
        </li>
    }
}

fn kilobytes(bytes: u64) -> String {
    format!("{} KB", bytes.div_ceil(1024))
}

/// Prepares one chosen file, then uploads it.
/// The files chosen in a file input.
pub fn chosen(input: &web_sys::HtmlInputElement) -> Vec<web_sys::File> {
    input.files().map(|f| (0..f.length()).filter_map(|i| f.get(i)).collect()).unwrap_or_default()
}

/// Adds as many of `files` as there is room for.
pub fn add_all(state: &UseReducerHandle<FormState>, files: Vec<web_sys::File>) {
    let room = MAX_IMAGES.saturating_sub(state.images.len());
    let first = state.next_image_key();
    for (key, file) in (first..).zip(files.into_iter().take(room)) {
        add(state.dispatcher(), key, file);
    }
}

fn add(state: UseReducerDispatcher<FormState>, key: u32, file: web_sys::File) {
    state.dispatch(Action::ImageAdded { key });
    wasm_bindgen_futures::spawn_local(async move {
        match images::prepare(file).await {
            Ok(prepared) => upload(state, key, prepared.blob.clone(), Some(prepared.preview_url.clone())),
            Err(e) => state.dispatch(Action::ImageFailed { key, code: e.code().to_owned(), retry: None }),
        }
    });
}

fn upload(state: UseReducerDispatcher<FormState>, key: u32, blob: web_sys::Blob, preview: Option<String>) {
    state.dispatch(Action::ImageUploading { key, preview });
    wasm_bindgen_futures::spawn_local(async move {
        match images::upload(&blob).await {
            Ok(receipt) => state.dispatch(Action::ImageReady { key, id: receipt.id, bytes: receipt.bytes }),
            Err(e) => {
                let retry = e.retryable().then(|| blob.clone());
                state.dispatch(Action::ImageFailed { key, code: e.code().to_owned(), retry });
            }
        }
    });
}
