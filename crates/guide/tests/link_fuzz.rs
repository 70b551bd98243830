//! Property tests of the link codec: whatever arrives in a URL, decoding never panics, and every
//! link we make decodes to itself.

use jmo_guide::link::Link;
use jmo_guide::Language;
use proptest::prelude::*;

fn id() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{1,48}"
}

proptest! {
    #[test]
    fn decoding_arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = Link::decode(&text);
    }

    #[test]
    fn decoding_link_like_text_never_panics(text in "#?/?[a-z./~?&=_-]{0,120}") {
        if let Ok(link) = Link::decode(&text) {
            // Whatever was accepted re-encodes to something that decodes the same.
            prop_assert_eq!(Link::decode(&link.encode()), Ok(link));
        }
    }

    #[test]
    fn made_links_round_trip(
        guide in id(), node in proptest::option::of(id()),
        answers in proptest::collection::vec((id(), id()), 0..20),
        lang in proptest::option::of(prop_oneof![Just(Language::Id), Just(Language::En)]),
        embed in any::<bool>(),
    ) {
        let answers = answers.into_iter().map(|(node, answer)| jmo_contract::PathStep { node, answer }).collect();
        let link = Link { guide: Some(guide), node, answers, lang, embed };
        prop_assert_eq!(Link::decode(&link.encode()), Ok(link));
    }
}
