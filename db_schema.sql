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
    duty_training_passed_on TEXT,
    CHECK ((registered_here = 1 AND non_registered_reason IS NULL)
        OR (registered_here = 0 AND non_registered_reason IS NOT NULL))
);
-- duty_training_passed_on: 总值班培训考核合格日期 (added in version 3)
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

-- ---------------------------------------------------------------- 自查自纠 · 问题台账 (version 2)

-- 检查表: a versioned checklist (the built-in national ones are copied from resources/checklists)
CREATE TABLE checklists (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,              -- e.g. 2025
    kind        TEXT NOT NULL,              -- 专项整治 / 核心制度 / 本院
    basis       TEXT,                       -- policy document
    description TEXT,
    builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE checklist_categories (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    checklist_id INTEGER NOT NULL REFERENCES checklists(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    aliases      TEXT NOT NULL DEFAULT '[]',   -- JSON list of older names
    sort_order   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (checklist_id, name)
);

CREATE TABLE checklist_items (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    checklist_id INTEGER NOT NULL REFERENCES checklists(id) ON DELETE CASCADE,
    category_id  INTEGER NOT NULL REFERENCES checklist_categories(id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    text         TEXT NOT NULL,              -- 检查要点
    method       TEXT,                       -- 检查方法
    deduction    REAL NOT NULL DEFAULT 0 CHECK (deduction >= 0),   -- 扣分
    sort_order   INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (checklist_id, code)
);
CREATE INDEX checklist_items_category ON checklist_items(category_id);

-- 检查类型 (built-in ones plus the hospital's own), each mapped to a ledger source
CREATE TABLE inspection_types (
    name       TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    sort_order INTEGER NOT NULL DEFAULT 0,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO inspection_types (name, source, builtin, sort_order) VALUES
    ('科室月度自查', '科室自查', 1, 1),
    ('全院半年自查', '自查', 1, 2),
    ('专项整治自查', '自查', 1, 3),
    ('交叉检查', '交叉检查', 1, 4),
    ('上级督查/专项检查', '上级督查/专项检查', 1, 5),
    ('质控中心检查', '质控中心', 1, 6);

-- 检查: one inspection, over some departments, with one checklist
CREATE TABLE inspections (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    number       TEXT NOT NULL UNIQUE,          -- JC2026-001
    type         TEXT NOT NULL REFERENCES inspection_types(name) ON UPDATE CASCADE,
    title        TEXT NOT NULL,
    inspected_on TEXT NOT NULL,
    inspectors   TEXT NOT NULL,
    checklist_id INTEGER REFERENCES checklists(id),
    status       TEXT NOT NULL DEFAULT '进行中' CHECK (status IN ('进行中', '已完成')),
    completed_on TEXT,
    notes        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX inspections_date ON inspections(inspected_on);

CREATE TABLE inspection_departments (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    PRIMARY KEY (inspection_id, department_id)
);

-- 检查结果: one check point in one department (only what was recorded is stored)
CREATE TABLE inspection_results (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    item_id       INTEGER NOT NULL REFERENCES checklist_items(id),
    result        TEXT NOT NULL CHECK (result IN ('符合', '不符合', '不适用')),
    deduction     REAL NOT NULL DEFAULT 0 CHECK (deduction >= 0),
    note          TEXT,
    updated_at    TEXT NOT NULL,
    UNIQUE (inspection_id, department_id, item_id)
);

-- 问题台账
CREATE TABLE ledger_items (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    number             TEXT NOT NULL UNIQUE,     -- 2026-0001
    found_on           TEXT NOT NULL,            -- 发现日期 / 检查日期
    source             TEXT NOT NULL CHECK (source IN ('自查', '科室自查', '交叉检查', '上级督查/专项检查', '质控中心', '投诉', '不良事件')),
    inspection_id      INTEGER REFERENCES inspections(id),
    result_id          INTEGER UNIQUE REFERENCES inspection_results(id) ON DELETE SET NULL,
    checklist_item_id  INTEGER REFERENCES checklist_items(id),
    category           TEXT NOT NULL,            -- 问题类别 (checklist category or core system)
    check_point        TEXT,                     -- 检查要点
    description        TEXT NOT NULL,            -- 问题描述
    department_id      INTEGER NOT NULL REFERENCES departments(id),
    severity           TEXT NOT NULL DEFAULT '一般' CHECK (severity IN ('一般', '较重', '严重')),
    deduction          REAL NOT NULL DEFAULT 0 CHECK (deduction >= 0),
    cause_analysis     TEXT,                     -- 原因分析
    measures           TEXT,                     -- 整改措施
    responsible_person TEXT,                     -- 责任人
    deadline           TEXT NOT NULL,            -- 整改时限
    progress           TEXT,                     -- 整改情况 / 佐证材料
    status             TEXT NOT NULL DEFAULT '待整改' CHECK (status IN ('待整改', '整改中', '已整改待复查', '已销号')),
    rectified_on       TEXT,                     -- 提交复查日期
    rechecker          TEXT,                     -- 复查人
    recheck_on         TEXT,                     -- 复查日期
    recheck_opinion    TEXT,                     -- 复查意见
    closed_on          TEXT,                     -- 销号日期
    closed_by          TEXT,                     -- 销号人
    remarks            TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (deadline >= found_on),
    CHECK (status <> '已销号' OR (closed_on IS NOT NULL AND rechecker IS NOT NULL AND recheck_opinion IS NOT NULL))
);
CREATE INDEX ledger_found ON ledger_items(found_on);
CREATE INDEX ledger_department ON ledger_items(department_id, status);
CREATE INDEX ledger_status_deadline ON ledger_items(status, deadline);
CREATE INDEX ledger_inspection ON ledger_items(inspection_id);
CREATE INDEX ledger_category ON ledger_items(category);

-- 整改过程: every step of an item's life, shown as its timeline
CREATE TABLE ledger_events (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES ledger_items(id) ON DELETE CASCADE,
    ts          TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    event       TEXT NOT NULL,       -- 登记 / 开始整改 / 提交复查 / 复查通过 / 复查不通过 / 重新打开 / 修改 / 附件
    from_status TEXT,
    to_status   TEXT,
    note        TEXT
);
CREATE INDEX ledger_events_item ON ledger_events(item_id, id);

-- 附件 (photos, scans): kept inside the database, so transactions and backups include them
CREATE TABLE ledger_attachments (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    item_id    INTEGER NOT NULL REFERENCES ledger_items(id) ON DELETE CASCADE,
    file_name  TEXT NOT NULL,
    kind       TEXT NOT NULL,        -- 图片 / PDF / 文档
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    content    BLOB NOT NULL,
    note       TEXT,
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX ledger_attachments_item ON ledger_attachments(item_id);

-- ---------------------------------------------------------------- 值班 (version 3)
-- 节假日: 法定节假日 and 调休上班 days; every other date is a workday Mon–Fri, a weekend Sat–Sun
CREATE TABLE holidays (
    date       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('法定节假日', '调休上班')),
    name       TEXT NOT NULL,                 -- 春节, 国庆节 …
    confirmed  INTEGER NOT NULL DEFAULT 1 CHECK (confirmed IN (0, 1)),  -- 0: pre-filled, check the State Council notice
    updated_at TEXT NOT NULL
);

-- 值班岗位
CREATE TABLE duty_posts (
    id                     INTEGER PRIMARY KEY,
    uid                    TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    name                   TEXT NOT NULL UNIQUE,
    kind                   TEXT NOT NULL,           -- 医院总值班 / 医疗总值班 / … / 一线 / 二线 / 三线听班 / 护理夜班 / 医技值班 / 其他
    group_name             TEXT NOT NULL,           -- the month view shows one group at a time
    department_id          INTEGER REFERENCES departments(id),
    duties                 TEXT,
    required_category      TEXT,                    -- 医师 / 护士 / 医技 / 药师 / 管理 / NULL = anyone
    min_title_rank         INTEGER NOT NULL DEFAULT 0 CHECK (min_title_rank BETWEEN 0 AND 5),
    licence_required       INTEGER NOT NULL DEFAULT 0 CHECK (licence_required IN (0, 1)),
    duty_training_required INTEGER NOT NULL DEFAULT 0 CHECK (duty_training_required IN (0, 1)),
    headcount              INTEGER NOT NULL DEFAULT 1 CHECK (headcount BETWEEN 1 AND 20),
    sort_order             INTEGER NOT NULL DEFAULT 0,
    active                 INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

-- 班次 of a post: times and the kinds of day it is staffed
CREATE TABLE duty_shifts (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    post_id     INTEGER NOT NULL REFERENCES duty_posts(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,                -- 白班 / 夜班 / 24小时
    starts      TEXT NOT NULL,                -- HH:MM
    ends        TEXT NOT NULL,                -- HH:MM; not after starts = ends the next day
    on_workdays INTEGER NOT NULL DEFAULT 1 CHECK (on_workdays IN (0, 1)),
    on_weekends INTEGER NOT NULL DEFAULT 1 CHECK (on_weekends IN (0, 1)),
    on_holidays INTEGER NOT NULL DEFAULT 1 CHECK (on_holidays IN (0, 1)),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (post_id, name)
);

-- 月值班表: draft → published; a published month changes only through revisions
CREATE TABLE roster_months (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    month               TEXT NOT NULL UNIQUE,     -- YYYY-MM
    status              TEXT NOT NULL DEFAULT '草稿' CHECK (status IN ('草稿', '已发布')),
    version             INTEGER NOT NULL DEFAULT 0,
    published_at        TEXT,
    published_by        TEXT,
    confirmed_findings  TEXT,                     -- JSON: the violations accepted when publishing
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE duty_assignments (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    month_id   INTEGER NOT NULL REFERENCES roster_months(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    shift_id   INTEGER NOT NULL REFERENCES duty_shifts(id),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    UNIQUE (date, shift_id, staff_id)
);
CREATE INDEX duty_assignments_month ON duty_assignments(month_id, date);
CREATE INDEX duty_assignments_staff ON duty_assignments(staff_id, date);

-- 换班 / 替班 after publishing
CREATE TABLE roster_revisions (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    month_id      INTEGER NOT NULL REFERENCES roster_months(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('换班', '替班')),
    date          TEXT NOT NULL,
    shift_id      INTEGER NOT NULL REFERENCES duty_shifts(id),
    from_staff_id INTEGER NOT NULL REFERENCES staff(id),
    to_staff_id   INTEGER NOT NULL REFERENCES staff(id),
    other_date    TEXT,                        -- 换班: the date the other person gives back
    other_shift_id INTEGER REFERENCES duty_shifts(id),
    reason        TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    approved_by   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX roster_revisions_month ON roster_revisions(month_id, date);

-- 轮转表: the order in which a post's people take their turn (一线 轮转)
CREATE TABLE rotation_lists (
    id        INTEGER PRIMARY KEY,
    post_id   INTEGER NOT NULL UNIQUE REFERENCES duty_posts(id) ON DELETE CASCADE,
    staff_ids TEXT NOT NULL DEFAULT '[]',      -- JSON list, in turn order
    updated_at TEXT NOT NULL
);

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

-- ---------------------------------------------------------------- 培训与考核 (version 5)

-- Training categories (核心制度, 三基三严, 总值班培训 …): an editable list. ``code`` marks the built-in
-- ones that requirement rules and other modules refer to (``duty``: 总值班培训, read by the roster).
CREATE TABLE training_categories (
    id          INTEGER PRIMARY KEY,
    code        TEXT UNIQUE,
    name        TEXT NOT NULL UNIQUE,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at  TEXT NOT NULL
);

-- A training session. The audience (everyone, departments, staff categories, named people) is kept
-- as given and resolved into training_attendees rows with expected = 1 (应到) when saved.
CREATE TABLE training_sessions (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    title               TEXT NOT NULL,                 -- 培训主题
    category_id         INTEGER NOT NULL REFERENCES training_categories(id) ON DELETE RESTRICT,
    content             TEXT,                          -- 培训内容
    date                TEXT NOT NULL,
    starts              TEXT,                          -- HH:MM
    ends                TEXT,
    place               TEXT,
    lecturer            TEXT,                          -- 授课人
    lecturer_title      TEXT,                          -- 授课人职称/资质
    department_id       INTEGER REFERENCES departments(id) ON DELETE RESTRICT,  -- 组织科室
    hours               REAL NOT NULL DEFAULT 0,       -- 学时
    form                TEXT NOT NULL DEFAULT '集中' CHECK (form IN ('集中', '科室', '线上')),
    audience_json       TEXT NOT NULL DEFAULT '{}',
    audience_label      TEXT NOT NULL DEFAULT '',
    expected_count      INTEGER NOT NULL DEFAULT 0,    -- 应到 (kept with the session for the list)
    present_count       INTEGER NOT NULL DEFAULT 0,    -- 实到
    attendance_recorded INTEGER NOT NULL DEFAULT 0 CHECK (attendance_recorded IN (0, 1)),
    notes               TEXT,
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX training_sessions_date ON training_sessions(date);

-- Who was expected (应到) and who came (present: NULL until attendance is recorded). A person who came
-- without being expected has expected = 0, present = 1.
CREATE TABLE training_attendees (
    session_id  INTEGER NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    staff_id    INTEGER NOT NULL REFERENCES staff(id) ON DELETE RESTRICT,
    expected    INTEGER NOT NULL DEFAULT 1 CHECK (expected IN (0, 1)),
    present     INTEGER CHECK (present IN (0, 1)),
    note        TEXT,
    PRIMARY KEY (session_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX training_attendees_staff ON training_attendees(staff_id, present);

-- 考核 attached to a session or standalone, and 知晓率调查 (sample testing of staff).
CREATE TABLE assessments (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    session_id   INTEGER REFERENCES training_sessions(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL DEFAULT '考核' CHECK (kind IN ('考核', '知晓率调查')),
    title        TEXT NOT NULL,
    category_id  INTEGER NOT NULL REFERENCES training_categories(id) ON DELETE RESTRICT,
    date         TEXT NOT NULL,
    full_mark    REAL NOT NULL DEFAULT 100,
    pass_mark    REAL NOT NULL DEFAULT 60,
    notes        TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (pass_mark >= 0 AND pass_mark <= full_mark)
);
CREATE INDEX assessments_date ON assessments(date);
CREATE INDEX assessments_session ON assessments(session_id);

-- Each person's score per attempt: 1 = the first sitting, 2 … = 补考.
CREATE TABLE assessment_results (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    staff_id      INTEGER NOT NULL REFERENCES staff(id) ON DELETE RESTRICT,
    attempt       INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    score         REAL NOT NULL,
    passed        INTEGER NOT NULL CHECK (passed IN (0, 1)),
    date          TEXT NOT NULL,
    PRIMARY KEY (assessment_id, staff_id, attempt)
) WITHOUT ROWID;
CREATE INDEX assessment_results_staff ON assessment_results(staff_id, passed);

-- Requirement rules: category × staff group × times per year (or before the first duty), optionally
-- with a passed assessment. Seeded from resources/training/defaults.json; the hospital edits them.
CREATE TABLE training_requirements (
    id             INTEGER PRIMARY KEY,
    category_id    INTEGER NOT NULL REFERENCES training_categories(id) ON DELETE RESTRICT,
    staff_group    TEXT NOT NULL,
    times_per_year INTEGER CHECK (times_per_year IS NULL OR times_per_year >= 1),
    before_duty    INTEGER NOT NULL DEFAULT 0 CHECK (before_duty IN (0, 1)),
    must_pass      INTEGER NOT NULL DEFAULT 0 CHECK (must_pass IN (0, 1)),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    notes          TEXT,
    updated_at     TEXT NOT NULL,
    CHECK (times_per_year IS NOT NULL OR before_duty = 1)
);

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

PRAGMA application_id = 1363952711;  -- 0x514C4447 "QLDG"
PRAGMA user_version = 7;
