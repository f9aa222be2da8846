use rubbie::RubbieModel;

#[derive(RubbieModel)]
#[rubbie(table = customers, label = 5)]
struct Customer {
    #[rubbie(primary_key = true)]
    id: i64,
    #[rubbie(label, hidden = "yes")]
    email: String,
    #[rubbie(readonly(always), references = some::path, column = 'c')]
    notes: String,
}

fn main() {}
