// The default theme is embedded with include_dir!, which does not notice new
// or removed files on its own: ask cargo to rebuild when the folders change.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");
}
