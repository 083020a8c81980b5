fn main() {
    std::process::exit(posture::cli::main());
}
