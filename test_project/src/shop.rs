//! The demo shop: schema for each backend and realistic seeded data (deterministic, so every
//! run and every backend shows the same shop).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rubbie::{Backend, Database};
use sea_query::{InsertStatement, MysqlQueryBuilder, PostgresQueryBuilder, Query, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use sqlx::AssertSqlSafe;
use sqlx::migrate::Migrator;

/// Orders in the seeded shop.
pub const ORDERS: usize = 20_000;
const CUSTOMERS: usize = 2_000;
const PRODUCTS: usize = 300;
const BATCH: usize = 500;
/// Rows of the untracked demo table.
const NEWSLETTER_SIGNUPS: usize = 300;

const STATUSES: [&str; 5] = ["new", "paid", "shipped", "delivered", "cancelled"];

/// The shop's schema, as reversible sqlx migrations per backend (the SQL differs in types).
static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");
static MYSQL: Migrator = sqlx::migrate!("migrations/mysql");

/// The embedded migrations for `backend`.
pub fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
        Backend::Mysql => &MYSQL,
    }
}

/// The source directory of `backend`'s migrations, when this binary runs where it was built
/// (`cargo run`): the console reads new files from it and writes saved migrations into it.
pub fn migrations_dir(backend: Backend) -> Option<std::path::PathBuf> {
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
        Backend::Mysql => "mysql",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(name);
    dir.is_dir().then_some(dir)
}

async fn insert(db: &Database, stmt: &InsertStatement) -> Result<(), sqlx::Error> {
    match db {
        Database::Sqlite(p) => {
            let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
            sqlx::query_with(AssertSqlSafe(sql), values).execute(p).await.map(drop)
        }
        Database::Postgres(p) => {
            let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
            sqlx::query_with(AssertSqlSafe(sql), values).execute(p).await.map(drop)
        }
        Database::Mysql(p) => {
            let (sql, values) = stmt.build_sqlx(MysqlQueryBuilder);
            sqlx::query_with(AssertSqlSafe(sql), values).execute(p).await.map(drop)
        }
    }
}

/// Whether `probe` runs (a table exists).
async fn answers(db: &Database, probe: &'static str) -> bool {
    match db {
        Database::Sqlite(p) => sqlx::query(probe).fetch_one(p).await.is_ok(),
        Database::Postgres(p) => sqlx::query(probe).fetch_one(p).await.is_ok(),
        Database::Mysql(p) => sqlx::query(probe).fetch_one(p).await.is_ok(),
    }
}

/// Applies the shop's pending migrations, and seeds the shop when it was not there before.
/// Returns whether it seeded. A demo database made before the schema became migrations (the
/// tables without sqlx's table) has them recorded as applied first, not run again.
pub async fn ensure(db: &Database) -> Result<bool, sqlx::migrate::MigrateError> {
    let existed = answers(db, "SELECT COUNT(*) FROM order_items").await;
    let baseline = existed && !answers(db, "SELECT COUNT(*) FROM _sqlx_migrations").await;
    let migrator = migrator(db.backend());
    match db {
        Database::Sqlite(p) => {
            if baseline {
                migrator.skip(p, None).await?;
            }
            migrator.run(p).await?
        }
        Database::Postgres(p) => {
            if baseline {
                migrator.skip(p, None).await?;
            }
            migrator.run(p).await?
        }
        Database::Mysql(p) => {
            if baseline {
                migrator.skip(p, None).await?;
            }
            migrator.run(p).await?
        }
    }
    if existed {
        return Ok(false);
    }
    seed(db).await?;
    Ok(true)
}

const FIRST: [&str; 24] = [
    "Anna", "Ben", "Chloé", "David", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jonas", "Kofi", "Lena", "Mateo",
    "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma", "Vera", "Wei", "Yusuf",
];
const LAST: [&str; 20] = [
    "Schmidt", "Okafor", "Dubois", "Novak", "Yılmaz", "García", "Svensson", "Tanaka", "Kowalski", "Rossi", "Müller",
    "O'Brien", "Haddad", "Jensen", "Costa", "Nguyen", "Petrov", "Silva", "Weber", "Khan",
];
const COUNTRIES: [&str; 10] = ["DE", "FR", "NL", "SE", "PL", "IT", "ES", "GB", "US", "JP"];
const CITIES: [&str; 10] =
    ["Berlin", "Lyon", "Utrecht", "Malmö", "Kraków", "Turin", "Valencia", "Leeds", "Austin", "Osaka"];
const CATEGORIES: [(&str, &str); 8] = [
    ("Coffee", "Beans and ground coffee"),
    ("Tea", "Loose leaf and bags"),
    ("Brewing", "Kettles, grinders and presses"),
    ("Cups", "Mugs, cups and glasses"),
    ("Espresso", "Single origins and blends for espresso"),
    ("Green tea", "Sencha, matcha, gyokuro"),
    ("Accessories", "Filters, scales and cleaning"),
    ("Gifts", "Sets and vouchers"),
];
const ADJECTIVES: [&str; 10] =
    ["Classic", "Bold", "Smooth", "Bright", "Dark", "Wild", "Velvet", "Morning", "Golden", "Misty"];
const NOUNS: [&str; 10] = ["Roast", "Blend", "Kettle", "Grinder", "Mug", "Press", "Sencha", "Dripper", "Scale", "Tin"];

fn timestamp(backend: Backend, secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date = civil_from_days(days);
    let time = format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60);
    match backend {
        Backend::Mysql => format!("{date} {time}"),
        _ => format!("{date}T{time}Z"),
    }
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

async fn seed(db: &Database) -> Result<(), sqlx::Error> {
    let backend = db.backend();
    let mut rng = StdRng::seed_from_u64(42);
    let start = 1_672_531_200; // 2023-01-01
    let json = |v: serde_json::Value| -> sea_query::Expr {
        match backend {
            Backend::Postgres => sea_query::Expr::cust_with_values("CAST($1 AS jsonb)", [v.to_string()]),
            _ => sea_query::Expr::val(v.to_string()),
        }
    };
    let ts = |secs: i64| -> sea_query::Expr {
        match backend {
            Backend::Postgres => {
                sea_query::Expr::cust_with_values("CAST($1 AS timestamptz)", [timestamp(backend, secs)])
            }
            _ => sea_query::Expr::val(timestamp(backend, secs)),
        }
    };
    let date = |days: i64| -> sea_query::Expr {
        match backend {
            Backend::Postgres => sea_query::Expr::cust_with_values("CAST($1 AS date)", [civil_from_days(days)]),
            _ => sea_query::Expr::val(civil_from_days(days)),
        }
    };
    let numeric = |cents: i64| -> sea_query::Expr {
        match backend {
            Backend::Postgres => sea_query::Expr::cust_with_values("CAST($1 AS numeric)", [money(cents)]),
            _ => sea_query::Expr::val(money(cents)),
        }
    };

    let mut q = Query::insert().into_table("categories").columns(["name", "description", "parent_id"]).to_owned();
    for (i, (name, description)) in CATEGORIES.iter().enumerate() {
        // Espresso sits under Coffee, Green tea under Tea.
        let parent: Option<i64> = match i {
            4 => Some(1),
            5 => Some(2),
            _ => None,
        };
        q.values_panic([(*name).into(), (*description).into(), parent.into()]);
    }
    insert(db, &q).await?;

    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(BATCH) {
        let mut q = Query::insert()
            .into_table("customers")
            .columns(["name", "email", "country", "is_vip", "notes", "signed_up_at", "birthday"])
            .to_owned();
        for &i in chunk {
            let first = FIRST[rng.random_range(0..FIRST.len())];
            let last = LAST[rng.random_range(0..LAST.len())];
            let email = format!("{}.{}{}@example.com", ascii(first), ascii(last), i + 1).to_lowercase();
            let notes: Option<String> = rng.random_bool(0.2).then(|| "Prefers delivery after 5 pm.".to_owned());
            let birthday = rng.random_bool(0.7).then(|| date(rng.random_range(-18_000..-6_600)));
            q.values_panic([
                format!("{first} {last}").into(),
                email.into(),
                COUNTRIES[rng.random_range(0..COUNTRIES.len())].into(),
                rng.random_bool(0.1).into(),
                notes.into(),
                ts(start + rng.random_range(0..60 * 86_400 * 6)),
                birthday.unwrap_or_else(|| sea_query::Expr::cust("NULL")),
            ]);
        }
        insert(db, &q).await?;
    }

    let mut prices = Vec::with_capacity(PRODUCTS);
    let mut q = Query::insert()
        .into_table("products")
        .columns(["category_id", "sku", "name", "price", "in_stock", "attributes", "created_at"])
        .to_owned();
    for i in 0..PRODUCTS {
        let cents = rng.random_range(299..19_999);
        prices.push(cents);
        let attributes = rng.random_bool(0.8).then(|| {
            json(serde_json::json!({"origin": CITIES[i % CITIES.len()], "weight_g": rng.random_range(100..1000), "organic": rng.random_bool(0.5)}))
        });
        q.values_panic([
            (rng.random_range(1..=CATEGORIES.len() as i64)).into(),
            format!("SKU-{:05}", i + 1).into(),
            format!("{} {} {}", ADJECTIVES[i % 10], NOUNS[(i / 10) % 10], i + 1).into(),
            numeric(cents),
            rng.random_bool(0.85).into(),
            attributes.unwrap_or_else(|| sea_query::Expr::cust("NULL")),
            ts(start + i as i64 * 3600),
        ]);
    }
    insert(db, &q).await?;

    for chunk in (0..ORDERS).collect::<Vec<_>>().chunks(BATCH) {
        let mut orders = Query::insert()
            .into_table("orders")
            .columns(["id", "customer_id", "status", "total", "placed_at", "shipped_on", "shipping_address"])
            .to_owned();
        let mut items = Query::insert()
            .into_table("order_items")
            .columns(["order_id", "product_id", "quantity", "unit_price"])
            .to_owned();
        for &i in chunk {
            let id = i as i64 + 1;
            let placed = start + (i as i64) * 1_500 + rng.random_range(0..1_000);
            let status = STATUSES[rng.random_range(0..STATUSES.len())];
            let mut total = 0;
            let mut used = Vec::new();
            for _ in 0..rng.random_range(1..=4) {
                let product = rng.random_range(0..PRODUCTS);
                if used.contains(&product) {
                    continue;
                }
                used.push(product);
                let quantity: i64 = rng.random_range(1..=5);
                total += prices[product] * quantity;
                items.values_panic([id.into(), (product as i64 + 1).into(), quantity.into(), numeric(prices[product])]);
            }
            let shipped = matches!(status, "shipped" | "delivered").then(|| date(placed.div_euclid(86_400) + 2));
            let city = CITIES[rng.random_range(0..CITIES.len())];
            let status_expr = match backend {
                Backend::Postgres => sea_query::Expr::cust_with_values("CAST($1 AS order_status)", [status]),
                _ => sea_query::Expr::val(status),
            };
            orders.values_panic([
                id.into(),
                rng.random_range(1..=CUSTOMERS as i64).into(),
                status_expr,
                numeric(total),
                ts(placed),
                shipped.unwrap_or_else(|| sea_query::Expr::cust("NULL")),
                json(
                    serde_json::json!({"street": format!("{} Market Street", rng.random_range(1..200)), "city": city}),
                ),
            ]);
        }
        insert(db, &orders).await?;
        insert(db, &items).await?;
    }
    // No model for this one: it shows as untracked until an admin tracks it.
    let mut signups =
        Query::insert().into_table("newsletter_signups").columns(["email", "source", "subscribed_at"]).to_owned();
    for i in 0..NEWSLETTER_SIGNUPS {
        let source = ["checkout", "footer", "blog", "popup"][rng.random_range(0..4)];
        signups.values_panic([
            format!("reader{}@example.org", i + 1).into(),
            source.into(),
            ts(start + rng.random_range(0..60 * 86_400 * 6)),
        ]);
    }
    insert(db, &signups).await?;
    if backend == Backend::Postgres {
        // Explicit ids were given: move the identity past them, and give the planner statistics.
        if let Database::Postgres(p) = db {
            let sql = "SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT MAX(id) FROM orders)); ANALYZE;";
            sqlx::raw_sql(sql).execute(p).await?;
        }
    }
    Ok(())
}

fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'é' => 'e',
            'ı' => 'i',
            'í' => 'i',
            'á' => 'a',
            'ü' => 'u',
            'ö' => 'o',
            'ç' => 'c',
            'ş' => 's',
            '\'' => '-',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_to_dates() {
        assert_eq!(civil_from_days(0), "1970-01-01");
        assert_eq!(civil_from_days(19_358), "2023-01-01");
        assert_eq!(civil_from_days(-1), "1969-12-31");
    }
}
