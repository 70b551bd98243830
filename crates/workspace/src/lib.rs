//! The agency's workspace pages — sign-in and the complaint queue — as Yew components, rendered
//! to HTML by the server (`crates/server/src/workspace`) the way the guide's pages are: plain
//! forms that work without JavaScript. Every text comes from content/workspace.toml ([`texts`]);
//! nothing here knows HTTP, sessions or the database: the server hands each page what it shows.

pub mod pages;
pub mod texts;

pub use pages::{render, Badge, ComplaintView, GuideWalks, LoginNotice, Page, QueueRow, Tried, WalksView};
