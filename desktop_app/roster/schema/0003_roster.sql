-- ---------------------------------------------------------------- 值班 (version 3)

-- 总值班 training and assessment passed (recorded on the staff record until the training
-- module provides it)
ALTER TABLE staff ADD COLUMN duty_training_passed_on TEXT;

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
