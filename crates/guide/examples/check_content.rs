//! Prints the problems of a content folder: `cargo run -p jmo-guide --features load --example check_content -- content`
fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "content".into());
    match jmo_guide::load::load_checked(std::path::Path::new(&root)) {
        Ok(content) => println!("ok: {} guides, version {}", content.catalog.guides.len(), content.catalog.version),
        Err(problems) => {
            for p in &problems {
                println!("{p}");
            }
            std::process::exit(1);
        }
    }
}
