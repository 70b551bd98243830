fn main() {
    jmo_selfhelp::take_over::start();
}
