fn main() {
    std::process::exit(shomei_resident::main_entry());
}
