use rubbie::RubbieModel;

#[derive(RubbieModel)]
struct Order {
    id: i64,
    #[rubbie(references = "public.customers.id")]
    a: i64,
    #[rubbie(references = "customers.")]
    b: i64,
    #[rubbie(references = ".id")]
    c: i64,
    #[rubbie(references = "")]
    d: i64,
    #[rubbie(references = "customers id")]
    e: i64,
}

fn main() {}
