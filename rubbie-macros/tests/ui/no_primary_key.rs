use rubbie::RubbieModel;

#[derive(RubbieModel)]
struct AuditLog {
    at: i64,
    #[rubbie(column = "ident")]
    id: i64,
    line: String,
}

fn main() {}
