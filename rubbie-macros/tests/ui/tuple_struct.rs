use rubbie::RubbieModel;

#[derive(RubbieModel)]
struct CustomerId(i64, String);

fn main() {}
