use std::io;

// ANCHOR: main
fn main() {
    println!("Hello");
}
// ANCHOR_END: main
