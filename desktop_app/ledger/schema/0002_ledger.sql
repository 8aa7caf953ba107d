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
