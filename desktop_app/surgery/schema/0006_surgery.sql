-- ---------------------------------------------------------------- 手术分级与授权 (version 6)

-- A version of the hospital's 手术分级管理目录. 草稿 is edited; 已批准 is frozen (approved by the
-- committee on a date), and may then be filed (备案) with the health commission. A new version is
-- made from the one before it; the differences between them, each with a reason, form the 动态调整.
CREATE TABLE surgery_catalogues (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    name           TEXT NOT NULL,                  -- 手术分级管理目录（2026 年版）
    based_on_id    INTEGER REFERENCES surgery_catalogues(id) ON DELETE RESTRICT,
    effective_date TEXT,
    status         TEXT NOT NULL DEFAULT '草稿' CHECK (status IN ('草稿', '已批准')),
    approved_by    TEXT,                           -- 医疗质量与安全管理委员会
    approved_on    TEXT,
    filed          INTEGER NOT NULL DEFAULT 0 CHECK (filed IN (0, 1)),   -- 三、四级目录已备案
    filed_on       TEXT,
    notes          TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- Procedures of a version. code: ICD-9-CM-3 national clinical version, normalised (21.3104).
CREATE TABLE surgery_procedures (
    id                 INTEGER PRIMARY KEY,
    catalogue_id       INTEGER NOT NULL REFERENCES surgery_catalogues(id) ON DELETE CASCADE,
    code               TEXT NOT NULL,
    name               TEXT NOT NULL,
    grade              INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    department_id      INTEGER REFERENCES departments(id) ON DELETE RESTRICT,
    specialty          TEXT,                        -- the section/专业 as the file wrote it
    restricted         INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),          -- 限制类技术
    day_surgery        INTEGER NOT NULL DEFAULT 0 CHECK (day_surgery IN (0, 1)),         -- 日间手术
    minimally_invasive INTEGER NOT NULL DEFAULT 0 CHECK (minimally_invasive IN (0, 1)),  -- 微创/介入
    notes              TEXT,
    initials           TEXT NOT NULL DEFAULT '',    -- pinyin initials of the name, for search
    UNIQUE (catalogue_id, code),
    CHECK (restricted = 0 OR (grade = 4 AND day_surgery = 0))
);
CREATE INDEX surgery_procedures_code ON surgery_procedures(code);

-- The reason for each difference of a version from the one it was made from (新增, 删除, 升级, 降级,
-- 属性变化), by procedure code.
CREATE TABLE surgery_changes (
    catalogue_id  INTEGER NOT NULL REFERENCES surgery_catalogues(id) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    reason        TEXT NOT NULL,
    PRIMARY KEY (catalogue_id, code)
) WITHOUT ROWID;

-- 能力评估: a surgeon's ability over a period, for procedures (or a grade), with a conclusion that,
-- once applied, changes the privileges.
CREATE TABLE privilege_assessments (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    staff_id       INTEGER NOT NULL REFERENCES staff(id) ON DELETE RESTRICT,
    period_from    TEXT NOT NULL,
    period_to      TEXT NOT NULL,
    grade          INTEGER CHECK (grade IS NULL OR grade BETWEEN 1 AND 2),   -- 授权至 X 级 (grades 1–2)
    procedures_json TEXT NOT NULL DEFAULT '[]',  -- [{"code", "name", "grade", "cases", "complications"}]
    cases          INTEGER NOT NULL DEFAULT 0,
    complications  INTEGER NOT NULL DEFAULT 0,
    adverse_events INTEGER NOT NULL DEFAULT 0,
    conclusion     TEXT NOT NULL CHECK (conclusion IN ('授予', '维持', '升级', '降级', '暂停', '取消')),
    assessed_on    TEXT NOT NULL,
    assessors      TEXT,                           -- 科室质量与安全管理小组 / 医务科
    approved_by    TEXT,                           -- 医疗质量与安全管理委员会
    approved_on    TEXT,
    applied_on     TEXT,                           -- when the conclusion changed the privileges
    notes          TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX privilege_assessments_staff ON privilege_assessments(staff_id, assessed_on);

-- 手术授权. scope 'grade': 授权至 grade (1 or 2) — every procedure of that grade or lower; scope
-- 'procedure': one procedure (grades 3–4 only), by code. Rows are never edited away: a renewal or a
-- change ends the old row (status 已替代, ended_on) and adds a new one; 过期 = 有效 past valid_until.
CREATE TABLE surgeon_privileges (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    staff_id       INTEGER NOT NULL REFERENCES staff(id) ON DELETE RESTRICT,
    scope          TEXT NOT NULL CHECK (scope IN ('grade', 'procedure')),
    grade          INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    code           TEXT,
    name           TEXT,
    granted_on     TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    assessment_id  INTEGER REFERENCES privilege_assessments(id) ON DELETE RESTRICT,
    approved_by    TEXT,
    approved_on    TEXT,
    status         TEXT NOT NULL DEFAULT '有效' CHECK (status IN ('有效', '暂停', '取消', '已替代')),
    ended_on       TEXT,                           -- when it stopped being 有效 (暂停/取消/已替代)
    end_reason     TEXT,
    replaces_id    INTEGER REFERENCES surgeon_privileges(id) ON DELETE RESTRICT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    CHECK ((scope = 'grade' AND grade <= 2 AND code IS NULL) OR (scope = 'procedure' AND grade >= 3 AND code IS NOT NULL)),
    CHECK (valid_until >= granted_on)
);
CREATE INDEX surgeon_privileges_staff ON surgeon_privileges(staff_id, status);
CREATE INDEX surgeon_privileges_code ON surgeon_privileges(code, status);
CREATE INDEX surgeon_privileges_until ON surgeon_privileges(valid_until) WHERE status = '有效';

-- Operations logs imported from the HIS, checked against the privileges on each operation's date.
CREATE TABLE operation_logs (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    first_date  TEXT NOT NULL,
    last_date   TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE operations (
    id           INTEGER PRIMARY KEY,
    log_id       INTEGER NOT NULL REFERENCES operation_logs(id) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    patient_no   TEXT NOT NULL,
    code         TEXT NOT NULL,              -- as matched in the catalogue in force that day
    name         TEXT NOT NULL,
    grade        INTEGER NOT NULL,
    staff_id     INTEGER NOT NULL REFERENCES staff(id) ON DELETE RESTRICT,
    privileged   INTEGER NOT NULL CHECK (privileged IN (0, 1)),   -- a valid privilege that day
    finding      TEXT                        -- why not (越权手术), in words
);
CREATE INDEX operations_date ON operations(date);
CREATE INDEX operations_unprivileged ON operations(date) WHERE privileged = 0;
