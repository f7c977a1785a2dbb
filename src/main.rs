fn main() -> std::process::ExitCode {
    coglink::logging::mark_process_start();
    coglink::dispatch::main()
}
