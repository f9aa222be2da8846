use rubbie::RubbieModel;

#[derive(RubbieModel)]
#[rubbie(tabel = "customers", hidden)]
struct Customer {
    #[rubbie(primary)]
    id: i64,
    #[rubbie(lable = "E-mail", table = "x")]
    email: String,
    #[rubbie(serde::rename = "x", widget(textarea))]
    notes: String,
}

fn main() {}
