//! Compile tests: every error of `#[derive(RubbieModel)]`, with its span, and a passing use.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
