use rubbie::RubbieModel;

#[derive(RubbieModel)]
enum Status {
    Active,
    Closed,
}

fn main() {}
