// include_dir does not track new files: rebuild whenever dist/ changes.
fn main() {
    println!("cargo:rerun-if-changed=dist");
}
