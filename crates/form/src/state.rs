//! The form's state as one reducible struct: the draft, the problems found at the last attempt,
//! the images being prepared or uploaded, and the complaint once it is in the outbox.

use std::rc::Rc;

use yew::Reducible;

use crate::draft::{Draft, Field, Problem};

#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub key: u32,
    pub status: ImageStatus,
    /// A `blob:` URL of the downscaled picture, for the preview.
    pub preview: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImageStatus {
    Preparing,
    Uploading,
    Ready { id: String, bytes: u64 },
    /// `code` says why (a contract or upload code); `retry` holds the prepared picture when
    /// uploading it again can help.
    Failed { code: String, retry: Option<web_sys::Blob> },
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct FormState {
    pub draft: Draft,
    pub problems: Vec<Problem>,
    pub images: Vec<Image>,
    next_key: u32,
    /// The outbox id once submitted: the form gives way to its delivery status.
    pub submitted: Option<String>,
    /// A refused complaint being corrected: it is replaced when this one is submitted.
    pub replacing: Option<String>,
    /// Bumped at each refused attempt, to move focus to the error summary.
    pub attempts: u32,
}

pub enum Action {
    Set(Field, String),
    /// What the hosting app knows (name, KPJ): fills the fields still empty.
    Prefill { name: Option<String>, kpj: Option<String> },
    Refused(Vec<Problem>),
    Submitted(String),
    ImageAdded { key: u32 },
    ImageUploading { key: u32, preview: Option<String> },
    ImageReady { key: u32, id: String, bytes: u64 },
    ImageFailed { key: u32, code: String, retry: Option<web_sys::Blob> },
    ImageRemoved(u32),
}

impl FormState {
    pub fn new(draft: Draft, problems: Vec<Problem>, replacing: Option<String>) -> FormState {
        FormState { draft, problems, replacing, ..FormState::default() }
    }

    /// A key for the next image (the caller adds it with [`Action::ImageAdded`]).
    pub fn next_image_key(&self) -> u32 {
        self.next_key
    }

    pub fn problem(&self, field: Field) -> Option<&Problem> {
        self.problems.iter().find(|p| p.field == Some(field))
    }

    /// The ids of the uploaded images, or `None` while one is not ready.
    pub fn attachment_ids(&self) -> Option<Vec<String>> {
        self.images
            .iter()
            .map(|i| match &i.status {
                ImageStatus::Ready { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect()
    }

    fn image(&mut self, key: u32) -> Option<&mut Image> {
        self.images.iter_mut().find(|i| i.key == key)
    }
}

impl Reducible for FormState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Set(field, value) => next.draft.set(field, value),
            Action::Prefill { name, kpj } => {
                if next.submitted.is_some() {
                    return self;
                }
                for (field, value) in [(Field::Name, name), (Field::KpjCard, kpj)] {
                    if let Some(value) = value.filter(|_| next.draft.value(field).is_empty()) {
                        next.draft.set(field, value);
                    }
                }
            }
            Action::Refused(problems) => {
                next.problems = problems;
                next.attempts += 1;
            }
            Action::Submitted(id) => {
                next.submitted = Some(id);
                next.problems.clear();
                // Nothing personal stays in the page's memory once it is in the outbox.
                next.draft = Draft::fresh();
            }
            Action::ImageAdded { key } => {
                next.next_key = next.next_key.max(key + 1);
                next.images.push(Image { key, status: ImageStatus::Preparing, preview: None });
            }
            Action::ImageUploading { key, preview } => {
                if let Some(image) = next.image(key) {
                    image.status = ImageStatus::Uploading;
                    if preview.is_some() {
                        image.preview = preview;
                    }
                }
            }
            Action::ImageReady { key, id, bytes } => {
                if let Some(image) = next.image(key) {
                    image.status = ImageStatus::Ready { id, bytes };
                }
            }
            Action::ImageFailed { key, code, retry } => {
                if let Some(image) = next.image(key) {
                    image.status = ImageStatus::Failed { code, retry };
                }
            }
            Action::ImageRemoved(key) => {
                next.images.retain(|i| i.key != key);
                next.problems.retain(|p| p.field != Some(Field::Attachments));
            }
        }
        Rc::new(next)
    }
}
