//! The `folio` binary: everything is in the library's `cli` module.

fn main() -> std::process::ExitCode {
    folio::cli::run::main()
}
