//! The closed vocabularies of the ledger. Each value has one stored spelling
//! (also the command-line spelling) and a Chinese and an English label.

use crate::error::Error;
use crate::i18n;

macro_rules! vocab {
    ($(#[$m:meta])* $name:ident, $field:literal { $($var:ident = $code:literal, $zh:literal, $en:literal $(| $alias:literal)*;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The stored and command-line spelling.
            pub fn code(self) -> &'static str {
                match self { $($name::$var => $code),+ }
            }

            /// The label in the current language.
            pub fn label(self) -> &'static str {
                match self { $($name::$var => i18n::tr($zh, $en)),+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $($name::$var => $zh),+ }
            }

            /// Accepts the code, the Chinese label, the English label or an
            /// older Chinese spelling (`| "..."`: a label since renamed).
            pub fn parse(s: &str) -> Result<Self, Error> {
                let t = s.trim();
                $(if t == $code || t == $zh || t.eq_ignore_ascii_case($en) $(|| t == $alias)* { return Ok($name::$var); })+
                let all: Vec<&str> = vec![$($code),+];
                Err(Error::invalid(
                    $field,
                    s,
                    &format!("{}{}{}", i18n::tr("应为 ", "one of "), all.join("|"), i18n::tr(" 之一", "")),
                ))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

vocab!(OrgKind, "kind" {
    Enterprise = "enterprise", "非公企业", "enterprise";
    SocialGroup = "social-group", "社会团体", "social group";
    NonEnterprise = "non-enterprise", "民办非企业单位", "private non-enterprise unit" | "民办非企业";
    Foundation = "foundation", "基金会", "foundation";
});

vocab!(
    /// Registration status as market supervision (市监) reports it.
    RegStatus, "status" {
    Active = "active", "存续", "active";
    Deregistered = "deregistered", "注销", "deregistered";
    Revoked = "revoked", "吊销", "revoked";
    MovedOut = "moved-out", "迁出", "moved out";
    Suspended = "suspended", "停业", "suspended";
});

impl RegStatus {
    /// Whether an organization with this status is operating (in N). Every
    /// other status takes it out of N from its status day; 停业 too: a
    /// business that has stopped trading has no workplace to cover until it
    /// reopens (`org set status=active`).
    pub fn is_operating(self) -> bool {
        self == RegStatus::Active
    }

    /// Why an organization closed (`org close --reason`): any status but
    /// active, refused under the field name `reason`.
    pub fn parse_closure(s: &str) -> Result<Self, Error> {
        let closing: Vec<&str> = RegStatus::ALL
            .iter()
            .filter(|r| !r.is_operating())
            .map(|r| r.code())
            .collect();
        match RegStatus::parse(s) {
            Ok(r) if !r.is_operating() => Ok(r),
            _ => Err(Error::invalid(
                "reason",
                s,
                &format!(
                    "{} {}{}",
                    i18n::tr("应为", "one of"),
                    closing.join("|"),
                    i18n::tr(" 之一", "")
                ),
            )),
        }
    }
}

vocab!(Mode, "mode" {
    Standalone = "standalone", "单独组建", "standalone";
    Joint = "joint", "联合组建", "joint" | "联合党支部";
    Building = "building", "楼宇（区域）组建", "building" | "楼宇党支部";
});

vocab!(Level, "level" {
    Branch = "branch", "党支部", "branch" | "支部";
    General = "general", "党总支", "general branch" | "总支";
    Committee = "committee", "党委", "committee";
});

vocab!(Political, "status" {
    Formal = "formal", "正式党员", "formal member";
    Probationary = "probationary", "预备党员", "probationary member";
    Candidate = "candidate", "发展对象", "development candidate";
    Activist = "activist", "入党积极分子", "activist";
    Applicant = "applicant", "入党申请人", "applicant";
    Plain = "none", "群众", "none";
});

impl Political {
    /// A party member: formal or probationary. A development candidate
    /// (发展对象) is not one yet.
    pub fn is_member(self) -> bool {
        matches!(self, Political::Formal | Political::Probationary)
    }
}

vocab!(
    /// Where a member's organizational relation (组织关系) sits.
    Relation, "relation" {
    Branch = "branch", "所在单位党组织", "branch";
    Residence = "residence", "居住地", "residence";
    Elsewhere = "elsewhere", "外地/流动党员", "elsewhere" | "其他地方" | "外地";
});

vocab!(Source, "source" {
    Street = "street", "街道干部", "street cadre";
    Community = "community", "社区干部", "community cadre";
    Retired = "retired", "退休干部", "retired cadre";
    DistrictDept = "district-dept", "区直单位中层骨干", "district department cadre";
});

vocab!(Office, "office" {
    Community = "community", "社区", "community";
    Economic = "economic", "经济办", "economic office";
    Party = "party", "党建办", "party-building office";
    District = "district", "区委两新工委", "district committee";
});

vocab!(TaskKind, "kind" {
    HalfYear = "half-year", "半年更新", "half-year update";
    Registration = "registration", "登记核查", "registration check";
    AdHoc = "ad-hoc", "不定期摸排", "ad hoc survey";
    Organize = "organize", "组建", "organize";
    FollowUp = "follow-up", "跟进", "follow-up";
});

vocab!(
    /// The loop 社区 → 经济办 → 党建办 → 社区.
    Stage, "stage" {
    Report = "report", "社区上报", "community reports";
    Survey = "survey", "经济办摸排", "economic office surveys";
    Cover = "cover", "党建办覆盖", "party office covers";
    FollowUp = "follow-up", "社区跟进", "community follows up";
    Closed = "closed", "已办结", "closed";
});

impl Stage {
    pub fn office(self) -> Option<Office> {
        match self {
            Stage::Report | Stage::FollowUp => Some(Office::Community),
            Stage::Survey => Some(Office::Economic),
            Stage::Cover => Some(Office::Party),
            Stage::Closed => None,
        }
    }
}

vocab!(
    /// The first-time alert rules; the code is the rule's stable id.
    Rule, "rule" {
    NewMemberHire = "new_member_hire", "新进党员未纳入党组织", "member hired, no party organization";
    IdentityCheckMissing = "identity_check_missing", "未建立新进人员政治身份识别机制", "no new-hire identity check" | "缺新进人员政治身份识别";
    InstructorMissing = "instructor_missing", "新摸排组织未选派党建指导员", "surveyed, no instructor" | "首次摸排未派指导员";
    InstructorVisitOverdue = "instructor_visit_overdue", "指导员逾期未走访", "instructor visit overdue";
    RelationNotTransferred = "relation_not_transferred", "组织关系未转入", "relation not transferred";
    BranchEligible = "branch_eligible", "符合单独组建条件", "eligible for own branch";
    JointBranchTooBroad = "joint_branch_too_broad", "联合党支部覆盖超过5家", "joint branch covers more than 5" | "联合党支部覆盖过多";
    LedgerStale = "ledger_stale", "台账逾期未核实", "ledger row stale";
    RegistrationMissing = "registration_missing", "市监登记未摸排（漏排）", "registered, not surveyed" | "登记在册未核实";
    DeregisteredActive = "deregistered_active", "已注销仍在册", "deregistered, still active";
    StageOverdue = "stage_overdue", "流转环节超期", "loop stage overdue";
});

impl Rule {
    /// The rules the article's "第一时间" is about: an event in an
    /// organization that wants an answer within days. The others are
    /// housekeeping (stale rows, overdue stages and visits).
    pub fn is_event(self) -> bool {
        matches!(
            self,
            Rule::NewMemberHire
                | Rule::IdentityCheckMissing
                | Rule::InstructorMissing
                | Rule::RelationNotTransferred
                | Rule::BranchEligible
                | Rule::JointBranchTooBroad
        )
    }
}

vocab!(
    /// How the morning checklist sorts open alerts: act now, work through on
    /// a plan, housekeeping.
    AlertGroup, "group" {
    FirstTime = "first-time", "第一时间", "first-time";
    Backlog = "backlog", "积压", "backlog";
    Routine = "routine", "日常", "routine";
});

vocab!(
    /// Where an alert stands as of a day: open, snoozed until a day,
    /// dismissed with a reason (decisions), or resolved (the facts).
    AlertState, "state" {
    Open = "open", "待处理", "open";
    Snoozed = "snoozed", "暂缓", "snoozed";
    Resolved = "resolved", "已解除", "resolved";
    Dismissed = "dismissed", "已忽略", "dismissed";
});

vocab!(
    /// How an organization is covered on a day, strongest first.
    Coverage, "coverage" {
    Own = "own", "单独组建", "own";
    Building = "building", "楼宇（区域）组建", "building" | "楼宇覆盖";
    Joint = "joint", "联合组建", "joint" | "联合覆盖";
    Instructor = "instructor", "工作覆盖（仅派指导员）", "instructor only" | "仅指导员" | "仅派指导员";
    Uncovered = "none", "未覆盖", "none";
});

impl Coverage {
    pub fn from_mode(m: Mode) -> Self {
        match m {
            Mode::Standalone => Coverage::Own,
            Mode::Building => Coverage::Building,
            Mode::Joint => Coverage::Joint,
        }
    }
    /// The label cut to fit a list column: the same terms, without the
    /// qualifier (楼宇组建, 仅派指导员).
    pub fn short(self) -> &'static str {
        match self {
            Coverage::Building => i18n::tr("楼宇组建", "building"),
            Coverage::Instructor => i18n::tr("仅派指导员", "instructor only"),
            c => c.label(),
        }
    }
    pub fn is_organizational(self) -> bool {
        matches!(self, Coverage::Own | Coverage::Building | Coverage::Joint)
    }
}

vocab!(
    /// What a user may change: everything, one street, one community, nothing.
    Role, "role" {
    District = "district", "区级", "district";
    Street = "street", "街道", "street";
    Community = "community", "社区", "community";
    ReadOnly = "read-only", "只读", "read-only";
});

/// A yes/no field on the command line (`yes|no`, also 是/否, true/false, 1/0).
pub fn parse_bool(field: &str, s: &str) -> Result<bool, Error> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "是" | "有" => Ok(true),
        "no" | "n" | "false" | "0" | "否" | "无" => Ok(false),
        _ => Err(Error::invalid(
            field,
            s,
            i18n::tr("应为 是/否", "yes or no"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_labels() {
        assert_eq!(Mode::parse("joint").unwrap(), Mode::Joint);
        assert_eq!(Mode::parse("楼宇（区域）组建").unwrap(), Mode::Building);
        // a label since renamed still reads
        assert_eq!(Mode::parse("楼宇党支部").unwrap(), Mode::Building);
        assert_eq!(Relation::parse("其他地方").unwrap(), Relation::Elsewhere);
        assert_eq!(
            Source::parse("district-dept").unwrap(),
            Source::DistrictDept
        );
        let e = Mode::parse("big").unwrap_err().to_string();
        let field = crate::domain::fields::spoken_name("mode");
        assert!(e.contains(field) && e.contains("big"), "{e}");
        assert_eq!(Stage::Survey.office(), Some(Office::Economic));
    }
}
