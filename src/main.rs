fn main() -> std::process::ExitCode {
    coglink::cli::main()
}
