fn main() -> std::process::ExitCode {
    liangxin::cli::main()
}
