use rubbie::RubbieModel;

#[derive(RubbieModel)]
union Bits {
    id: u32,
    raw: f32,
}

fn main() {}
