//! Test harness for the fault-injection run: the real server binary, a fault-injecting proxy,
//! and a small blocking HTTP client standing in for the browser's `fetch`.
#![allow(dead_code)]

pub mod http;
pub mod proxy;
pub mod server;
