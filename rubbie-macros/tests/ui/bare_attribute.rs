use rubbie::RubbieModel;

#[derive(RubbieModel)]
#[rubbie]
struct Customer {
    #[rubbie = "id"]
    id: i64,
    #[rubbie(label = 1)]
    email: String,
}

fn main() {}
