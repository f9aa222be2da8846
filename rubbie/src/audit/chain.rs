//! Tamper evidence: every entry carries `hash = H(prev_hash, its stored fields)`, chained per
//! category, where H is SHA-256, or HMAC-SHA-256 when the host gives a key kept outside the
//! database (then someone who can write the database cannot recompute the hashes either).
//! Retention removes the oldest entries of a category and records, in `rubbie_audit_chains`,
//! the hash the remaining chain starts from.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// `prev_hash` of a category's first entry.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The stored fields of an entry that its hash covers: everything but the id and the hashes.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(crate) struct Sealed {
    pub at: i64,
    pub category: String,
    pub action: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub via: String,
    pub token_id: Option<i64>,
    pub view_as: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub table_name: Option<String>,
    pub row_key: Option<String>,
    pub object: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub changed: Option<String>,
    pub summary: String,
    pub detail: Option<String>,
    pub reverts_id: Option<i64>,
}

impl Sealed {
    /// The columns of [`Sealed`], in the order the hash reads them.
    pub(crate) const COLUMNS: [&'static str; 21] = [
        "at",
        "category",
        "action",
        "user_id",
        "username",
        "role",
        "via",
        "token_id",
        "view_as",
        "ip",
        "user_agent",
        "request_id",
        "table_name",
        "row_key",
        "object",
        "before_json",
        "after_json",
        "changed",
        "summary",
        "detail",
        "reverts_id",
    ];

    /// Feeds the fields, in [`Sealed::COLUMNS`] order, each as a presence byte, its length and
    /// its bytes: unambiguous, and no re-encoding of the (large) images.
    fn feed(&self, out: &mut impl FnMut(&[u8])) {
        let mut text = |v: Option<&str>| match v {
            None => out(&[0]),
            Some(v) => {
                out(&[1]);
                out(&(v.len() as u64).to_be_bytes());
                out(v.as_bytes());
            }
        };
        let (at, user_id, token_id, reverts_id) = (
            self.at.to_string(),
            self.user_id.map(|v| v.to_string()),
            self.token_id.map(|v| v.to_string()),
            self.reverts_id.map(|v| v.to_string()),
        );
        text(Some(&at));
        text(Some(&self.category));
        text(Some(&self.action));
        text(user_id.as_deref());
        text(self.username.as_deref());
        text(self.role.as_deref());
        text(Some(&self.via));
        text(token_id.as_deref());
        text(self.view_as.as_deref());
        text(self.ip.as_deref());
        text(self.user_agent.as_deref());
        text(self.request_id.as_deref());
        text(self.table_name.as_deref());
        text(self.row_key.as_deref());
        text(self.object.as_deref());
        text(self.before_json.as_deref());
        text(self.after_json.as_deref());
        text(self.changed.as_deref());
        text(Some(&self.summary));
        text(self.detail.as_deref());
        text(reverts_id.as_deref());
    }

    /// This entry's hash when it follows `prev`.
    pub(crate) fn hash(&self, prev: &str, key: Option<&[u8]>) -> String {
        match key {
            Some(key) => {
                let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
                mac.update(prev.as_bytes());
                self.feed(&mut |bytes| mac.update(bytes));
                hex::encode(mac.finalize().into_bytes())
            }
            None => {
                let mut digest = Sha256::new();
                digest.update(prev.as_bytes());
                self.feed(&mut |bytes| digest.update(bytes));
                hex::encode(digest.finalize())
            }
        }
    }
}

/// What a chain check found.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// Every chain checked is intact.
    pub ok: bool,
    /// Entries checked.
    pub checked: u64,
    /// The first entry whose hash or link is wrong, if any.
    pub first_bad_id: Option<i64>,
    /// The category of the broken chain.
    pub category: Option<super::Category>,
    /// What is wrong, for people.
    pub problem: Option<String>,
}

#[derive(serde::Deserialize)]
struct ChainRow {
    last_hash: String,
    sealed_hash: String,
    sealed_through: i64,
}

#[derive(serde::Deserialize)]
struct Linked {
    id: i64,
    prev_hash: String,
    hash: String,
    #[serde(flatten)]
    sealed: Sealed,
}

/// Entries read per query while walking a chain.
const VERIFY_PAGE: u64 = 1000;

/// Walks every category's chain from its sealed start to the head recorded when the walk
/// began (entries appended meanwhile are left for the next check).
pub(crate) async fn verify(db: &crate::db::Database, key: Option<&[u8]>) -> crate::error::Result<Verification> {
    use sea_query::{Expr, ExprTrait, Order, Query};
    let mut checked = 0;
    for category in super::Category::ALL {
        let chain_fields = [
            ("last_hash", "rubbie_audit_chains", "last_hash"),
            ("sealed_hash", "rubbie_audit_chains", "sealed_hash"),
            ("sealed_through", "rubbie_audit_chains", "sealed_through"),
        ];
        let query = Query::select()
            .from("rubbie_audit_chains")
            .and_where(Expr::col("category").eq(category.as_str()))
            .to_owned();
        let Some(chain) = crate::db::internal::fetch_one::<ChainRow>(db, &chain_fields, query).await? else {
            continue;
        };
        let mut prev = chain.sealed_hash.clone();
        let mut after = chain.sealed_through;
        let bad = |id: Option<i64>, checked: u64, problem: String| Verification {
            ok: false,
            checked,
            first_bad_id: id,
            category: Some(category),
            problem: Some(problem),
        };
        let mut reached_head = prev == chain.last_hash;
        while !reached_head {
            let mut fields: Vec<(&str, &str, &str)> = vec![
                ("id", "rubbie_audit", "id"),
                ("prev_hash", "rubbie_audit", "prev_hash"),
                ("hash", "rubbie_audit", "hash"),
            ];
            fields.extend(Sealed::COLUMNS.iter().map(|c| (*c, "rubbie_audit", *c)));
            let query = Query::select()
                .from("rubbie_audit")
                .and_where(Expr::col("category").eq(category.as_str()))
                .and_where(Expr::col("id").gt(after))
                .order_by("id", Order::Asc)
                .limit(VERIFY_PAGE)
                .to_owned();
            let rows: Vec<Linked> = crate::db::internal::fetch_all(db, &fields, query).await?;
            if rows.is_empty() {
                return Ok(bad(
                    None,
                    checked,
                    format!(
                        "the {} chain ends before its recorded head: newest entries are missing",
                        category.as_str()
                    ),
                ));
            }
            for row in rows {
                checked += 1;
                if row.prev_hash != prev {
                    return Ok(bad(
                        Some(row.id),
                        checked,
                        "links to an entry that is not the one before it (an entry before it was removed)".into(),
                    ));
                }
                if row.sealed.hash(&prev, key) != row.hash {
                    return Ok(bad(
                        Some(row.id),
                        checked,
                        "its content does not match its hash (the entry was changed)".into(),
                    ));
                }
                prev = row.hash;
                after = row.id;
                if prev == chain.last_hash {
                    reached_head = true;
                    break;
                }
            }
        }
    }
    Ok(Verification { ok: true, checked, first_bad_id: None, category: None, problem: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field_the_key_and_the_link() {
        let entry = Sealed { at: 1, category: "row".into(), summary: "x".into(), ..Sealed::default() };
        let h = entry.hash(GENESIS, None);
        assert_eq!(h.len(), 64);
        assert_eq!(h, entry.hash(GENESIS, None));
        assert_ne!(h, entry.hash(&h, None));
        assert_ne!(h, entry.hash(GENESIS, Some(b"key")));
        let edited = Sealed { summary: "y".into(), ..entry.clone() };
        assert_ne!(h, edited.hash(GENESIS, None));
        let moved = Sealed { before_json: Some("null".into()), ..entry };
        assert_ne!(h, moved.hash(GENESIS, None));
    }
}
