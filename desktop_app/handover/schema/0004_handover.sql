-- ---------------------------------------------------------------- 交接班 (version 4)

-- A ward's (护理单元, kind 'nurse') or a clinical department's (kind 'doctor') handover template:
-- its shifts in order within the handover day and the checklist of items handed over.
CREATE TABLE handover_templates (
    id             INTEGER PRIMARY KEY,
    department_id  INTEGER NOT NULL REFERENCES departments(id) ON DELETE RESTRICT,
    kind           TEXT NOT NULL CHECK (kind IN ('nurse', 'doctor')),
    shifts_json    TEXT NOT NULL,     -- [{"name": "白班", "starts": "08:00", "ends": "16:00"}, …] in order
    checklist_json TEXT NOT NULL,     -- [{"name": "毒麻药品", "expected": 5}, {"name": "抢救车", "expected": null}, …]
    updated_at     TEXT NOT NULL,
    UNIQUE (department_id, kind)
);

-- 交接班记录: one per (department, kind, handover day, shift). The unique index also finds the
-- previous report (carry-over of 原有) with one index step.
CREATE TABLE handover_reports (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    department_id      INTEGER NOT NULL REFERENCES departments(id) ON DELETE RESTRICT,
    kind               TEXT NOT NULL CHECK (kind IN ('nurse', 'doctor')),
    date               TEXT NOT NULL,             -- the handover day (大夜班 00:00–08:00 belongs to the day before)
    shift_order        INTEGER NOT NULL,          -- 1, 2, 3 … within the day
    shift_name         TEXT NOT NULL,
    shift_starts_at    TEXT NOT NULL,             -- stamps of the shift's start and end (交班时间)
    shift_ends_at      TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT '草稿' CHECK (status IN ('草稿', '已交班', '已接班')),
    census_json        TEXT NOT NULL DEFAULT '{}',  -- {"原有": 40, …} as typed (a draft may hold errors)
    census_ok          INTEGER NOT NULL DEFAULT 0 CHECK (census_ok IN (0, 1)),
    items_json         TEXT NOT NULL DEFAULT '[]',  -- [{"name", "expected", "count", "ok", "note"}]
    notes              TEXT,
    outgoing_user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    outgoing_staff_id  INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    outgoing_name      TEXT,
    outgoing_at        TEXT,
    receiving_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    receiving_staff_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    receiving_name     TEXT,
    receiving_at       TEXT,
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (department_id, kind, date, shift_order)
);
CREATE INDEX handover_reports_date ON handover_reports(date);
CREATE INDEX handover_reports_waiting ON handover_reports(status) WHERE status <> '已接班';

-- Patient entries. category: 出院 转出 死亡 新入 转入 手术 四级手术当日 分娩 病危 病重 异常;
-- marks: more of the same words ("、"-joined). bedside_*: the bedside handover (床旁交接班).
CREATE TABLE handover_entries (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,
    report_id        INTEGER NOT NULL REFERENCES handover_reports(id) ON DELETE CASCADE,
    category         TEXT NOT NULL,
    bed              TEXT NOT NULL,
    patient_name     TEXT NOT NULL DEFAULT '',
    diagnosis        TEXT NOT NULL DEFAULT '',
    marks            TEXT NOT NULL DEFAULT '',
    event_time       TEXT,                      -- time of leaving/arriving/operation
    place            TEXT,                      -- destination (去向) or origin (来源)
    operation        TEXT,                      -- 四级手术当日: the operation's name
    situation        TEXT NOT NULL DEFAULT '',  -- SBAR
    background       TEXT NOT NULL DEFAULT '',
    assessment       TEXT NOT NULL DEFAULT '',
    recommendation   TEXT NOT NULL DEFAULT '',
    grade4           INTEGER NOT NULL DEFAULT 0 CHECK (grade4 IN (0, 1)),
    needs_bedside    INTEGER NOT NULL DEFAULT 0 CHECK (needs_bedside IN (0, 1)),
    bedside_at       TEXT,
    bedside_evidence TEXT,
    bedside_by       TEXT,
    carried_from     TEXT,                      -- uid of the previous report's entry it continues
    position         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX handover_entries_report ON handover_entries(report_id);
CREATE INDEX handover_entries_grade4 ON handover_entries(report_id, bedside_at) WHERE grade4 = 1;

-- Photos or scans backing a bedside handover (stored like the ledger's attachments).
CREATE TABLE handover_attachments (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    report_id  INTEGER NOT NULL REFERENCES handover_reports(id) ON DELETE CASCADE,
    entry_uid  TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    content    BLOB NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX handover_attachments_report ON handover_attachments(report_id);

-- Corrections after freezing: visible, signed additions, never edits.
CREATE TABLE handover_addenda (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES handover_reports(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    author     TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX handover_addenda_report ON handover_addenda(report_id);
