-- 医疗质量安全台账 (QualityLedger) — the whole schema of a new database.
--
-- Conventions
--  * Every record users create has an integer key (id) and a globally unique text id (uid),
--    so data from several PCs can later be merged without renumbering.
--  * Dates are 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS' (local time).
--  * Flags are INTEGER 0/1. Computed states (e.g. 逾期) are never stored.
--  * Files older than this schema are upgraded by desktop_app/storage/migrations.py;
--    this file always describes the newest version and ends with PRAGMA user_version.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Hospital-wide settings (typed, with defaults, in desktop_app/settings.py); value is JSON.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- 医院基本信息 (exactly one row once the first-start wizard has run)
CREATE TABLE hospital (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    uid         TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,          -- 等级, e.g. 二级甲等
    region      TEXT NOT NULL,          -- 所在地区, e.g. 安徽省六安市霍山县
    credit_code TEXT,                   -- 统一社会信用代码 (optional)
    address     TEXT,
    phone       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- 科室: 临床 / 医技 / 护理单元 / 职能, optionally under a parent
CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    code       TEXT UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('临床', '医技', '护理单元', '职能')),
    parent_id  INTEGER REFERENCES departments(id) ON DELETE RESTRICT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    phone      TEXT,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    pinyin     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);

-- 人员
CREATE TABLE staff (
    id                    INTEGER PRIMARY KEY,
    uid                   TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    employee_no           TEXT NOT NULL UNIQUE,               -- 工号
    name                  TEXT NOT NULL,                      -- 姓名
    gender                TEXT CHECK (gender IN ('男', '女')),
    department_id         INTEGER NOT NULL REFERENCES departments(id) ON DELETE RESTRICT,
    category              TEXT NOT NULL CHECK (category IN ('医师', '护士', '医技', '药师', '管理', '其他')),
    title                 TEXT,                               -- 职称
    licence_no            TEXT,                               -- 执业证书编号
    practice_category     TEXT,                               -- 执业类别
    registered_here       INTEGER NOT NULL DEFAULT 1 CHECK (registered_here IN (0, 1)),  -- 本机构执业
    non_registered_reason TEXT CHECK (non_registered_reason IN ('进修', '规培', '实习', '外院会诊')),
    hire_date             TEXT,                               -- 入职日期
    on_duty               INTEGER NOT NULL DEFAULT 1 CHECK (on_duty IN (0, 1)),  -- 在岗
    leave_date            TEXT,                               -- 离岗日期
    phone                 TEXT,                               -- 联系电话
    notes                 TEXT,
    pinyin                TEXT NOT NULL DEFAULT '',           -- search keys: initials and full pinyin
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CHECK ((registered_here = 1 AND non_registered_reason IS NULL)
        OR (registered_here = 0 AND non_registered_reason IS NOT NULL))
);
CREATE INDEX staff_department ON staff(department_id);
CREATE INDEX staff_name ON staff(name);

-- 用户账户 (roles: see desktop_app/accounts/permissions.py)
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    uid                  TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    username             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'quality', 'leader', 'dept_head', 'clinician', 'readonly')),
    department_id        INTEGER REFERENCES departments(id) ON DELETE RESTRICT,
    staff_id             INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    password_changed_at  TEXT NOT NULL,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT,
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    last_login_at        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (role <> 'dept_head' OR department_id IS NOT NULL)
);

-- 审计日志: append-only and hash-chained (see desktop_app/accounts/audit.py).
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    ts           TEXT NOT NULL,
    actor_id     INTEGER,              -- users.id; NULL for the system / command line
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,        -- create / update / delete / login / ...
    entity       TEXT NOT NULL,        -- record type, e.g. staff
    entity_uid   TEXT,
    entity_label TEXT,                 -- human-readable, e.g. 张三（0123）
    before_json  TEXT,
    after_json   TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_ts ON audit_log(ts);
CREATE INDEX audit_entity ON audit_log(entity, entity_uid);
CREATE INDEX audit_actor ON audit_log(actor_name);

-- The head of the chain: lets verification notice rows removed from the end.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    row_count INTEGER NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash, row_count)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);

PRAGMA application_id = 1363952711;  -- 0x514C4447 "QLDG"
PRAGMA user_version = 1;
