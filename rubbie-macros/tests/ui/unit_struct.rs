use rubbie::RubbieModel;

#[derive(RubbieModel)]
struct Marker;

fn main() {}
