use rubbie::RubbieModel;

#[derive(RubbieModel)]
#[rubbie(table = "")]
struct Customer {
    #[rubbie(primary_key, column = "")]
    id: i64,
}

fn main() {}
