//! Matching parsed rows against the ledger and turning them into commands:
//! by credit code, else exact name. New rows become organizations, each
//! with a registration check for the economic office (implied by the row
//! until worked: `store::schema_checks`); the registration status
//! (and a code the ledger lacked) are taken from the list; other differing
//! facts are listed for the survey to verify, not overwritten.

use std::collections::HashMap;

use serde::Serialize;

use super::row::{BadRow, RegRow};
use crate::domain::command::{ImportedOrg, OrgField};
use crate::domain::kinds::RegStatus;
use crate::domain::{Command, Date, Id};
use crate::i18n::tr;
use crate::store::Batch;
use crate::store::known::{Known, KnownOrg};

#[derive(Debug, Serialize)]
pub struct Change {
    pub line: usize,
    pub org: String,
    pub field: String,
    pub ledger: String,
    pub file: String,
    /// Written to the ledger (registration status, a missing code) or only listed.
    pub applied: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub new: Vec<String>,
    pub matched: usize,
    pub unchanged: usize,
    pub deregistered: Vec<String>,
    pub unplaced: Vec<String>,
    /// Deregistered or revoked rows the ledger never had: nothing to enter.
    pub gone_elsewhere: usize,
    pub changes: Vec<Change>,
    pub bad: Vec<BadRow>,
}

pub struct Options {
    pub on: Date,
    pub street: Option<Id>,
    /// Days the registration check is given.
    pub due_days: i64,
}

struct Index<'k> {
    known: &'k Known,
    by_code: HashMap<&'k str, usize>,
    by_name: HashMap<&'k str, Vec<usize>>,
}

impl<'k> Index<'k> {
    fn new(known: &'k Known) -> Self {
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, o) in known.orgs.iter().enumerate() {
            if let Some(c) = &o.code {
                by_code.insert(c.as_str(), i);
            }
            by_name.entry(o.name.as_str()).or_default().push(i);
        }
        Index {
            known,
            by_code,
            by_name,
        }
    }

    /// The ledger row this row is, if any; a conflict is a bad row.
    fn find(&self, r: &RegRow) -> Result<Option<&'k KnownOrg>, BadRow> {
        if let Some(&i) = r.code.as_deref().and_then(|c| self.by_code.get(c)) {
            return Ok(Some(&self.known.orgs[i]));
        }
        match self.by_name.get(r.name.as_str()).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([i]) => {
                let o = &self.known.orgs[*i];
                match (&o.code, &r.code) {
                    (Some(a), Some(b)) if a != b => Err(BadRow::new(
                        r.line,
                        "code",
                        b,
                        &format!(
                            "{} {a}",
                            tr(
                                "同名组织在台账中的信用代码为",
                                "the ledger's organization of that name has code"
                            )
                        ),
                    )),
                    _ => Ok(Some(o)),
                }
            }
            Some(_) => Err(BadRow::new(
                r.line,
                "name",
                &r.name,
                tr(
                    "台账中有多个同名组织，请补信用代码",
                    "several ledger organizations have this name; add the credit code",
                ),
            )),
        }
    }

    /// Street and community: the columns, else `--street`, else a street or
    /// community the address names.
    fn place(&self, r: &RegRow, default: Option<&Id>) -> Result<(Option<Id>, Option<Id>), BadRow> {
        let k = self.known;
        let street = match &r.street {
            Some(s) => Some(
                k.streets
                    .iter()
                    .find(|(_, n)| n == s || *n == format!("{s}街道"))
                    .map(|(id, _)| id.clone())
                    .ok_or_else(|| {
                        BadRow::new(
                            r.line,
                            "street",
                            s,
                            tr("不是已知街道", "is not a known street"),
                        )
                    })?,
            ),
            None => default.cloned(),
        };
        let community = match &r.community {
            Some(c) => {
                let hits: Vec<&(Id, String, Id)> = k
                    .communities
                    .iter()
                    .filter(|(_, n, s)| {
                        (n == c || *n == format!("{c}社区"))
                            && street.as_ref().is_none_or(|x| x == s)
                    })
                    .collect();
                match hits.as_slice() {
                    [one] => Some((*one).clone()),
                    _ => {
                        return Err(BadRow::new(
                            r.line,
                            "community",
                            c,
                            tr(
                                "不是该街道的已知社区",
                                "is not a known community of the street",
                            ),
                        ));
                    }
                }
            }
            None => None,
        };
        if let Some((id, _, s)) = community {
            return Ok((Some(s), Some(id)));
        }
        if street.is_some() {
            return Ok((street, None));
        }
        if let Some((id, _)) = k
            .streets
            .iter()
            .find(|(_, n)| !n.is_empty() && r.address.contains(n.as_str()))
        {
            return Ok((Some(id.clone()), None));
        }
        let named: Vec<&(Id, String, Id)> = k
            .communities
            .iter()
            .filter(|(_, n, _)| !n.is_empty() && r.address.contains(n.as_str()))
            .collect();
        if let [(id, _, s)] = named.as_slice() {
            return Ok((Some(s.clone()), Some(id.clone())));
        }
        Ok((None, None))
    }
}

/// The batch for the good rows (each command dated `opt.on`) and the
/// summary of what they do.
pub fn plan(rows: Vec<RegRow>, bad: Vec<BadRow>, known: &Known, opt: &Options) -> (Batch, Summary) {
    let idx = Index::new(known);
    let mut s = Summary {
        rows: rows.len() + bad.len(),
        bad,
        ..Summary::default()
    };
    let mut cmds = Batch::new();
    for r in rows {
        let found = match idx.find(&r) {
            Ok(f) => f,
            Err(b) => {
                s.bad.push(b);
                continue;
            }
        };
        match found {
            Some(o) => {
                s.matched += 1;
                let before = s.changes.len();
                for c in compare(&r, o, known, &mut s) {
                    cmds.push(opt.on, c);
                }
                if s.changes.len() == before {
                    s.unchanged += 1;
                }
            }
            None if r.status != RegStatus::Active => s.gone_elsewhere += 1,
            None => match idx.place(&r, opt.street.as_ref()) {
                Ok((street, community)) => {
                    let made = new_org(r, street, community, opt, &mut s);
                    for c in made {
                        cmds.push(opt.on, c);
                    }
                }
                Err(b) => s.bad.push(b),
            },
        }
    }
    s.bad.sort_by_key(|b| b.line);
    // Only new rows, or also changes.
    cmds.appending = s.new.len() == cmds.len();
    if cmds.appending {
        cmds.cache = crate::store::PageCache::Light;
    }
    cmds.fills = &["orgs"];
    (cmds, s)
}

fn compare(r: &RegRow, o: &KnownOrg, known: &Known, s: &mut Summary) -> Vec<Command> {
    let mut fields = Vec::new();
    let mut change = |field: &str, ledger: String, file: String, applied: bool| {
        s.changes.push(Change {
            line: r.line,
            org: o.name.clone(),
            field: field.to_string(),
            ledger,
            file,
            applied,
        })
    };
    if r.status.code() != o.status {
        change(
            "status",
            o.status.clone(),
            r.status.code().to_string(),
            true,
        );
        fields.push(OrgField::Status(r.status));
    }
    if let (None, Some(c)) = (&o.code, &r.code) {
        change("code", String::new(), c.clone(), true);
        fields.push(OrgField::Code(Some(c.clone())));
    }
    if r.name != o.name {
        change("name", o.name.clone(), r.name.clone(), false);
    }
    if !r.address.is_empty() && r.address != o.address {
        change("address", o.address.clone(), r.address.clone(), false);
    }
    if let Some(n) = r.employees.filter(|n| Some(*n) != o.employees) {
        change(
            "employees",
            o.employees.map(|e| e.to_string()).unwrap_or_default(),
            n.to_string(),
            false,
        );
    }
    if let Some(street) = &r.street {
        let ledger = known
            .streets
            .iter()
            .find(|(id, _)| o.street.as_ref() == Some(id))
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        if ledger != *street && ledger != format!("{street}街道") {
            change("street", ledger, street.clone(), false);
        }
    }
    if r.status != RegStatus::Active && o.status == RegStatus::Active.code() {
        s.deregistered.push(o.name.clone());
    }
    if fields.is_empty() {
        Vec::new()
    } else {
        vec![Command::SetOrg {
            org: o.id.clone(),
            fields,
        }]
    }
}

fn new_org(
    r: RegRow,
    street: Option<Id>,
    community: Option<Id>,
    opt: &Options,
    s: &mut Summary,
) -> Vec<Command> {
    s.new.push(r.name.clone());
    if street.is_none() {
        s.unplaced.push(r.name.clone());
    }
    // Its registration check is implied by the row (`task_list`), due as
    // a task made today would be: no task row until someone works on it.
    vec![Command::ImportOrg(ImportedOrg {
        id: Id::new(),
        name: r.name,
        code: r.code,
        kind: r.kind,
        status: r.status,
        street,
        community,
        address: r.address,
        employees: r.employees,
        established_on: r.established,
        check_due_on: opt.on.add_days(opt.due_days),
    })]
}
