use rubbie::RubbieModel;

#[derive(RubbieModel)]
#[rubbie(table = "customers", label = "Customer")]
#[rubbie(table = "clients")]
struct Customer {
    #[rubbie(primary_key, primary_key)]
    id: i64,
    #[rubbie(label = "E-mail", hidden)]
    #[rubbie(label = "Mail", hidden)]
    email: String,
    #[rubbie(column = "a", references = "x", column = "b", references = "y")]
    notes: String,
}

fn main() {}
