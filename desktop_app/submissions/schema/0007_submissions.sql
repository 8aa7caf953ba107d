-- ---------------------------------------------------------------- 半年/全年报送 (version 7)

-- 结果监测指标 as data: one set per year (the submission uses the latest set not after its year).
CREATE TABLE indicator_sets (
    id    INTEGER PRIMARY KEY,
    year  INTEGER NOT NULL UNIQUE,
    name  TEXT NOT NULL
);

CREATE TABLE indicators (
    id                INTEGER PRIMARY KEY,
    set_id            INTEGER NOT NULL REFERENCES indicator_sets(id) ON DELETE CASCADE,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    definition        TEXT NOT NULL DEFAULT '',
    numerator_label   TEXT NOT NULL,
    denominator_label TEXT NOT NULL,
    unit              TEXT NOT NULL,                -- %, ‰, 例次/百出院人次
    multiplier        REAL NOT NULL DEFAULT 100,
    target_op         TEXT CHECK (target_op IS NULL OR target_op IN ('>=', '<=', '>', '<')),
    target_value      REAL,
    computed_from     TEXT,                         -- NULL: entered by the quality officer
    sort_order        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (set_id, code)
);

-- A submission for a period. A draft's figures are gathered from the records whenever it is shown;
-- finalising (by 院领导) freezes them with the narrative into snapshot_json, keeps the PDF and XLSX
-- made from it, and stamps a verification code derived from the content. Amending makes a new
-- version (a draft) with a reason; every version is kept.
CREATE TABLE submissions (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    period_kind       TEXT NOT NULL CHECK (period_kind IN ('上半年', '全年', '自定义')),
    first_day         TEXT NOT NULL,
    last_day          TEXT NOT NULL,
    title             TEXT NOT NULL,                -- 2026 年上半年医疗质量安全工作报送表
    version           INTEGER NOT NULL DEFAULT 1,
    status            TEXT NOT NULL DEFAULT '草稿' CHECK (status IN ('草稿', '已定稿')),
    narrative_json    TEXT NOT NULL DEFAULT '{}',   -- {"工作开展情况": "…", …}
    indicators_json   TEXT NOT NULL DEFAULT '{}',   -- code -> {"numerator", "denominator", "note", "not_applicable"}
    signers_json      TEXT NOT NULL DEFAULT '{}',   -- 填报人, 联系电话, 审核人, 单位负责人
    snapshot_json     TEXT,                         -- the frozen content (finalised)
    content_sha256    TEXT,
    verification_code TEXT UNIQUE,
    pdf               BLOB,
    pdf_sha256        TEXT,
    xlsx              BLOB,
    xlsx_sha256       TEXT,
    finalized_by      TEXT,
    finalized_at      TEXT,
    amends_id         INTEGER REFERENCES submissions(id) ON DELETE RESTRICT,
    amend_reason      TEXT,
    superseded        INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (first_day, last_day, version)
);
